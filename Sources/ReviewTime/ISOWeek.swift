/// An ISO 8601 week, e.g. `2023-W50`: Monday to Sunday, week 1 holds the year's first Thursday.
public struct ISOWeek: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The ISO week-numbering year (may differ from the calendar year near 1 January).
    public let year: Int
    /// The week number, 1...52 or 53.
    public let week: Int

    /// Creates a week; nil when the year has no such week.
    public init?(year: Int, week: Int) {
        guard (1...9999).contains(year), week >= 1, week <= ISOWeek.weeks(inYear: year) else { return nil }
        self.year = year
        self.week = week
    }

    /// Parses `YYYY-Www`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 3, parts[1].first == "W",
            let y = Int(parts[0]), let w = Int(parts[1].dropFirst()),
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            parts[1].dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        self.init(year: y, week: w)
    }

    /// The week that contains a date.
    public init(containing date: LocalDate) {
        // The week's Thursday decides the ISO year.
        let thursday = date.adding(days: 4 - date.isoWeekday)
        year = thursday.year
        week = (LocalDate(year: thursday.year, month: 1, day: 1)!.days(until: thursday)) / 7 + 1
    }

    /// The week's Monday.
    public var monday: LocalDate {
        let jan4 = LocalDate(year: year, month: 1, day: 4)!
        return jan4.adding(days: 1 - jan4.isoWeekday + (week - 1) * 7)
    }

    /// The week's Sunday.
    public var sunday: LocalDate { monday.adding(days: 6) }

    /// The week as wall-clock time: from its Monday 00:00 up to, not including, the next Monday 00:00.
    public var bounds: Range<LocalDateTime> {
        let first = monday.daysSinceEpoch * 1440
        return LocalDateTime(minutesSinceEpoch: first)..<LocalDateTime(minutesSinceEpoch: first + 7 * 1440)
    }

    /// Whether the date falls in this week.
    public func contains(_ date: LocalDate) -> Bool {
        let d = monday.days(until: date)
        return d >= 0 && d < 7
    }

    /// The week `n` weeks later (earlier when negative).
    public func adding(weeks n: Int) -> ISOWeek {
        ISOWeek(containing: monday.adding(days: 7 * n))
    }

    /// `YYYY-Www`.
    public var iso: String { "\(pad(year, 4))-W\(pad(week, 2))" }

    /// `tuần 50/2023 (11/12–17/12/2023)`.
    public var vietnamese: String {
        let m = monday, s = sunday
        return "tuần \(week)/\(year) (\(m.vietnameseDayMonth)–\(s.vietnamese))"
    }

    public var description: String { iso }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { (a.year, a.week) < (b.year, b.week) }

    /// 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
    public static func weeks(inYear year: Int) -> Int {
        guard let jan1 = LocalDate(year: year, month: 1, day: 1) else { return 52 }
        let leap = LocalDate.daysIn(month: 2, year: year) == 29
        return jan1.isoWeekday == 4 || (leap && jan1.isoWeekday == 3) ? 53 : 52
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let w = ISOWeek(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "tuần không hợp lệ '\(text)' (cần dạng YYYY-Www, ví dụ 2023-W50)"))
        }
        self = w
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
