import Foundation
import ReviewCore
import ReviewService
import ReviewTestSupport
import Testing

/// Busy time read from a member's own calendar keeps the scheduler off it; an unreadable calendar is reported
/// and its last good copy used.
@Suite struct BusyTimeTests {
    let w50 = ISOWeek(iso: "2023-W50")!

    /// A weekly Tuesday-morning meeting, one exception moved by a RECURRENCE-ID, and a free (TRANSPARENT) event.
    static let calendar = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//test//test//EN\r
        BEGIN:VEVENT\r
        UID:weekly@test\r
        DTSTAMP:20231101T000000Z\r
        DTSTART;TZID=Asia/Ho_Chi_Minh:20231107T070000\r
        DTEND;TZID=Asia/Ho_Chi_Minh:20231107T120000\r
        RRULE:FREQ=WEEKLY;BYDAY=TU\r
        SUMMARY:Giao ban\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:free@test\r
        DTSTAMP:20231101T000000Z\r
        DTSTART:20231213T000000Z\r
        DTEND:20231213T100000Z\r
        TRANSP:TRANSPARENT\r
        SUMMARY:Tham khảo\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    /// A world in which member m04 (in charge of the Organisation Committee's cell) has `calendar` as his own
    /// calendar file, and the cell has registered Tuesday or Wednesday morning of 2023-W50.
    func worldWithMemberCalendar(_ calendar: String) async throws -> (TestWorld, URL) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString).ics")
        try calendar.write(to: file, atomically: true, encoding: .utf8)
        let world = try await TestWorld.make(at: "2023-12-07T10:00") { d in
            d.members[d.members.firstIndex { $0.id == "m04" }!].calendar = file.path
        }
        let input = RegistrationInput(
            unit: "cb-ban-to-chuc", kind: "cap-uy",
            options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30"), .init(start: "2023-12-13T07:30", end: "2023-12-13T11:30")],
            draftSent: "2023-12-07")
        _ = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil)
        return (world, file)
    }

    @Test func memberCalendarBlocksTheSlotAndTheLastGoodCopyIsUsed() async throws {
        let (world, file) = try await worldWithMemberCalendar(Self.calendar)
        defer { Task { await world.close() } }
        let problem = String(decoding: try await world.service.exportProblem(week: w50), as: UTF8.self)
        #expect(problem.contains("\"start\" : \"2023-12-12T07:00\""))
        #expect(!problem.contains("2023-12-13T07:00"))
        let run = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(run.warnings.isEmpty)
        let placed = try #require(try await world.service.sessions(week: w50).first?.proposal)
        // Tuesday morning is taken by the member's weekly meeting: Wednesday, with the member in charge.
        #expect(placed.option == 1)
        #expect(placed.member == "m04")

        try FileManager.default.removeItem(at: file)
        let again = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(again.warnings.count == 1)
        #expect(again.warnings.first?.contains("Dùng bản đọc được lần trước") == true)
        #expect(try await world.service.sessions(week: w50).first?.proposal?.option == 1)
    }

    /// A member who books a meeting over a published session: the session stays where it was published, the re-run
    /// still works, and the office is told which session clashes and how to release it.
    @Test func busyTimeOverAPublishedSessionKeepsItAndWarns() async throws {
        let (world, file) = try await worldWithMemberCalendar(Self.calendar.replacingOccurrences(of: "BYDAY=TU", with: "BYDAY=MO"))
        defer { Task { await world.close() } }
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let published = try #require(try await world.service.sessions(week: w50).first?.published?.placement)
        #expect(published.option == 0)
        #expect(published.member == "m04")
        // Now the weekly meeting moves to Tuesday morning, over the published session.
        try Self.calendar.write(to: file, atomically: true, encoding: .utf8)
        let run = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(run.scheduled == 1)
        #expect(run.warnings.count == 1)
        let warning = try #require(run.warnings.first)
        #expect(warning.contains("đồng chí"))
        #expect(warning.contains("chuyển hoặc đổi lịch buổi đó trên trang của buổi"))
        #expect(!warning.contains(try #require(try await world.service.sessions(week: w50).first?.requestId)))
        #expect(try await world.service.sessions(week: w50).first?.proposal == published)
        // Released, it moves off the member's meeting.
        let id = try #require(try await world.service.sessions(week: w50).first?.requestId)
        _ = try await world.service.runSchedule(week: w50, by: "office:vp", release: [id])
        let moved = try #require(try await world.service.sessions(week: w50).first?.proposal)
        #expect(moved.option == 1 || moved.member != "m04")
    }

    @Test func unreadableCalendarWithNoCopyIsReported() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00") { d in
            d.teams[0].calendar = "/nonexistent/team.ics"
        }
        defer { Task { await world.close() } }
        let run = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(run.warnings.count == 1)
        #expect(run.warnings.first?.contains("coi như rảnh") == true)
    }
}
