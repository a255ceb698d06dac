/// A valid problem that has no valid solution (the CLI's exit 3): a pinned request's predecessors cannot all be
/// placed before it.
public struct Infeasible: Error, CustomStringConvertible {
    /// Why, in Vietnamese, for the clerk.
    public var reason: String

    /// The given reason.
    public init(reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
