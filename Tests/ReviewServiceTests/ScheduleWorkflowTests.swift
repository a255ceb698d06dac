import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// The weekly workflow: run, pin, publish, re-run without moving what was published, order of reviews.
@Suite struct ScheduleWorkflowTests {
    let w50 = ISOWeek(iso: "2023-W50")!
    let office = Principal.office("vp")

    func register(_ world: TestWorld, _ unit: String, _ options: [(String, String)], kind: String = "cap-uy", draft: String? = "2023-12-07") async throws -> String {
        let input = RegistrationInput(
            unit: unit, kind: kind, options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: draft)
        let answer = try await world.service.register(input, by: office, idempotencyKey: nil)
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    @Test func peoplesCommitteeReviewsBeforeTheCommunePartyCommittee() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        // The party committee prefers Tuesday morning, before its People's Committee can meet (Tuesday afternoon).
        let party = try await register(world, "db-tan-may", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-13T07:30", "2023-12-13T11:30")])
        let people = try await register(world, "ubnd-tan-may", [("2023-12-12T13:30", "2023-12-12T17:00")], kind: "co-quan")
        let problem = try JSONSerialization.jsonObject(with: try await world.service.exportProblem(week: w50)) as! [String: Any]
        let requests = problem["requests"] as! [[String: Any]]
        #expect((requests.first { $0["id"] as? String == party }?["after"] as? [String]) == [people])
        let run = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(run.scheduled == 2)
        let sessions = Dictionary(uniqueKeysWithValues: try await world.service.sessions(week: w50).map { ($0.requestId, $0) })
        let p = try #require(sessions[party]?.proposal)
        let q = try #require(sessions[people]?.proposal)
        #expect(q.end <= p.start)
        #expect(p.option == 1)
    }

    @Test func publishedSessionsStayOnReRunUnlessReleased() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(try await world.service.publish(week: w50, by: "office:vp") == 1)
        let first = try #require(try await world.service.sessions(week: w50).first?.published)
        #expect(first.placement.option == 0)
        #expect(first.sequence == 0)
        // The office pins another session into the member's and team's slot; the published one still does not move.
        let b = try await register(world, "cb-ubkt", [("2023-12-12T07:30", "2023-12-12T11:30")], kind: "cap-uy")
        try await world.service.pin(request: b, option: 0, member: .some("m04"), team: "to-01", by: "office:vp")
        // The two fixed sessions clash: the run refuses, naming both by their unit, kind and day, not by code.
        await #expect {
            _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        } throws: { e in
            guard let f = e as? ReviewError, f.code.rawValue == "invalid-problem" else { return false }
            return f.message.contains("Chi bộ Ban Tổ chức Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, tuần 50/2023")
                && f.message.contains("Chi bộ Ủy ban Kiểm tra Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023")
                && !f.message.contains("pinned[") && !f.message.contains(a) && !f.message.contains(b)
        }
        try await world.service.unpin(request: b, by: "office:vp")
        // Unpinned, the other session cannot have the bloc's only team at that time: it waits, with a reason.
        let rerun = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(rerun.scheduled == 1)
        #expect(rerun.unscheduled.map(\.request) == [b])
        #expect(rerun.unscheduled.first?.reason.isEmpty == false)
        var sessions = Dictionary(uniqueKeysWithValues: try await world.service.sessions(week: w50).map { ($0.requestId, $0) })
        #expect(sessions[a]?.proposal == first.placement)
        #expect(try await world.service.publish(week: w50, by: "office:vp") == 0)
        // Released, it may move; publishing the move raises SEQUENCE.
        try await world.service.pin(request: b, option: 0, member: .some("m04"), team: "to-01", by: "office:vp")
        _ = try await world.service.runSchedule(week: w50, by: "office:vp", release: [a])
        sessions = Dictionary(uniqueKeysWithValues: try await world.service.sessions(week: w50).map { ($0.requestId, $0) })
        #expect(sessions[a]?.proposal?.option == 1)
        #expect(try await world.service.publish(week: w50, by: "office:vp") == 2)
        let moved = try #require(try await world.service.sessions(week: w50).first { $0.requestId == a }?.published)
        #expect(moved.sequence == 1)
        #expect(moved.placement.start == LocalDateTime(iso: "2023-12-14T07:30"))
        let trail = try await world.service.auditTrail().map(\.action)
        #expect(trail.filter { $0 == "schedule.run" }.count == 3)
        #expect(trail.contains("session.pin") && trail.contains("session.unpin"))
    }

    @Test func predecessorPublishedInAnEarlierWeekCountsAsDone() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        _ = try await register(world, "ubnd-hoa-gio", [("2023-12-12T07:30", "2023-12-12T11:30")], kind: "co-quan")
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        world.set("2023-12-12T10:00")
        let w51 = ISOWeek(iso: "2023-W51")!
        let party = try await register(world, "db-hoa-gio", [("2023-12-19T07:30", "2023-12-19T11:30")], draft: "2023-12-12")
        let run = try await world.service.runSchedule(week: w51, by: "office:vp")
        #expect(run.scheduled == 1)
        #expect(run.unscheduled.isEmpty)
        let problem = String(decoding: try await world.service.exportProblem(week: w51), as: UTF8.self)
        #expect(problem.contains(party))
        #expect(!problem.contains("\"after\" : [\n        \"r-"))
    }

    @Test func withdrawingAPublishedSessionCancelsIt() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let v = try await world.service.withdraw(id: a, by: .unit("cb-ban-to-chuc"))
        #expect(v.state == "da-huy" || v.state == "da-rut")
        let s = try #require(try await world.service.sessions(week: w50).first?.published)
        #expect(s.cancelled)
        #expect(s.sequence == 1)
    }
}
