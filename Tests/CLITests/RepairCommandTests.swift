import Foundation
import ReviewAPI
import Testing

/// The office's absence and repair commands on the demo's published week, as a clerk runs them on a Tuesday morning:
/// `absence add` says which published session it breaks, `schedule repair --json` proposes the least change,
/// `--choose 1` makes it the proposal, `schedule publish` and `export` put it in the calendars with the reason.
@Suite(.serialized) struct RepairCommandTests {
    @Test func absenceRepairChoosePublishThroughTheCommandLine() throws {
        let run = try Workspace()
        defer { run.remove() }
        let demo = try run.office("demo")
        #expect(demo.status == 0, "\(demo.stderr)")
        // The demo publishes the first week still open for registration: find it and a published session in it.
        let today = ISOWeek(containing: LocalDate(iso: String(ISO8601DateFormatter().string(from: Date()).prefix(10)))!)
        var found: (week: ISOWeek, view: RequestView)?
        for offset in 0..<4 where found == nil {
            let week = today.adding(weeks: offset)
            let shown = try run.office("schedule", "show", "--week", week.iso, "--json")
            let views = try JSONDecoder.views.decode([RequestView].self, from: Data(shown.stdout.utf8))
            if let v = views.first(where: { $0.placement?.published == true && $0.placement?.memberId != nil }) { found = (week, v) }
        }
        let (week, view) = try #require(found)
        let placement = try #require(view.placement)
        let member = try #require(placement.memberId)
        let day = placement.start.date.iso

        // Refusals first: an end before the start, an unknown member, neither or both of --member and --team.
        let backwards = try run.office("absence", "add", "--member", member, "--from", day, "--to", placement.start.date.adding(days: -1).iso, "--reason", "Họp")
        #expect(backwards.status == 1)
        #expect(backwards.stderr.contains("kết thúc sau khi bắt đầu"), "\(backwards.stderr)")
        let unknown = try run.office("absence", "add", "--member", "m99", "--from", day, "--to", day, "--reason", "Họp")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("m99"), "\(unknown.stderr)")
        let neither = try run.office("absence", "add", "--from", day, "--to", day, "--reason", "Họp")
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("--member"), "\(neither.stderr)")
        let badDate = try run.office("absence", "add", "--member", member, "--from", "09/12", "--to", day, "--reason", "Họp")
        #expect(badDate.status == 1)
        #expect(badDate.stderr.contains("09/12"), "\(badDate.stderr)")

        // The absence, said at once with the published session it breaks.
        let added = try run.office("absence", "add", "--member", member, "--from", day, "--to", day, "--reason", "Họp Tỉnh ủy đột xuất")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("buổi đã công bố"), "\(added.stdout)")
        #expect(added.stdout.contains(view.request.id), "\(added.stdout)")
        #expect(added.stdout.contains("schedule repair --week \(week.iso)"), "\(added.stdout)")
        let listed = try run.office("absence", "list", "--week", week.iso)
        #expect(listed.stdout.contains("Họp Tỉnh ủy đột xuất"))

        // The repair: least score first, proven, the broken session changed, said per person.
        let repaired = try run.office("schedule", "repair", "--week", week.iso, "--json", "--alternatives", "2", "--frozen-hours", "0")
        #expect(repaired.status == 0, "\(repaired.stderr)")
        struct Plan: Decodable {
            struct Change: Decodable { var request: String; var kind: String; var from: String?; var to: String? }
            struct Alternative: Decodable {
                var score: Int; var proven: Bool; var changedSessions: Int; var peopleToTell: Int; var changes: [Change]; var lines: [String]
            }
            var alternatives: [Alternative]
        }
        let plan = try JSONDecoder().decode(Plan.self, from: Data(repaired.stdout.utf8))
        let first = try #require(plan.alternatives.first)
        #expect(first.proven)
        #expect(first.changedSessions >= 1)
        #expect(first.peopleToTell >= 3)
        #expect(first.changes.contains { $0.request == view.request.id })
        #expect(first.changes.allSatisfy { ["time", "member", "team", "dropped"].contains($0.kind) })
        #expect(zip(plan.alternatives, plan.alternatives.dropFirst()).allSatisfy { $0.score <= $1.score })
        let text = try run.office("schedule", "repair", "--week", week.iso, "--frozen-hours", "0")
        #expect(text.stdout.contains("Phương án 1: điểm phạt \(first.score)"), "\(text.stdout)")
        #expect(text.stdout.contains("--choose K"))

        // Choose, then publish; the calendars carry the change, its raised SEQUENCE and the absence as the reason.
        let chosen = try run.office("schedule", "repair", "--week", week.iso, "--choose", "1")
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(chosen.stdout.contains("Đã chọn phương án 1"), "\(chosen.stdout)")
        let again = try run.office("schedule", "repair", "--week", week.iso, "--choose", "1")
        #expect(again.status == 1)
        #expect(again.stderr.contains("Chưa có đề xuất sửa lịch"), "\(again.stderr)")
        let published = try run.office("schedule", "publish", "--week", week.iso)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("Đã công bố"), "\(published.stdout)")
        let out = run.folder.appendingPathComponent("calendars")
        #expect(try run.office("export", "--out", out.path).status == 0)
        var texts: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: out.path) where file.hasSuffix(".ics") {
            texts[file] = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8).replacingOccurrences(of: "\r\n ", with: "")
        }
        let uid = "UID:\(view.request.id)@"
        let events = texts.values.flatMap { $0.components(separatedBy: "BEGIN:VEVENT").dropFirst() }.filter { $0.contains(uid) }
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0.contains("SEQUENCE:1") && $0.contains("Họp Tỉnh ủy đột xuất") })
        // Whoever attends it now is not the absent member on that day, unless the session moved to another day.
        let views = try JSONDecoder.views.decode([RequestView].self, from: Data(try run.office("schedule", "show", "--week", week.iso, "--json").stdout.utf8))
        let now = try #require(views.first { $0.request.id == view.request.id }?.placement)
        #expect(now.published)
        #expect(now.memberId != member || now.start.date != placement.start.date)
    }
}
