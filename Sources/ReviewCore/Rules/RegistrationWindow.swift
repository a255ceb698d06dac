public import Foundation

/// The weekly registration cutoff (rule IV.1 of the plan): requests for week T close on
/// `weekday` at `time` of week T − `weeksBefore` (Thursday 15:00 of the week before), local time.
public struct RegistrationWindow: Sendable, Hashable {
    /// ISO weekday of the cutoff, 1 (Monday) … 7 (Sunday).
    public let weekday: Int
    /// Local time of the cutoff.
    public let time: LocalTime
    /// How many weeks before the batch week the cutoff falls.
    public let weeksBefore: Int
    /// The campaign's zone.
    public let zone: CampaignZone

    /// The plan's rule: Thursday 15:00 of the week before, Vietnam time.
    public static let standard = RegistrationWindow(weekday: 4, time: LocalTime(hour: 15, minute: 0)!, weeksBefore: 1, zone: .vietnam)

    /// Creates a window rule.
    public init(weekday: Int, time: LocalTime, weeksBefore: Int = 1, zone: CampaignZone) {
        self.weekday = weekday
        self.time = time
        self.weeksBefore = weeksBefore
        self.zone = zone
    }

    /// The local wall-clock time at which registration for `week` closes.
    public func closing(of week: ISOWeek) -> LocalDateTime {
        let day = week.adding(weeks: -weeksBefore).monday.adding(days: weekday - 1)
        return LocalDateTime(date: day, time: time)
    }

    /// The instant at which registration for `week` closes.
    public func closingInstant(of week: ISOWeek) -> Date {
        zone.instant(closing(of: week))
    }

    /// Whether registration for `week` is still open at `instant` (closed from the cutoff instant on).
    public func isOpen(_ week: ISOWeek, at instant: Date) -> Bool {
        instant < closingInstant(of: week)
    }

    /// The first week still open for registration at `instant`.
    public func firstOpenWeek(at instant: Date) -> ISOWeek {
        var week = ISOWeek(containing: zone.date(of: instant))
        while !isOpen(week, at: instant) {
            week = week.adding(weeks: 1)
        }
        return week
    }
}
