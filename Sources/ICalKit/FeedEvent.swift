import Foundation

/// One event of a feed, in `Asia/Ho_Chi_Minh` local time.
public struct FeedEvent: Sendable, Equatable {
    /// When an event takes place.
    public enum Timing: Sendable, Equatable {
        /// From `start` to `end` (exclusive), wall-clock times in `Asia/Ho_Chi_Minh`.
        case local(start: LocalStamp, end: LocalStamp)
        /// Whole days from `first` to `lastInclusive`; written with `VALUE=DATE` and an exclusive DTEND.
        case allDay(first: DateStamp, lastInclusive: DateStamp)
    }

    /// The event's state (`STATUS`).
    public enum Status: Sendable, Equatable {
        /// `STATUS:CONFIRMED`
        case confirmed
        /// `STATUS:TENTATIVE`
        case tentative
        /// `STATUS:CANCELLED`; the caller also raises `sequence` and chooses the summary shown.
        case cancelled
    }

    /// Stable identifier: printable ASCII without `\`, `;` or `,`, at most 68 octets (so `UID:` + value ≤ 72).
    public var uid: String
    /// When the event takes place.
    public var timing: Timing
    /// The title (one line; line breaks become spaces).
    public var summary: String
    /// Where, if anywhere (one line).
    public var location: String?
    /// Longer text; line breaks are kept.
    public var description: String?
    /// Category names (one line each; `,` and `;` become spaces, empty ones are dropped).
    public var categories: [String]
    /// The event's state.
    public var status: Status
    /// Revision number; must grow with every change (`SEQUENCE`).
    public var sequence: Int
    /// The instant of the last change; written as both `DTSTAMP` and `LAST-MODIFIED`, in UTC, whole seconds.
    public var lastModified: Date
    /// Minutes before the start for a display alarm, or `nil` for none.
    public var alarmMinutesBefore: Int?

    /// Creates an event.
    public init(
        uid: String,
        timing: Timing,
        summary: String,
        location: String? = nil,
        description: String? = nil,
        categories: [String] = [],
        status: Status = .confirmed,
        sequence: Int = 0,
        lastModified: Date,
        alarmMinutesBefore: Int? = nil
    ) {
        self.uid = uid
        self.timing = timing
        self.summary = summary
        self.location = location
        self.description = description
        self.categories = categories
        self.status = status
        self.sequence = sequence
        self.lastModified = lastModified
        self.alarmMinutesBefore = alarmMinutesBefore
    }

    /// The start as a local stamp (midnight for all-day events), for ordering.
    var sortStart: LocalStamp {
        switch timing {
        case .local(let start, _): start
        case .allDay(let first, _): LocalStamp(year: first.year, month: first.month, day: first.day)
        }
    }
}
