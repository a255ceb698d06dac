import Foundation
import ReviewAPI
import Testing

/// `reviewcal schedule draft-sent`: the office records the date a unit sent its draft report, refused with the reason
/// when the date is in the future, and the audit says so in words (`admin audit --changes`).
@Suite(.serialized) struct DraftSentCommandTests {
    @Test func theOfficeRecordsADraftDateFromTheCommandLine() throws {
        let run = try Workspace()
        defer { run.remove() }
        let help = try run.run(run.reviewcal, ["schedule", "draft-sent", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Ngày gửi dự thảo"), "\(help.stdout)")
        let demo = try run.office("demo")
        #expect(demo.status == 0, "\(demo.stderr)")
        // An open request of the demo with a draft date.
        let today = LocalDate(iso: String(ISO8601DateFormatter().string(from: Date()).prefix(10)))!
        var found: RequestView?
        for offset in -1..<4 where found == nil {
            let shown = try run.office("schedule", "show", "--week", ISOWeek(containing: today).adding(weeks: offset).iso, "--json")
            let views = try JSONDecoder.views.decode([RequestView].self, from: Data(shown.stdout.utf8))
            found = views.first { $0.request.draftSent != nil && $0.request.status == .open }
        }
        let view = try #require(found)
        let id = view.request.id
        let sent = try #require(view.request.draftSent)

        // A date in the future is refused, with the reason; nothing changes.
        let future = try run.office("schedule", "draft-sent", id, today.adding(days: 3).iso)
        #expect(future.status == 1)
        #expect(future.stderr.contains("ở tương lai"), "\(future.stderr)")
        let bad = try run.office("schedule", "draft-sent", id, "08/12/2026")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("không đúng dạng"), "\(bad.stderr)")

        // A day earlier than recorded always leaves the lead time: recorded, with the unit's name.
        let earlier = sent.adding(days: -1)
        let ok = try run.office("schedule", "draft-sent", id, earlier.iso)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Đã ghi ngày gửi dự thảo \(earlier.vietnamese)"), "\(ok.stdout)")
        let after = try JSONDecoder.views.decode(
            [RequestView].self, from: Data(try run.office("schedule", "show", "--week", view.request.week.iso, "--json").stdout.utf8))
        #expect(after.first { $0.request.id == id }?.request.draftSent == earlier)
        // The audit names the action and its change in words.
        let audit = try run.office("admin", "audit", "--action", "request.draft-sent", "--changes")
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("Ghi ngày gửi dự thảo: Đăng ký: "), "\(audit.stdout)")
        #expect(audit.stdout.contains("Ngày gửi dự thảo: \(sent.vietnamese) → \(earlier.vietnamese)"), "\(audit.stdout)")
    }
}
