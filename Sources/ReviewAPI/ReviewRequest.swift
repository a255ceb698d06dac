public import Foundation

/// A unit's request for a review session in one batch week, with its ranked time options.
public struct ReviewRequest: Sendable, Hashable, Codable {
    /// Identifier, e.g. `r-7f3a9c2e`.
    public var id: String
    /// The district.
    public var districtId: String
    /// The campaign.
    public var campaignId: String
    /// The unit that holds the session.
    public var unitId: String
    /// What is reviewed.
    public var kind: ReviewKind
    /// The ISO week all options lie in.
    public var week: ISOWeek
    /// Ranked time options: index 0 is the first choice.
    public var options: [TimeOption]
    /// Location id.
    public var location: String
    /// The day the draft report was sent to the member in charge and the team leader; nil: not yet.
    public var draftSent: LocalDate?
    /// Contact person.
    public var contactName: String?
    /// Contact phone.
    public var contactPhone: String?
    /// Contact e-mail address, if given: changes to the session are sent there.
    public var contactEmail: String?
    /// Free note to the office.
    public var note: String?
    /// Requests that must take place before this one.
    public var after: [String]
    /// Open or withdrawn.
    public var status: RequestStatus
    /// Admitted into a closed week by the office.
    public var admittedLate: Bool
    /// When it was created (server time).
    public var createdAt: Date
    /// When it last changed (server time).
    public var updatedAt: Date
    /// Raised on every change.
    public var version: Int

    /// Creates a request.
    public init(
        id: String, districtId: String, campaignId: String, unitId: String, kind: ReviewKind, week: ISOWeek, options: [TimeOption],
        location: String, draftSent: LocalDate?, contactName: String?, contactPhone: String?, note: String?, after: [String],
        status: RequestStatus, admittedLate: Bool, createdAt: Date, updatedAt: Date, version: Int
    ) {
        self.id = id
        self.districtId = districtId
        self.campaignId = campaignId
        self.unitId = unitId
        self.kind = kind
        self.week = week
        self.options = options
        self.location = location
        self.draftSent = draftSent
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.note = note
        self.after = after
        self.status = status
        self.admittedLate = admittedLate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// A request's lifecycle state.
public enum RequestStatus: String, Sendable, Hashable, Codable {
    /// Waiting for or holding a session.
    case open
    /// Withdrawn by the unit (kept, never deleted).
    case withdrawn
}

/// One proposed time for a session, `[start, end)` in local time.
public struct TimeOption: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Local start.
    public var start: LocalDateTime
    /// Local end.
    public var end: LocalDateTime
    /// Creates an option.
    public init(start: LocalDateTime, end: LocalDateTime) {
        self.start = start
        self.end = end
    }
    /// `Thứ Ba 12/12/2023 07:30–11:30`.
    public var description: String {
        start.date == end.date ? "\(start.vietnamese)–\(end.time)" : "\(start.vietnamese) – \(end.vietnamese)"
    }
    /// Length in minutes.
    public var minutes: Int { end.minutesSinceEpoch - start.minutesSinceEpoch }
}
