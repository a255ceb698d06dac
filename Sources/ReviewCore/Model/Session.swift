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
    /// Why the office cancelled the published session, when it did: runs then leave the request out until the office
    /// reschedules it.
    public var cancellation: String?
    /// The day the session took place, as the office recorded it.
    public var held: ProgressMark?
    /// The day the office received the session's dossier (biên bản, báo cáo), as recorded.
    public var dossier: ProgressMark?
    /// The reason the next publish gives for changing this published session (set when the office chooses a repair:
    /// the absence that moves it); cleared when published or when the proposal is made again.
    public var pendingReason: String?

    /// Creates a session.
    public init(
        requestId: String, districtId: String, week: ISOWeek, proposal: Placement?, reason: String?, pinned: Bool,
        published: PublishedSession?, cancellation: String? = nil, held: ProgressMark? = nil, dossier: ProgressMark? = nil,
        pendingReason: String? = nil
    ) {
        self.pendingReason = pendingReason
        self.requestId = requestId
        self.districtId = districtId
        self.week = week
        self.proposal = proposal
        self.reason = reason
        self.pinned = pinned
        self.published = published
        self.cancellation = cancellation
        self.held = held
        self.dossier = dossier
    }
}

/// A step of a unit's progress the office recorded: on which day, by whom, when.
public struct ProgressMark: Sendable, Hashable, Codable {
    /// The day it happened (local).
    public var date: LocalDate
    /// Who recorded it (`office:<name>`).
    public var by: String
    /// When it was recorded.
    public var at: Date
    /// Creates a mark.
    public init(date: LocalDate, by: String, at: Date) {
        self.date = date
        self.by = by
        self.at = at
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
    /// The office's reason for the last reschedule or the cancellation, shown to the unit and in the feeds.
    public var reason: String?
    /// Creates a published state.
    public init(placement: Placement, cancelled: Bool, sequence: Int, lastModified: Date, reason: String? = nil) {
        self.placement = placement
        self.cancelled = cancelled
        self.sequence = sequence
        self.lastModified = lastModified
        self.reason = reason
    }
}
