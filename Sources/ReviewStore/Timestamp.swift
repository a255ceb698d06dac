import Foundation
import ReviewCore

/// Formats instants for text columns: ISO 8601 in UTC with milliseconds, which sorts as text.
///
/// Written and read by hand rather than through `ISO8601FormatStyle`: every stored row carries a few, and the
/// formatter's cost showed when a page reads a thousand rows. The text has the formatter's shape (milliseconds
/// truncated), an instant read from a text writes that same text again, and anything else ISO 8601 is still parsed
/// by the formatter.
public enum Timestamp {
    /// `2023-12-07T08:00:00.000Z`.
    public static func string(_ date: Date) -> String {
        // Whole seconds, then the milliseconds cut; half a microsecond added first, so that an instant read back from
        // a stored text (a binary fraction a hair below the millisecond) gives that same text again.
        let t = date.timeIntervalSince1970
        var whole = t.rounded(.down)
        var ms = Int(((t - whole) * 1000 + 0.0005).rounded(.down))
        if ms == 1000 {
            whole += 1
            ms = 0
        }
        let seconds = Int(whole)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let d = LocalDate(daysSinceEpoch: days)
        let rest = seconds - days * 86400
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ n: Int, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var v = n
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            out += digits
        }
        put(d.year, 4); out.append(0x2D); put(d.month, 2); out.append(0x2D); put(d.day, 2); out.append(0x54)
        put(rest / 3600, 2); out.append(0x3A); put(rest / 60 % 60, 2); out.append(0x3A); put(rest % 60, 2); out.append(0x2E)
        put(ms, 3); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `string(_:)`'s output (and, more slowly, any other ISO 8601 instant).
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A,
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
            let ms = num(20, 3), h < 24, mi < 60, s < 60, let date = LocalDate(year: y, month: mo, day: d)
        else {
            return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        }
        // Counted from 2001 as `Date` stores it, so that the value is the formatter's to within a nanosecond.
        let seconds = date.daysSinceEpoch * 86400 + h * 3600 + mi * 60 + s - 978_307_200
        return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(ms) / 1000)
    }
}
