/// The value of a STATUS property.
public enum ICalStatus: String, Sendable, Hashable, CaseIterable {
    /// `TENTATIVE` (events).
    case tentative = "TENTATIVE"
    /// `CONFIRMED` (events).
    case confirmed = "CONFIRMED"
    /// `CANCELLED` (events, to-dos, journals).
    case cancelled = "CANCELLED"
    /// `NEEDS-ACTION` (to-dos).
    case needsAction = "NEEDS-ACTION"
    /// `COMPLETED` (to-dos).
    case completed = "COMPLETED"
    /// `IN-PROCESS` (to-dos).
    case inProcess = "IN-PROCESS"
    /// `DRAFT` (journals).
    case draft = "DRAFT"
    /// `FINAL` (journals).
    case final = "FINAL"
}
