/// Who is calling: a unit with its token, or the District Office.
public enum Principal: Sendable, Hashable {
    /// A unit: sees and changes only its own requests.
    case unit(String)
    /// The District Office, by the name of the person or machine acting.
    case office(String)

    /// How the audit trail names it: `unit:<id>` or `office:<name>`.
    public var actor: String {
        switch self {
        case .unit(let id): "unit:\(id)"
        case .office(let name): "office:\(name)"
        }
    }

    /// Whether this is the office.
    public var isOffice: Bool {
        if case .office = self { return true }
        return false
    }
}
