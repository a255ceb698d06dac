import Foundation
import Testing

@testable import ReviewTime

/// Wall-clock times as minutes since the epoch: the parts computed from them, the two parsers, the edges of the calendar.
@Suite struct LocalDateTimeTests {
    func at(_ text: String) -> LocalDateTime { LocalDateTime(exact: text)! }

    @Test func partsComeFromTheMinutes() {
        let t = at("2023-12-12T07:30")
        #expect(t.date == LocalDate(year: 2023, month: 12, day: 12))
        #expect(t.time == LocalTime(hour: 7, minute: 30))
        #expect(t.minuteOfDay == 450)
        #expect(t.daysSinceEpoch == LocalDate(year: 2023, month: 12, day: 12)!.daysSinceEpoch)
        #expect(t.minutesSinceEpoch == t.daysSinceEpoch * 1440 + 450)
        #expect(LocalDateTime(date: t.date, time: t.time) == t)
        #expect(LocalDateTime(minutesSinceEpoch: t.minutesSinceEpoch) == t)
        #expect(t.iso == "2023-12-12T07:30")
        #expect(t.description == "2023-12-12T07:30")
        #expect(t.vietnamese == "Thứ Ba 12/12/2023 07:30")
    }

    @Test func beforeTheEpochDaysRoundDown() {
        let lastMinute = at("1969-12-31T23:59")
        #expect(lastMinute.minutesSinceEpoch == -1)
        #expect(lastMinute.daysSinceEpoch == -1)
        #expect(lastMinute.minuteOfDay == 1439)
        #expect(lastMinute.date.isoWeekday == 3)
        let midnight = at("1969-12-31T00:00")
        #expect(midnight.minutesSinceEpoch == -1440)
        #expect(midnight.daysSinceEpoch == -1)
        #expect(midnight.minuteOfDay == 0)
        #expect(LocalDateTime(minutesSinceEpoch: -1441).iso == "1969-12-30T23:59")
        #expect(at("0001-01-01T00:00").daysSinceEpoch == -719_162)
        #expect(at("0001-01-01T00:00").date.isoWeekday == 1)
        #expect(at("9999-12-31T23:59").daysSinceEpoch == 2_932_896)
        for minutes in stride(from: -3_000_000, through: 3_000_000, by: 9_973) {
            let t = LocalDateTime(minutesSinceEpoch: minutes)
            #expect(t.minuteOfDay >= 0 && t.minuteOfDay < 1440)
            #expect(LocalDateTime(exact: t.iso)?.minutesSinceEpoch == minutes)
            #expect(LocalDateTime(date: t.date, time: t.time).minutesSinceEpoch == minutes)
        }
    }

    @Test func orderAndArithmeticAreOnMinutes() {
        #expect(at("2023-12-31T23:59") < at("2024-01-01T00:00"))
        #expect(at("2023-12-31T23:30").adding(minutes: 45) == at("2024-01-01T00:15"))
        #expect(at("2024-03-01T00:10").adding(minutes: -20) == at("2024-02-29T23:50"))
        #expect(at("2023-03-01T00:10").adding(minutes: -20) == at("2023-02-28T23:50"))
        #expect(Set([at("2023-12-12T07:30"), LocalDateTime(iso: "2023-12-12 07:30")!]).count == 1)
    }

    @Test func exactParsingRefusesEverythingElse() {
        #expect(LocalDateTime(exact: "2024-02-29T23:59") != nil)
        #expect(LocalDateTime(exact: Substring("x2023-12-12T07:30").dropFirst()) == at("2023-12-12T07:30"))
        for text in [
            "2023-12-12 07:30", "2023-12-12t07:30", "2023-12-12T7:30", "2023-12-12T07:30:00", "2023-12-12T07:30Z",
            "2023-12-12T07:30+07:00", " 2023-12-12T07:30", "2023-12-12T07:30 ", "2023-12-1T07:30", "+023-12-12T07:30",
            "-023-12-12T07:30", "0000-01-01T00:00", "2023-00-10T00:00", "2023-13-01T00:00", "2023-04-31T00:00",
            "2023-02-29T00:00", "1900-02-29T00:00", "2023-12-12T24:00", "2023-12-12T23:60", "2023-12-12T07:3a",
            "２０２３-12-12T07:30", "2023-12-12T07:3٠", "2023/12/12T07:30", "", "2023-12-12",
        ] {
            #expect(LocalDateTime(exact: text) == nil, "\(text)")
        }
        // The lenient form, for people's input, takes a space too, and nothing more.
        #expect(LocalDateTime(iso: "2023-12-12 07:30") == at("2023-12-12T07:30"))
        #expect(LocalDateTime(iso: "2023-12-12  07:30") == nil)
        #expect(LocalDateTime(iso: "2023-12-12T24:00") == nil)
    }

    @Test func codableKeepsTheTextForm() throws {
        let data = try JSONEncoder().encode([at("2023-12-12T07:30")])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2023-12-12T07:30\"]")
        #expect(try JSONDecoder().decode([LocalDateTime].self, from: Data("[\"2023-12-12 07:30\"]".utf8)) == [at("2023-12-12T07:30")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDateTime].self, from: Data("[\"2023-12-12T07\"]".utf8)) }
    }
}
