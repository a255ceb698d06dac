import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// What the office reviews before publishing: `schedule show` puts the pending proposal beside the published session,
/// and `schedule run --release` releases only the sessions it names, refusing a name that is no request of the week.
@Suite struct ScheduleReviewTests {
    let w50 = ISOWeek(iso: "2023-W50")!
    let office = Principal.office("vp")
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    func register(_ world: TestWorld, _ unit: String, _ options: [(String, String)]) async throws -> String {
        let input = RegistrationInput(unit: unit, kind: "cap-uy", options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: "2023-12-07")
        let answer = try await world.service.register(input, by: office, idempotencyKey: nil)
        return try Self.decoder.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    func sessions(_ world: TestWorld) async throws -> [String: Session] {
        Dictionary(uniqueKeysWithValues: try await world.service.sessions(week: w50).map { ($0.requestId, $0) })
    }

    @Test(arguments: TestDatabase.backends)
    func showPutsThePendingProposalBesideThePublishedSession(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        // Published on Tuesday; the office then moves the proposal to Thursday, not yet published.
        try await world.service.pin(request: a, option: 1, member: nil, team: nil, by: "office:vp")
        let view = try #require(try await world.service.list(for: office, week: w50, includeWithdrawn: false).first)
        #expect(view.state == "da-cong-bo")
        #expect(view.placement?.published == true)
        #expect(view.placement?.start == LocalDateTime(iso: "2023-12-12T07:30"))
        let pending = try #require(view.pending)
        #expect(pending.published == false)
        #expect(pending.start == LocalDateTime(iso: "2023-12-14T07:30"))
        let text = view.text
        #expect(text.contains("  Lịch đã công bố: Thứ Ba 12/12/2023 07:30–11:30"))
        #expect(text.contains("  Lịch dự kiến mới (chưa công bố): Thứ Năm 14/12/2023 07:30–11:30"))
        // The unit sees only what is published.
        let unitView = try #require(try await world.service.list(for: .unit("cb-ban-to-chuc"), week: w50).first)
        #expect(unitView.pending == nil)
        #expect(!unitView.text.contains("chưa công bố"))
        // Published, nothing is pending any more.
        try await world.service.publish(week: w50, by: "office:vp")
        let after = try #require(try await world.service.list(for: office, week: w50, includeWithdrawn: false).first)
        #expect(after.pending == nil)
        #expect(after.placement?.start == LocalDateTime(iso: "2023-12-14T07:30"))
    }

    @Test(arguments: TestDatabase.backends)
    func showSaysWhenPublishingWouldCancel(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        // Another session pinned into the bloc's only team's slot; the published one, released, no longer fits.
        let b = try await register(world, "cb-ubkt", [("2023-12-12T07:30", "2023-12-12T11:30")])
        try await world.service.pin(request: b, option: 0, member: .some("m04"), team: "to-01", by: "office:vp")
        let run = try await world.service.runSchedule(week: w50, by: "office:vp", release: [a])
        #expect(run.unscheduled.map(\.request) == [a])
        let view = try #require(try await world.service.list(for: office, week: w50, includeWithdrawn: false).first { $0.request.id == a })
        #expect(view.pendingCancellation == true)
        #expect(view.text.contains("khi công bố, buổi đã công bố sẽ bị hủy trên lịch"))
    }

    @Test(arguments: TestDatabase.backends)
    func releaseFreesOnlyWhatItNamesAndRefusesUnknownNames(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        let c = try await register(world, "cb-ban-tuyen-giao", [("2023-12-13T07:30", "2023-12-13T11:30"), ("2023-12-15T07:30", "2023-12-15T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.pin(request: a, option: nil, member: nil, team: nil, by: "office:vp")
        try await world.service.pin(request: c, option: nil, member: nil, team: nil, by: "office:vp")
        let pinned = try await sessions(world)
        let runs: () async throws -> Int = { try await world.service.auditTrail().filter { $0.action == "schedule.run" }.count }
        let runsBefore = try await runs()

        // A name that is no open request of the week is refused, and nothing is run or changed.
        await #expect {
            _ = try await world.service.runSchedule(week: w50, by: "office:vp", release: [a, "r-khongco"])
        } throws: { e in
            guard let f = e as? ReviewError, f.code.rawValue == "unknown-release" else { return false }
            return f.message.contains("'r-khongco'") && !f.message.contains("'\(a)'")
        }
        #expect(try await sessions(world) == pinned)
        #expect(try await runs() == runsBefore)

        // Releasing one keeps the other pinned where it was.
        _ = try await world.service.runSchedule(week: w50, by: "office:vp", release: [a])
        let after = try await sessions(world)
        #expect(after[a]?.pinned == false)
        #expect(after[c]?.pinned == true)
        #expect(after[c]?.proposal == pinned[c]?.proposal)
        let trail = try await world.service.auditTrail().filter { $0.action == "schedule.run" }
        #expect(trail.contains { $0.after?.contains("\"released\":[\"\(a)\"]") == true })
    }
}
