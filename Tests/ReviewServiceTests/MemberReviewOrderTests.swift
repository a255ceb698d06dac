import Foundation
import ReviewCore
import ReviewService
import ReviewTestSupport
import Testing

/// Rule IV.5 at registration: a Standing Committee member's own review at the member's home unit (`homeUnit` in
/// members.yaml) comes before the Standing Committee's collective review. The sample district's m04 (Phạm Minh Đức)
/// reviews at cb-ban-to-chuc.
@Suite struct MemberReviewOrderTests {
    static func input(_ unit: String, _ kind: String, _ day: String) -> RegistrationInput {
        RegistrationInput(unit: unit, kind: kind, options: [.init(start: "\(day)T07:30", end: "\(day)T11:30")], draftSent: "2023-12-05")
    }

    func refusal(_ body: () async throws -> Void) async -> ReviewError? {
        do {
            try await body()
            return nil
        } catch let f as ReviewError {
            return f
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func theStandingCommitteeMayNotReviewInAWeekBeforeAMembersOwnReview() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        // m04's own review at cb-ban-to-chuc in 2023-W51 (18–24 December).
        _ = try await s.register(Self.input("cb-ban-to-chuc", "ca-nhan", "2023-12-19"), by: .office("vp"), idempotencyKey: nil)
        // The Standing Committee's collective review in 2023-W50 would come first: refused, naming the member and unit.
        let early = await refusal { _ = try await s.register(Self.input("ban-thuong-vu", "ban-thuong-vu", "2023-12-14"), by: .office("vp"), idempotencyKey: nil) }
        #expect(early?.code == .memberReviewFirst)
        #expect(early?.httpStatus == 422)
        #expect(early?.message.contains("Phạm Minh Đức") == true, "\(early?.message ?? "")")
        #expect(early?.message.contains("IV.5") == true)
        #expect(try await s.list(for: .office("vp"), week: ISOWeek(iso: "2023-W50")!).isEmpty)
        // In the same week it is accepted (the schedule orders the two), with a warning for every member whose own
        // review is not registered yet.
        let same = try await s.register(Self.input("ban-thuong-vu", "ban-thuong-vu", "2023-12-21"), by: .office("vp"), idempotencyKey: nil)
        #expect(same.status == 201)
        let view = try JSONDecoder.views.decode(RequestView.self, from: Data(same.body.utf8))
        #expect(!view.warnings.contains { $0.contains("Phạm Minh Đức") })
        #expect(view.warnings.contains { $0.contains("IV.5") })
    }

    @Test func aMembersOwnReviewMayNotMoveAfterTheStandingCommittees() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        _ = try await s.register(Self.input("ban-thuong-vu", "ban-thuong-vu", "2023-12-14"), by: .office("vp"), idempotencyKey: nil)
        // m04's review in the following week: refused.
        let late = await refusal { _ = try await s.register(Self.input("cb-ban-to-chuc", "ca-nhan", "2023-12-19"), by: .unit("cb-ban-to-chuc"), idempotencyKey: nil) }
        #expect(late?.code == .memberReviewFirst)
        #expect(late?.message.contains("Phạm Minh Đức") == true)
        // The same week is accepted; a change to the following week is refused, and the stored request is unchanged.
        let ok = try await s.register(Self.input("cb-ban-to-chuc", "ca-nhan", "2023-12-12"), by: .unit("cb-ban-to-chuc"), idempotencyKey: nil)
        let id = try JSONDecoder.views.decode(RequestView.self, from: Data(ok.body.utf8)).request.id
        let moved = await refusal { _ = try await s.change(id: id, Self.input("cb-ban-to-chuc", "ca-nhan", "2023-12-19"), by: .unit("cb-ban-to-chuc"), idempotencyKey: nil) }
        #expect(moved?.code == .memberReviewFirst)
        let stored = try await s.show(id: id, for: .unit("cb-ban-to-chuc"))
        #expect(stored.request.week.iso == "2023-W50")
        // A unit where no member reviews is not concerned.
        let other = try await s.register(Self.input("cb-ban-tuyen-giao", "cap-uy", "2023-12-19"), by: .unit("cb-ban-tuyen-giao"), idempotencyKey: nil)
        #expect(other.status == 201)
    }

    static func id(_ answer: ReviewService.Answer) throws -> String {
        try JSONDecoder.views.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    /// In the schedule: the Standing Committee's review is placed after the member's own review of the same week,
    /// even where its first choice is earlier; when the member's review cannot be scheduled, neither is the Standing
    /// Committee's, and the reason names rule IV.5 and the member.
    @Test func theScheduleOrdersTheMembersReviewFirst() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        let w50 = ISOWeek(iso: "2023-W50")!
        let own = try Self.id(try await s.register(
            RegistrationInput(unit: "cb-ban-to-chuc", kind: "ca-nhan", options: [.init(start: "2023-12-13T13:30", end: "2023-12-13T17:00")], draftSent: "2023-12-05"),
            by: .office("vp"), idempotencyKey: nil))
        let committee = try Self.id(try await s.register(
            RegistrationInput(
                unit: "ban-thuong-vu", kind: "ban-thuong-vu",
                options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30"), .init(start: "2023-12-14T07:30", end: "2023-12-14T11:30")],
                draftSent: "2023-12-05"),
            by: .office("vp"), idempotencyKey: nil))
        let problem = try JSONSerialization.jsonObject(with: try await s.exportProblem(week: w50)) as! [String: Any]
        let after = (problem["requests"] as! [[String: Any]]).first { $0["id"] as? String == committee }?["after"] as? [String]
        #expect(after == [own])
        let run = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(run.scheduled == 2)
        let sessions = Dictionary(uniqueKeysWithValues: try await s.sessions(week: w50).map { ($0.requestId, $0) })
        let first = try #require(sessions[own]?.proposal)
        let second = try #require(sessions[committee]?.proposal)
        #expect(first.end <= second.start)
        #expect(second.option == 1, "the first choice, Tuesday, is before the member's Wednesday review")

        // The member's review loses its draft date: it is held out, and the Standing Committee's with it, saying why.
        var input = RegistrationInput(unit: "cb-ban-to-chuc", kind: "ca-nhan", options: [.init(start: "2023-12-13T13:30", end: "2023-12-13T17:00")], draftSent: nil)
        input.draftSent = nil
        _ = try await s.change(id: own, input, by: .office("vp"), idempotencyKey: nil)
        let again = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(again.scheduled == 0)
        let reason = try #require(again.unscheduled.first { $0.request == committee }?.reason)
        #expect(reason.contains("IV.5") && reason.contains("Phạm Minh Đức"), "\(reason)")
    }

    @Test func thePredecessorsOfTheStandingCommitteesReviewNameTheRule() throws {
        let district = try TestWorld.sampleDistrict()
        let precedence = Precedence(district: district)
        func request(_ id: String, _ unit: String, _ kind: ReviewKind, week: String = "2023-W50") -> ReviewRequest {
            ReviewRequest(
                id: id, districtId: district.id, campaignId: district.campaigns[0].id, unitId: unit, kind: kind, week: ISOWeek(iso: week)!, options: [],
                location: "huyen-uy", draftSent: nil, contactName: nil, contactPhone: nil, note: nil, after: [], status: .open, admittedLate: false,
                createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), version: 1)
        }
        let committee = request("r-btv", "ban-thuong-vu", .standingCommittee)
        let own = request("r-m04", "cb-ban-to-chuc", .individual, week: "2023-W49")
        let collective = request("r-cap-uy", "cb-ban-to-chuc", .partyCollective)
        let found = precedence.predecessors(of: committee, among: [own, collective])
        #expect(found.map(\.requestId) == ["r-m04"])
        #expect(found.first?.rule == .memberAtHomeUnit(member: "m04", unit: "cb-ban-to-chuc"))
        #expect(precedence.reason(found[0]).contains("Phạm Minh Đức"))
        #expect(precedence.predecessors(of: own, among: [committee]).isEmpty)
        #expect(precedence.successors(of: own, among: [committee, collective]).map(\.request.id) == ["r-btv"])
    }
}

extension JSONDecoder {
    static var views: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
