/// A local wall-clock time to the minute, as the spec writes it: `YYYY-MM-DDTHH:MM`, no offset.
///
/// The value is the number of minutes since 1970-01-01 00:00 of the same (unnamed) local clock,
/// so comparing and subtracting times is plain integer arithmetic and no time zone is involved.
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes since 1970-01-01 00:00 local time (negative before it).
    public var minutes: Int

    /// The time `minutes` after 1970-01-01 00:00 local time.
    public init(minutes: Int) {
        self.minutes = minutes
    }

    /// The given calendar date and clock time; `nil` when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...CivilDate.daysIn(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        minutes = CivilDate.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM` (ASCII digits); `nil` for anything else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16)
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute)
    }

    /// Days since 1970-01-01 of this time's local date (the spec's "date of a start").
    public var dayNumber: Int { minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440) }

    /// Minutes since local midnight.
    public var minuteOfDay: Int { minutes - dayNumber * 1440 }

    /// Calendar fields: year, month (1–12), day (1–31), hour and minute.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let date = CivilDate.civil(fromDays: dayNumber)
        return (date.year, date.month, date.day, minuteOfDay / 60, minuteOfDay % 60)
    }

    /// ISO weekday of the date: 1 for Monday … 7 for Sunday.
    public var isoWeekday: Int { CivilDate.isoWeekday(ofDays: dayNumber) }

    /// The spec's text form `YYYY-MM-DDTHH:MM`.
    public var description: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2))"
    }

    /// The same time `delta` minutes later.
    public func adding(minutes delta: Int) -> LocalDateTime {
        LocalDateTime(minutes: minutes + delta)
    }

    /// Orders by time.
    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.minutes < rhs.minutes
    }

    /// Decodes the spec's text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = LocalDateTime(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a time written YYYY-MM-DDTHH:MM")
        }
        self = value
    }

    /// Encodes the spec's text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Zero-padded decimal text of a non-negative number.
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
enum CivilDate {
    /// Days since 1970-01-01 of a calendar date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date of a day number.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday.
    static func isoWeekday(ofDays days: Int) -> Int {
        ((days + 3) % 7 + 7) % 7 + 1
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Monday 00:00 and the next Monday 00:00 of an ISO week written `YYYY-Www`; `nil` when malformed or out of range.
    static func weekBounds(_ text: String) -> (start: LocalDateTime, end: LocalDateTime)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"), bytes[5] == UInt8(ascii: "W") else { return nil }
        var year = 0
        var week = 0
        for (index, byte) in bytes.enumerated() where index != 4 && index != 5 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if index < 4 { year = year * 10 + Int(byte - 48) } else { week = week * 10 + Int(byte - 48) }
        }
        let januaryFirst = isoWeekday(ofDays: days(year: year, month: 1, day: 1))
        let weeks = januaryFirst == 4 || (isLeap(year) && januaryFirst == 3) ? 53 : 52
        guard (1...9999).contains(year), (1...weeks).contains(week) else { return nil }
        let januaryFourth = days(year: year, month: 1, day: 4)
        let monday = januaryFourth - (isoWeekday(ofDays: januaryFourth) - 1) + 7 * (week - 1)
        return (LocalDateTime(minutes: monday * 1440), LocalDateTime(minutes: (monday + 7) * 1440))
    }
}
