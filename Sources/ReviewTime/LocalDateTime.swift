/// A wall-clock date and time in the campaign's time zone, to the minute (the spec's `YYYY-MM-DDTHH:MM`).
///
/// The value is one integer, the minutes since 1970-01-01 00:00 of the same wall clock: comparing, subtracting and
/// hashing times is integer arithmetic, which the scheduler's inner loops rely on. The date and the time of day are
/// computed from it.
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes since 1970-01-01 00:00 of the same wall clock (negative before it).
    public let minutesSinceEpoch: Int

    /// Creates a wall-clock time from minutes since 1970-01-01 00:00.
    @inlinable public init(minutesSinceEpoch m: Int) {
        minutesSinceEpoch = m
    }

    /// Combines a date and a time.
    public init(date: LocalDate, time: LocalTime) {
        minutesSinceEpoch = date.daysSinceEpoch * 1440 + time.minuteOfDay
    }

    /// Parses `YYYY-MM-DDTHH:MM` (a space is accepted instead of `T`).
    public init?(iso text: some StringProtocol) {
        guard let m = Self.minutes(parsing: text, allowingSpace: true) else { return nil }
        minutesSinceEpoch = m
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM`: ASCII digits, a date that exists, a time from 00:00 to 23:59; nil for
    /// anything else (a space for `T`, seconds, an offset, surrounding blanks).
    public init?(exact text: some StringProtocol) {
        guard let m = Self.minutes(parsing: text, allowingSpace: false) else { return nil }
        minutesSinceEpoch = m
    }

    /// Days since 1970-01-01 of the local date (negative before it).
    @inlinable public var daysSinceEpoch: Int {
        minutesSinceEpoch >= 0 ? minutesSinceEpoch / 1440 : (minutesSinceEpoch - 1439) / 1440
    }

    /// Minutes since local midnight, 0...1439.
    @inlinable public var minuteOfDay: Int { minutesSinceEpoch - daysSinceEpoch * 1440 }

    /// The local date.
    public var date: LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch) }

    /// The local time of day.
    public var time: LocalTime { LocalTime(validMinuteOfDay: minuteOfDay) }

    /// The wall-clock time `n` minutes later.
    @inlinable public func adding(minutes n: Int) -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: minutesSinceEpoch + n)
    }

    /// `YYYY-MM-DDTHH:MM`.
    public var iso: String { "\(date.iso)T\(time)" }

    /// `Thứ Ba 12/12/2023 07:30`.
    public var vietnamese: String {
        let d = date
        return "\(d.vietnameseWeekday) \(d.vietnamese) \(time)"
    }

    public var description: String { iso }

    @inlinable public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        a.minutesSinceEpoch < b.minutesSinceEpoch
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

    /// The minutes since the epoch written in `text`, read byte by byte (the scheduler reads thousands of times).
    private static func minutes(parsing text: some StringProtocol, allowingSpace: Bool) -> Int? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ minutes(parsing: $0, allowingSpace: allowingSpace) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { minutes(parsing: $0, allowingSpace: allowingSpace) }
    }

    private static func minutes(parsing bytes: UnsafeBufferPointer<UInt8>, allowingSpace: Bool) -> Int? {
        guard bytes.count == 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":"),
            bytes[10] == UInt8(ascii: "T") || (allowingSpace && bytes[10] == UInt8(ascii: " "))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= LocalDate.daysIn(month: month, year: year), hour < 24, minute < 60
        else { return nil }
        return LocalDate.daysSinceEpoch(year: year, month: month, day: day) * 1440 + hour * 60 + minute
    }
}
