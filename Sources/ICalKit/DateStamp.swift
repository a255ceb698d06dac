internal import ReviewTime

/// A calendar day without a time zone (year, month, day).
public struct DateStamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 2025.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int

    /// Creates a day from its fields; validity is checked when the day is handed to libical.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `true` if the year is 1 to 9999, the month 1 to 12 and the day exists in that month.
    public var isValid: Bool { LocalDate(year: year, month: month, day: day) != nil }

    /// The following day.
    public var nextDay: DateStamp { DateStamp(daysSinceEpoch: daysSinceEpoch + 1) }

    /// Orders days chronologically.
    public static func < (lhs: DateStamp, rhs: DateStamp) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The basic iCalendar form, e.g. `20250301`.
    public var description: String {
        LocalStamp.pad(year, 4) + LocalStamp.pad(month, 2) + LocalStamp.pad(day, 2)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    var daysSinceEpoch: Int { LocalDate.daysSinceEpoch(year: year, month: month, day: day) }

    /// The day that is `days` after 1970-01-01.
    init(daysSinceEpoch days: Int) {
        let date = LocalDate(daysSinceEpoch: days)
        self.init(year: date.year, month: date.month, day: date.day)
    }
}
