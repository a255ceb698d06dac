import Foundation
import Testing

@testable import ReviewCore

/// The weekly cutoff (Thursday 15:00 of the week before, Vietnam time), to the second, whatever the process's zone.
@Suite struct CutoffTests {
    let window = RegistrationWindow.standard
    let zone = CampaignZone.vietnam

    /// An instant given as Vietnam wall-clock time.
    func vn(_ text: String, _ second: Int = 0) -> Date {
        zone.instant(LocalDateTime(iso: text)!, second: second)
    }

    func week(_ text: String) -> ISOWeek { ISOWeek(iso: text)! }

    /// The cutoff is Thursday 15:00 of the zone passed in, to the second; the process's own zone is never read
    /// (`scripts/test.sh` also runs these tests in a process started in New York's zone).
    @Test(arguments: [
        ("Asia/Ho_Chi_Minh", 1_701_936_000), ("UTC", 1_701_961_200), ("America/New_York", 1_701_979_200),
        ("Pacific/Kiritimati", 1_701_910_800),
    ])
    func thursdayAt1500ClosesNextWeek(tz: String, closesAt: Int) throws {
        let zone = try #require(CampaignZone(identifier: tz))
        let window = RegistrationWindow(weekday: 4, time: LocalTime(hour: 15, minute: 0)!, zone: zone)
        // 2023-W49's Thursday is 7 December; it closes 2023-W50 at 15:00 of the campaign's zone.
        let at = zone.instant(LocalDateTime(iso: "2023-12-07T15:00")!)
        let before = at.addingTimeInterval(-1)
        #expect(at.timeIntervalSince1970 == TimeInterval(closesAt))
        #expect(window.closingInstant(of: week("2023-W50")) == at)
        #expect(window.isOpen(week("2023-W50"), at: before))
        #expect(!window.isOpen(week("2023-W50"), at: at))
        #expect(window.firstOpenWeek(at: before) == week("2023-W50"))
        #expect(window.firstOpenWeek(at: at) == week("2023-W51"))
        // The local time of those instants, read back in the same zone, is 14:59:59 and 15:00:00.
        #expect(zone.local(before).dateTime.iso == "2023-12-07T14:59" && zone.local(before).second == 59)
        #expect(zone.local(at).dateTime.iso == "2023-12-07T15:00" && zone.local(at).second == 0)
    }

    @Test func sundayNightAndMondayMorning() {
        // Sunday 10 Dec 23:59:59 is still week 49 (past its Thursday): first open week is W51.
        #expect(window.firstOpenWeek(at: vn("2023-12-10T23:59", 59)) == week("2023-W51"))
        // Monday 11 Dec 00:00 is week 50, before its Thursday: first open is W51 until Thursday 14 Dec 15:00.
        #expect(window.firstOpenWeek(at: vn("2023-12-11T00:00")) == week("2023-W51"))
        #expect(window.firstOpenWeek(at: vn("2023-12-14T14:59", 59)) == week("2023-W51"))
        #expect(window.firstOpenWeek(at: vn("2023-12-14T15:00")) == week("2023-W52"))
        // Earlier weeks are closed, later ones open.
        #expect(!window.isOpen(week("2023-W49"), at: vn("2023-12-04T08:00")))
        #expect(window.isOpen(week("2024-W10"), at: vn("2023-12-04T08:00")))
    }

    @Test func turnOfTheYearWith53Weeks() {
        // 2026 has an ISO week 53 (28 Dec 2026 – 3 Jan 2027); its Thursday is 31 December.
        // Registration for 2027-W01 closes Thursday 31 Dec 2026 15:00.
        #expect(window.closing(of: week("2027-W01")) == LocalDateTime(iso: "2026-12-31T15:00"))
        #expect(window.firstOpenWeek(at: vn("2026-12-31T14:59", 59)) == week("2027-W01"))
        #expect(window.firstOpenWeek(at: vn("2026-12-31T15:00")) == week("2027-W02"))
        // Registration for 2026-W53 closes Thursday 24 Dec 2026 15:00.
        #expect(window.closing(of: week("2026-W53")) == LocalDateTime(iso: "2026-12-24T15:00"))
        #expect(window.firstOpenWeek(at: vn("2026-12-24T14:59", 59)) == week("2026-W53"))
        #expect(window.firstOpenWeek(at: vn("2026-12-24T15:00")) == week("2027-W01"))
    }
}
