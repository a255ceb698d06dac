/// A wall-clock date and time in the campaign's time zone, to the minute (the spec's `YYYY-MM-DDTHH:MM`).
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The local date.
    public let date: LocalDate
    /// The local time of day.
    public let time: LocalTime

    /// Combines a date and a time.
    public init(date: LocalDate, time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// Parses `YYYY-MM-DDTHH:MM` (a space is accepted instead of `T`).
    public init?(iso text: some StringProtocol) {
        let s = String(text)
        guard s.count == 16 else { return nil }
        let sep = s.index(s.startIndex, offsetBy: 10)
        guard s[sep] == "T" || s[sep] == " ",
            let d = LocalDate(iso: s[..<sep]),
            let t = LocalTime(text: s[s.index(after: sep)...])
        else { return nil }
        self.init(date: d, time: t)
    }

    /// Minutes since 1970-01-01 00:00 of the same wall clock.
    public var minutesSinceEpoch: Int { date.daysSinceEpoch * 1440 + time.minuteOfDay }

    /// Creates a wall-clock time from minutes since 1970-01-01 00:00.
    public init(minutesSinceEpoch m: Int) {
        let days = m >= 0 ? m / 1440 : (m - 1439) / 1440
        date = LocalDate(daysSinceEpoch: days)
        time = LocalTime(hour: (m - days * 1440) / 60, minute: (m - days * 1440) % 60)!
    }

    /// The wall-clock time `n` minutes later.
    public func adding(minutes n: Int) -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: minutesSinceEpoch + n)
    }

    /// `YYYY-MM-DDTHH:MM`.
    public var iso: String { "\(date.iso)T\(time)" }

    /// `Thứ Ba 12/12/2023 07:30`.
    public var vietnamese: String { "\(date.vietnameseWeekday) \(date.vietnamese) \(time)" }

    public var description: String { iso }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        a.date < b.date || (a.date == b.date && a.time < b.time)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = LocalDateTime(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "thời điểm không hợp lệ '\(text)' (cần dạng YYYY-MM-DDTHH:MM)"))
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
