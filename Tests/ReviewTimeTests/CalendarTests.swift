import Foundation
import Testing

@testable import ReviewTime

/// Dates, ISO weeks and the campaign's zone: leap years, week 53, the turn of the year, instants.
@Suite struct CalendarTests {
    func week(_ text: String) -> ISOWeek { ISOWeek(iso: text)! }

    @Test func datesAndWeeksParseStrictly() {
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-12-1") == nil)
        #expect(LocalDateTime(iso: "2023-12-12T24:00") == nil)
        #expect(LocalDateTime(iso: "2023-12-12T07:30")?.vietnamese == "Thứ Ba 12/12/2023 07:30")
        #expect(ISOWeek(iso: "2023-W50")?.monday == LocalDate(year: 2023, month: 12, day: 11))
        #expect(ISOWeek(iso: "2023W50") == nil)
        for text in ["2023-W5", "2023-W050", "2023-w50", "0000-W01", "2023-W00", "2023-W53", "２０２３-W50", " 2023-W50"] {
            #expect(ISOWeek(iso: text) == nil, "\(text)")
        }
        for days in stride(from: -1000, through: 40000, by: 37) {
            let d = LocalDate(daysSinceEpoch: days)
            #expect(d.daysSinceEpoch == days)
            #expect(ISOWeek(containing: d).contains(d))
        }
    }

    @Test func leapYears() {
        #expect(LocalDate.daysIn(month: 2, year: 2000) == 29)
        #expect(LocalDate.daysIn(month: 2, year: 1900) == 28)
        #expect(LocalDate.daysIn(month: 2, year: 2024) == 29)
        #expect(LocalDate.daysIn(month: 2, year: 2023) == 28)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2100, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 28)!.adding(days: 1) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(LocalDate(year: 2023, month: 2, day: 28)!.adding(days: 1) == LocalDate(year: 2023, month: 3, day: 1))
        #expect(LocalDate(year: 2024, month: 1, day: 1)!.days(until: LocalDate(year: 2025, month: 1, day: 1)!) == 366)
        #expect(LocalDate(year: 1900, month: 1, day: 1)!.days(until: LocalDate(year: 1901, month: 1, day: 1)!) == 365)
        #expect(LocalDate.daysSinceEpoch(year: 2024, month: 2, day: 30) == LocalDate(year: 2024, month: 3, day: 1)!.daysSinceEpoch)
    }

    @Test func negativeDayNumbers() {
        #expect(LocalDate(daysSinceEpoch: -1) == LocalDate(year: 1969, month: 12, day: 31))
        #expect(LocalDate(daysSinceEpoch: -719_162) == LocalDate(year: 1, month: 1, day: 1))
        #expect(LocalDate(year: 1600, month: 3, day: 1)!.daysSinceEpoch == -135_080)
        #expect(LocalDate(year: 1969, month: 12, day: 31)!.isoWeekday == 3)
        #expect(LocalDate(year: 1, month: 1, day: 1)!.isoWeekday == 1)
        #expect(LocalDate(year: 1969, month: 12, day: 29)!.adding(days: 7) == LocalDate(year: 1970, month: 1, day: 5))
    }

    @Test func weeksAtTheTurnOfTheYear() {
        // 2026 has an ISO week 53 (28 Dec 2026 – 3 Jan 2027); its Thursday is 31 December.
        #expect(ISOWeek.weeks(inYear: 2026) == 53)
        #expect(ISOWeek.weeks(inYear: 2023) == 52)
        #expect(ISOWeek.weeks(inYear: 2020) == 53)  // a leap year starting on a Wednesday
        #expect(ISOWeek.weeks(inYear: 2015) == 53)
        #expect(ISOWeek.weeks(inYear: 2021) == 52)
        #expect(ISOWeek(containing: LocalDate(year: 2026, month: 12, day: 31)!) == week("2026-W53"))
        #expect(ISOWeek(containing: LocalDate(year: 2027, month: 1, day: 3)!) == week("2026-W53"))
        #expect(ISOWeek(containing: LocalDate(year: 2027, month: 1, day: 4)!) == week("2027-W01"))
        #expect(ISOWeek(containing: LocalDate(year: 2021, month: 1, day: 3)!) == week("2020-W53"))
        #expect(ISOWeek(containing: LocalDate(year: 2018, month: 12, day: 31)!) == week("2019-W01"))
        #expect(week("2026-W53").monday == LocalDate(year: 2026, month: 12, day: 28))
        #expect(week("2026-W53").adding(weeks: 1) == week("2027-W01"))
        #expect(week("2027-W01").adding(weeks: -1) == week("2026-W53"))
        #expect(ISOWeek(iso: "2023-W53") == nil)
        #expect(ISOWeek(iso: "2026-W53")?.vietnamese == "tuần 53/2026 (28/12–03/01/2027)")
    }

    @Test func weekBoundsAreHalfOpen() {
        let w50 = week("2023-W50").bounds
        #expect(w50.lowerBound == LocalDateTime(exact: "2023-12-11T00:00"))
        #expect(w50.upperBound == LocalDateTime(exact: "2023-12-18T00:00"))
        #expect(w50.contains(LocalDateTime(exact: "2023-12-17T23:59")!))
        #expect(!w50.contains(LocalDateTime(exact: "2023-12-18T00:00")!))
        let w53 = week("2026-W53").bounds
        #expect(w53.lowerBound.iso == "2026-12-28T00:00")
        #expect(w53.upperBound.iso == "2027-01-04T00:00")
        #expect(week("2020-W01").bounds.lowerBound.iso == "2019-12-30T00:00")
    }

    /// Weeks and weekdays agree with Foundation's ISO 8601 calendar over half a century.
    @Test func weeksAgreeWithFoundation() {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: LocalDate(year: 1990, month: 1, day: 1)!.daysSinceEpoch, through: LocalDate(year: 2040, month: 12, day: 31)!.daysSinceEpoch, by: 3) {
            let date = LocalDate(daysSinceEpoch: days)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear, .year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let week = ISOWeek(containing: date)
            #expect(week.year == parts.yearForWeekOfYear && week.week == parts.weekOfYear, "\(date)")
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day)
            #expect(date.isoWeekday == ((parts.weekday ?? 0) + 5) % 7 + 1)
        }
    }

    @Test func vietnamTimeFromUTCInstants() {
        let zone = CampaignZone.vietnam
        // 2023-12-07T07:59:59Z is 14:59:59 in Hanoi.
        let instant = Date(timeIntervalSince1970: 1_701_935_999)
        let local = zone.local(instant)
        #expect(local.dateTime == LocalDateTime(iso: "2023-12-07T14:59"))
        #expect(local.second == 59)
        #expect(zone.date(of: Date(timeIntervalSince1970: 1_701_968_400)) == LocalDate(year: 2023, month: 12, day: 8))
        // Before the epoch, seconds round down to the earlier minute.
        let utc = CampaignZone(identifier: "UTC")!
        #expect(utc.local(Date(timeIntervalSince1970: -1)).dateTime.iso == "1969-12-31T23:59")
        #expect(utc.local(Date(timeIntervalSince1970: -1)).second == 59)
        #expect(utc.local(Date(timeIntervalSince1970: -60)).second == 0)
        #expect(zone.instant(LocalDateTime(exact: "2023-12-07T15:00")!) == Date(timeIntervalSince1970: 1_701_936_000))
        #expect(zone.startOfDay(LocalDate(year: 2023, month: 12, day: 8)!) == Date(timeIntervalSince1970: 1_701_968_400))
    }
}
