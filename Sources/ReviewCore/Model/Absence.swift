public import Foundation

/// A time a Standing Committee member or a work team cannot attend anything (called to a meeting, ill, on leave), as
/// the office recorded it: every later scheduling run treats it as busy time, and a published session it breaks is
/// listed for a repair.
public struct Absence: Sendable, Hashable, Codable {
    /// Who is away.
    public enum Subject: String, Sendable, Hashable, Codable, CaseIterable {
        /// A Standing Committee member.
        case member
        /// A work team.
        case team
    }

    /// Unique in the district, e.g. `v-3k9x2m7q`.
    public var id: String
    /// The district.
    public var districtId: String
    /// Member or team.
    public var subject: Subject
    /// The member's or team's id in the configuration.
    public var subjectId: String
    /// First minute away (local time).
    public var start: LocalDateTime
    /// First minute back (local time); after `start`.
    public var end: LocalDateTime
    /// Why (one line, shown to the office and in the reason of the sessions it moves).
    public var reason: String
    /// When it was recorded.
    public var createdAt: Date
    /// Who recorded it (`office:<name>`).
    public var createdBy: String

    /// Creates an absence.
    public init(
        id: String, districtId: String, subject: Subject, subjectId: String, start: LocalDateTime, end: LocalDateTime, reason: String,
        createdAt: Date, createdBy: String
    ) {
        self.id = id
        self.districtId = districtId
        self.subject = subject
        self.subjectId = subjectId
        self.start = start
        self.end = end
        self.reason = reason
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// Whether the absence shares at least one minute with `[start, end)`.
    public func overlaps(start other: LocalDateTime, end otherEnd: LocalDateTime) -> Bool {
        start < otherEnd && other < end
    }

    /// The key of the person's busy time in a week's problem (`member:ID`, `team:ID`).
    public var personKey: String { "\(subject.rawValue):\(subjectId)" }
}
