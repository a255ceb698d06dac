/// A wall-clock date and time without a time zone (year, month, day, hour, minute, second).
public struct LocalStamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 2025.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int
    /// The hour, 0 to 23.
    public var hour: Int
    /// The minute, 0 to 59.
    public var minute: Int
    /// The second, 0 to 59 (60 for a leap second is not supported).
    public var second: Int

    /// Creates a stamp from its fields; validity is checked when the stamp is handed to libical.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The calendar day of this stamp.
    public var date: DateStamp { DateStamp(year: year, month: month, day: day) }

    /// `true` if every field is in range and the day exists in its month.
    public var isValid: Bool {
        date.isValid && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    /// Orders stamps chronologically, field by field.
    public static func < (lhs: LocalStamp, rhs: LocalStamp) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    /// The basic iCalendar form, e.g. `20250301T090000`.
    public var description: String {
        date.description + "T" + Self.pad(hour, 2) + Self.pad(minute, 2) + Self.pad(second, 2)
    }

    /// The UTC wall-clock stamp of an instant, truncated to whole seconds.
    init(utcSecondsSinceEpoch seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rest = seconds - days * 86_400
        let day = DateStamp(daysSinceEpoch: days)
        self.init(year: day.year, month: day.month, day: day.day, hour: rest / 3_600, minute: rest % 3_600 / 60, second: rest % 60)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
