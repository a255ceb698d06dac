import Foundation
import ReviewCore
import ReviewService
import ReviewTestSupport
import Testing

/// `schedule export-problem` prints the week's problem in the scheduling contract's JSON, byte for byte as recorded.
@Suite struct ExportProblemTests {
    let w50 = ISOWeek(iso: "2023-W50")!

    /// A week with every part of the problem: a member's own busy time, a predecessor from the units' order, drafts
    /// sent on different days, a published session, a pinned one, a cancelled one and a travel table.
    @Test func exportWritesTheRecordedDocument() async throws {
        let calendar = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString).ics")
        try BusyTimeTests.calendar.write(to: calendar, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: calendar) }
        let world = try await TestWorld.make(at: "2023-12-07T10:00") { d in
            d.members[d.members.firstIndex { $0.id == "m04" }!].calendar = calendar.path
        }
        defer { Task { await world.close() } }
        var names: [(id: String, name: String)] = []
        func register(_ unit: String, _ kind: String, _ options: [(String, String)], draft: String? = "2023-12-07") async throws {
            world.set("2023-12-07T10:\(String(10 + names.count))")
            let input = RegistrationInput(
                unit: unit, kind: kind, options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: draft)
            let answer = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil)
            let d = JSONDecoder()
            d.dateDecodingStrategy = .iso8601
            names.append((try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id, "R\(names.count + 1)"))
        }
        try await register("cb-ban-to-chuc", "cap-uy", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-13T07:30", "2023-12-13T11:30")])
        try await register("cb-ubkt", "cap-uy", [("2023-12-14T07:30", "2023-12-14T11:30")])
        try await register("db-hoa-gio", "cap-uy", [("2023-12-13T13:30", "2023-12-13T17:00"), ("2023-12-14T13:30", "2023-12-14T17:00")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        try await world.service.cancel(request: names[1].id, reason: "Đơn vị xin hoãn", by: "office:vp")
        // Its predecessor registers without a draft: the published session leaves the problem but keeps its people busy.
        try await register("ubnd-hoa-gio", "co-quan", [("2023-12-15T07:30", "2023-12-15T11:30")], draft: nil)
        try await register("db-tan-may", "cap-uy", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-15T07:30", "2023-12-15T11:30")])
        try await register("ubnd-tan-may", "co-quan", [("2023-12-12T13:30", "2023-12-12T17:00")], draft: "2023-12-05")
        try await world.service.pin(request: names[4].id, option: 1, member: .some("m02"), team: "to-04", by: "office:vp")

        var text = String(decoding: try await world.service.exportProblem(week: w50), as: UTF8.self)
        for (id, name) in names { text = text.replacingOccurrences(of: id, with: name) }
        let url = try #require(Bundle.module.url(forResource: "week-problem", withExtension: "json", subdirectory: "Fixtures"))
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected)
    }
}
