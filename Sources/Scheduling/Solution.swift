/// A solver's answer to a ``Problem`` (spec section "Solution").
public struct Solution: Sendable, Codable, Equatable {
    /// Format version; always 1.
    public var version: Int
    /// Scheduled requests, in the problem's request order.
    public var assignments: [Assignment]
    /// Requests left out, each with the reason, in the problem's request order.
    public var unscheduled: [Unscheduled]
    /// The spec's penalty score of this solution (lower is better).
    public var score: Int

    /// A solution from its parts.
    public init(version: Int = 1, assignments: [Assignment], unscheduled: [Unscheduled], score: Int) {
        self.version = version
        self.assignments = assignments
        self.unscheduled = unscheduled
        self.score = score
    }
}

/// One scheduled request: its option, member and team. A pin (``Problem/pinned``) is an assignment fixed in advance,
/// which every solution contains as it is.
public struct Assignment: Sendable, Codable, Hashable {
    /// The request's id.
    public var request: String
    /// Index of the chosen option.
    public var option: Int
    /// The attending member; `nil` only where the request does not need one.
    public var member: String?
    /// The attending team.
    public var team: String

    /// An assignment.
    public init(request: String, option: Int, member: String?, team: String) {
        self.request = request
        self.option = option
        self.member = member
        self.team = team
    }

    private enum CodingKeys: String, CodingKey { case request, option, member, team }

    /// Encodes every field; `member` is written as null when absent, as the spec requires.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(request, forKey: .request)
        try c.encode(option, forKey: .option)
        try c.encode(member, forKey: .member)
        try c.encode(team, forKey: .team)
    }
}

/// A request left out of the schedule, with what a clerk can do about it.
public struct Unscheduled: Sendable, Codable, Equatable {
    /// The request's id.
    public var request: String
    /// One Vietnamese paragraph naming, for each option, what blocked it.
    public var reason: String

    /// An unscheduled entry.
    public init(request: String, reason: String) {
        self.request = request
        self.reason = reason
    }
}
