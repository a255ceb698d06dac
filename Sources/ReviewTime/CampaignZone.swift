public import Foundation

/// Converts between instants and wall-clock times of the campaign's time zone.
///
/// Every rule of the campaign reads local time here, never through the process's
/// `TimeZone.current`, so the server's own zone (UTC, New York …) changes nothing.
public struct CampaignZone: Sendable, Hashable {
    /// The IANA identifier, e.g. `Asia/Ho_Chi_Minh`.
    public let identifier: String
    private let zone: TimeZone

    /// The campaign's zone of every Vietnamese district.
    public static let vietnam = CampaignZone(identifier: "Asia/Ho_Chi_Minh")!

    /// Creates a zone from an IANA identifier; nil when unknown.
    public init?(identifier: String) {
        guard let z = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        zone = z
    }

    /// The local wall-clock time of an instant, with its seconds.
    public func local(_ instant: Date) -> (dateTime: LocalDateTime, second: Int) {
        let offset = zone.secondsFromGMT(for: instant)
        let total = Int((instant.timeIntervalSince1970).rounded(.down)) + offset
        let minutes = total >= 0 ? total / 60 : (total - 59) / 60
        return (LocalDateTime(minutesSinceEpoch: minutes), total - minutes * 60)
    }

    /// The local date of an instant.
    public func date(of instant: Date) -> LocalDate { local(instant).dateTime.date }

    /// The instant of a local wall-clock time (the earlier one where a clock change repeats it).
    public func instant(_ local: LocalDateTime, second: Int = 0) -> Date {
        let wall = TimeInterval(local.minutesSinceEpoch * 60 + second)
        // Two passes settle the offset for zones whose offset changes near the time.
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))
        offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - TimeInterval(offset)))
        return Date(timeIntervalSince1970: wall - TimeInterval(offset))
    }

    /// The instant a local date starts (00:00).
    public func startOfDay(_ date: LocalDate) -> Date {
        instant(LocalDateTime(date: date, time: LocalTime(hour: 0, minute: 0)!))
    }
}
