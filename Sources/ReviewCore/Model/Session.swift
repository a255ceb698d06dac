public import Foundation

/// The office's decision for one request in one week: a proposal, and what was last published.
public struct Session: Sendable, Hashable, Codable {
    /// The request.
    public var requestId: String
    /// The district.
    public var districtId: String
    /// The batch week.
    public var week: ISOWeek
    /// The current proposal; nil when the request could not be scheduled.
    public var proposal: Placement?
    /// Why the request is not scheduled (Vietnamese), when `proposal` is nil.
    public var reason: String?
    /// Fixed by the office: kept as is on every re-run.
    public var pinned: Bool
    /// What members, teams and the unit see in their calendars; nil until first published.
    public var published: PublishedSession?

    /// Creates a session.
    public init(
        requestId: String, districtId: String, week: ISOWeek, proposal: Placement?, reason: String?, pinned: Bool,
        published: PublishedSession?
    ) {
        self.requestId = requestId
        self.districtId = districtId
        self.week = week
        self.proposal = proposal
        self.reason = reason
        self.pinned = pinned
        self.published = published
    }
}

/// Where and with whom a session takes place.
public struct Placement: Sendable, Hashable, Codable {
    /// Index of the chosen option.
    public var option: Int
    /// Local start.
    public var start: LocalDateTime
    /// Local end.
    public var end: LocalDateTime
    /// The attending Standing Committee member, if any.
    public var member: String?
    /// The attending work team.
    public var team: String
    /// Creates a placement.
    public init(option: Int, start: LocalDateTime, end: LocalDateTime, member: String?, team: String) {
        self.option = option
        self.start = start
        self.end = end
        self.member = member
        self.team = team
    }
}

/// A session as published to the calendars.
public struct PublishedSession: Sendable, Hashable, Codable {
    /// The placement; kept when cancelled, so the cancelled event stays at its time.
    public var placement: Placement
    /// Cancelled by the office.
    public var cancelled: Bool
    /// Raised on every published change.
    public var sequence: Int
    /// When it last changed (UTC instant).
    public var lastModified: Date
    /// Creates a published state.
    public init(placement: Placement, cancelled: Bool, sequence: Int, lastModified: Date) {
        self.placement = placement
        self.cancelled = cancelled
        self.sequence = sequence
        self.lastModified = lastModified
    }
}
