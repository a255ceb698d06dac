/// A calendar to publish as a subscribable feed.
public struct FeedCalendar: Sendable, Equatable {
    /// The calendar's name, shown by clients (`NAME` and `X-WR-CALNAME`).
    public var name: String
    /// The events; the renderer orders them by start, then UID.
    public var events: [FeedEvent]
    /// How often clients should poll, as an iCalendar duration (`REFRESH-INTERVAL` and `X-PUBLISHED-TTL`).
    public var refreshInterval: String = "PT1H"

    /// Creates a calendar.
    public init(name: String, events: [FeedEvent], refreshInterval: String = "PT1H") {
        self.name = name
        self.events = events
        self.refreshInterval = refreshInterval
    }
}
