import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Undoing the week's last publish or cancellation: the earlier schedule is published again with a higher SEQUENCE,
/// the people concerned are written to, and nothing is undone once the week was published again.
@Suite struct UndoTests {
    let w50 = ISOWeek(iso: "2023-W50")!

    func register(_ world: TestWorld, _ unit: String, _ options: [(String, String)]) async throws -> String {
        let input = RegistrationInput(unit: unit, kind: "cap-uy", options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: "2023-12-07")
        let answer = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil, admitLate: true)
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    /// The unit's feed as text, lines unfolded.
    func feed(_ world: TestWorld, unit: String) async throws -> String {
        let link = try #require(try await world.service.ensureFeedTokens(by: "office:test").first { $0.kind == .unit && $0.subject == unit })
        guard case .feed(let f) = try await world.service.feed(token: link.token) else {
            Issue.record("no feed")
            return ""
        }
        return String(decoding: f.body, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
    }

    /// The SEQUENCE values of the feed's session events (deadline events aside).
    func sequences(_ text: String) -> [Int] {
        text.components(separatedBy: "BEGIN:VEVENT").dropFirst().filter { $0.contains("SUMMARY:Kiểm điểm: ") }.compactMap { event in
            event.components(separatedBy: "\r\n").first { $0.hasPrefix("SEQUENCE:") }.flatMap { Int($0.dropFirst("SEQUENCE:".count)) }
        }
    }

    @Test func undoingAPublishPublishesTheEarlierScheduleAgainWithAHigherSequence() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T16:00")
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ubkt", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-13T13:30", "2023-12-13T17:00")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let first = try #require(try await world.service.sessions(week: w50).first { $0.requestId == a }?.published)
        let before = try await feed(world, unit: "cb-ubkt")
        #expect(before.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231212T073000"))
        // Moved to Wednesday afternoon with another member, and published.
        try await world.service.move(request: a, to: .init(option: 1, member: "m05", team: first.placement.team), by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let moved = try await feed(world, unit: "cb-ubkt")
        #expect(moved.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231213T133000"))
        let movedSequence = try #require(sequences(moved).first)
        let offer = try #require(try await world.service.undoOffer(week: w50))
        #expect(offer.action == .publish && offer.possible && offer.requests == [a])
        #expect(offer.restores.first?.restored == first.placement)
        #expect(!offer.recipients.isEmpty)
        let queuedBefore = try await world.service.outbox(week: w50).count
        let result = try await world.service.undoLast(week: w50, by: "office:vp")
        #expect(result.sessions == 1)
        #expect(result.mailed > 0)
        // The calendars show Tuesday morning and the first member again, with a SEQUENCE above both earlier ones.
        let after = try await feed(world, unit: "cb-ubkt")
        #expect(after.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231212T073000"))
        #expect(!after.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231213T133000"))
        let undoneSequence = try #require(sequences(after).first)
        #expect(undoneSequence > movedSequence && undoneSequence > first.sequence)
        let s = try #require(try await world.service.sessions(week: w50).first { $0.requestId == a })
        #expect(s.published?.placement == first.placement)
        #expect(s.published?.cancelled == false)
        // The week is as before the publish: the move waits to be published again.
        #expect(s.proposal?.option == 1 && s.proposal?.member == "m05")
        #expect(try await world.service.weekBoard(week: w50).changes.count == 1)
        // The people concerned are written to, as for any publish.
        let mail = try await world.service.outbox(week: w50)
        #expect(mail.count > queuedBefore)
        #expect(mail.contains { $0.cause.contains("hoàn tác lần công bố") })
        // Audited, and offered once only.
        #expect(try await world.service.auditTrail(filter: AuditFilter(action: "schedule.undo")).count == 1)
        #expect(try await world.service.undoOffer(week: w50) == nil)
        await #expect(throws: ReviewError.self) { try await world.service.undoLast(week: w50, by: "office:vp") }
    }

    @Test func undoingACancellationBringsTheSessionBack() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T16:00")
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let published = try #require(try await world.service.sessions(week: w50).first?.published)
        try await world.service.cancel(request: a, reason: "Đơn vị xin lùi lịch", by: "office:vp")
        #expect(try await feed(world, unit: "cb-ban-to-chuc").contains("STATUS:CANCELLED"))
        let offer = try #require(try await world.service.undoOffer(week: w50))
        #expect(offer.action == .cancel && offer.request == a && offer.possible)
        try await world.service.undoLast(week: w50, by: "office:vp")
        let s = try #require(try await world.service.sessions(week: w50).first)
        #expect(s.published?.cancelled == false)
        #expect(s.published?.placement == published.placement)
        #expect(s.published.map { $0.sequence > published.sequence + 1 } == true)
        #expect(s.cancellation == nil)
        #expect(s.proposal == published.placement)
        let text = try await feed(world, unit: "cb-ban-to-chuc")
        #expect(!text.contains("STATUS:CANCELLED"))
        #expect(text.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231212T073000"))
        #expect(try await world.service.show(id: a, for: .unit("cb-ban-to-chuc")).state != "da-huy")
    }

    @Test func nothingIsUndoneOnceTheWeekWasPublishedAgain() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T16:00")
        defer { Task { await world.close() } }
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let b = try await register(world, "cb-ubkt", [("2023-12-13T07:30", "2023-12-13T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        try await world.service.cancel(request: a, reason: "Đơn vị xin lùi lịch", by: "office:vp")
        // Another published change after the cancellation.
        let team = try #require(try await world.service.sessions(week: w50).first { $0.requestId == b }?.published?.placement.team)
        try await world.service.reschedule(request: b, to: .init(option: 1, member: "m04", team: team), reason: "Đồng chí đi công tác", by: "office:vp")
        let offer = try #require(try await world.service.undoOffer(week: w50))
        #expect(!offer.possible)
        let sessions = try await world.service.sessions(week: w50)
        await #expect {
            try await world.service.undoLast(week: w50, by: "office:vp")
        } throws: { e in
            (e as? ReviewError)?.code == .nothingToUndo && (e as? ReviewError)?.message.contains("đã được công bố hoặc đổi thêm") == true
        }
        #expect(try await world.service.sessions(week: w50) == sessions)
    }

    @Test func undoingTheFirstPublishTakesTheSessionsOffTheCalendars() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T16:00")
        defer { Task { await world.close() } }
        _ = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        try await world.service.undoLast(week: w50, by: "office:vp")
        let s = try #require(try await world.service.sessions(week: w50).first)
        #expect(s.published?.cancelled == true)
        #expect(s.proposal != nil)
        #expect(try await feed(world, unit: "cb-ban-to-chuc").contains("STATUS:CANCELLED"))
        // Publishing again puts it back, with a SEQUENCE above the cancelled one.
        let cancelledSequence = s.published!.sequence
        try await world.service.publish(week: w50, by: "office:vp")
        let again = try #require(try await world.service.sessions(week: w50).first?.published)
        #expect(!again.cancelled && again.sequence > cancelledSequence)
    }
}
