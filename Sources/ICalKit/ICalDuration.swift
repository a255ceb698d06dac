internal import CLibical

/// An iCalendar DURATION value such as `PT1H`, `P1D` or `-PT15M`.
public struct ICalDuration: Sendable, Hashable, CustomStringConvertible {
    /// `true` for a negative duration (e.g. an alarm before the start).
    public var isNegative: Bool
    /// Whole weeks; iCalendar does not combine weeks with the other fields.
    public var weeks: Int
    /// Whole days.
    public var days: Int
    /// Hours.
    public var hours: Int
    /// Minutes.
    public var minutes: Int
    /// Seconds.
    public var seconds: Int

    /// Creates a duration from its fields (all non-negative; the sign is `isNegative`).
    public init(isNegative: Bool = false, weeks: Int = 0, days: Int = 0, hours: Int = 0, minutes: Int = 0, seconds: Int = 0) {
        self.isNegative = isNegative
        self.weeks = weeks
        self.days = days
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
    }

    /// The signed length in seconds, counting a day as 86,400 seconds.
    public var totalSeconds: Int {
        let magnitude = ((weeks * 7 + days) * 24 + hours) * 3_600 + minutes * 60 + seconds
        return isNegative ? -magnitude : magnitude
    }

    /// The iCalendar text, e.g. `-PT15M`.
    public var description: String {
        var text = isNegative ? "-P" : "P"
        if weeks > 0 { text += "\(weeks)W" }
        if days > 0 { text += "\(days)D" }
        if hours > 0 || minutes > 0 || seconds > 0 {
            text += "T"
            if hours > 0 { text += "\(hours)H" }
            if minutes > 0 { text += "\(minutes)M" }
            if seconds > 0 { text += "\(seconds)S" }
        }
        return text == "P" || text == "-P" ? "PT0S" : text
    }
}

extension ICalDuration {
    /// Parses iCalendar duration text such as `PT1H` or `-P1DT2H` with libical.
    ///
    /// - Throws: `ICalError.invalidValue` if libical rejects the text.
    public init(parsing text: String) throws {
        let native = Libical.locked {
            Libical.clearError()
            defer { Libical.clearError() }
            return icaldurationtype_from_string(text)
        }
        guard icaldurationtype_is_bad_duration(native) == 0 else { throw ICalError.invalidValue("duration '\(text)'") }
        self = ICalProperty.swiftDuration(native)
    }
}
