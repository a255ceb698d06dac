import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Scheduling
import Testing

/// Absences and the least-disruption repair of a published week: each form and refusal of an absence, the repair
/// problem (baseline, busy time, frozen horizon), the alternatives, choosing one and publishing it with the absence
/// as the reason, and a withdrawal's reason. On SQLite, and on PostgreSQL when `REVIEWCAL_TEST_POSTGRES` is set.
@Suite struct AbsenceRepairTests {
    let w50 = ISOWeek(iso: "2023-W50")!
    let office = Principal.office("vp")

    func at(_ text: String) -> LocalDateTime { LocalDateTime(iso: text)! }

    func register(_ world: TestWorld, _ unit: String, _ options: [(String, String)], kind: String = "cap-uy") async throws -> String {
        let input = RegistrationInput(unit: unit, kind: kind, options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: "2023-12-07")
        let answer = try await world.service.register(input, by: office, idempotencyKey: nil, admitLate: true)
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    /// A published week: the Organisation Committee's cell on Tuesday morning (second choice Thursday morning) with its
    /// member in charge m04, the Inspection Committee's on Wednesday afternoon with m05.
    func publishedWeek() async throws -> (TestWorld, a: String, b: String) {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        let b = try await register(world, "cb-ubkt", [("2023-12-13T13:30", "2023-12-13T17:00")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(try await world.service.publish(week: w50, by: "office:vp") == 2)
        let sessions = try await world.service.sessions(week: w50)
        #expect(sessions.first { $0.requestId == a }?.published?.placement.member == "m04")
        #expect(sessions.first { $0.requestId == a }?.published?.placement.option == 0)
        return (world, a, b)
    }

    func refused(_ code: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected a refusal with \(code)")
        } catch let f as ReviewError {
            #expect(f.code.rawValue == code, "\(f.code.rawValue): \(f.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func eachFormOfAnAbsenceAndEachRefusal() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        // Whole days: the first day's midnight to the midnight after the last day.
        #expect(try ReviewService.absenceStart("2023-12-12") == at("2023-12-12T00:00"))
        #expect(try ReviewService.absenceEnd("2023-12-12") == at("2023-12-13T00:00"))
        #expect(try ReviewService.absenceEnd("2023-12-12T12:00") == at("2023-12-12T12:00"))
        await refused("invalid-date") { _ = try ReviewService.absenceStart("12/12/2023") }
        await refused("invalid-date") { _ = try ReviewService.absenceEnd("2023-12-32") }

        let day = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp Tỉnh ủy", by: "office:vp")
        #expect(ReviewService.span(day.absence) == "cả ngày thứ Ba 12/12")
        #expect(day.broken.isEmpty)
        let afternoon = try await s.addAbsence(subject: .team, id: "to-01", start: at("2023-12-13T12:00"), end: at("2023-12-14T00:00"), reason: "Tập huấn", by: "office:vp")
        #expect(ReviewService.span(afternoon.absence) == "buổi chiều thứ Tư 13/12")
        let days = try await s.addAbsence(subject: .member, id: "m05", start: at("2023-12-13T00:00"), end: at("2023-12-16T00:00"), reason: "Nghỉ phép", by: "office:vp")
        #expect(ReviewService.span(days.absence) == "từ thứ Tư 13/12 đến hết thứ Sáu 15/12")
        // Right after another one of the same person: allowed (they share no minute).
        let next = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-13T00:00"), end: at("2023-12-13T12:00"), reason: "Công tác xã", by: "office:vp")
        #expect(ReviewService.span(next.absence) == "buổi sáng thứ Tư 13/12")

        await refused("invalid-time") {
            _ = try await s.addAbsence(subject: .member, id: "m06", start: at("2023-12-12T12:00"), end: at("2023-12-12T12:00"), reason: "Họp", by: "office:vp")
        }
        await refused("invalid-time") {
            _ = try await s.addAbsence(subject: .member, id: "m06", start: at("2023-12-13T00:00"), end: at("2023-12-12T00:00"), reason: "Họp", by: "office:vp")
        }
        await refused("unknown-member") {
            _ = try await s.addAbsence(subject: .member, id: "m99", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp", by: "office:vp")
        }
        await refused("unknown-team") {
            _ = try await s.addAbsence(subject: .team, id: "to-99", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp", by: "office:vp")
        }
        // Overlapping absences of one person are refused, naming the one already there; another person's are not.
        do {
            _ = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T10:00"), end: at("2023-12-12T14:00"), reason: "Họp", by: "office:vp")
            Issue.record("an overlapping absence was stored")
        } catch let f as ReviewError {
            #expect(f.code.rawValue == "absence-overlap")
            #expect(f.message.contains(day.absence.id) && f.message.contains("Họp Tỉnh ủy"))
        }
        _ = try await s.addAbsence(subject: .member, id: "m06", start: at("2023-12-12T10:00"), end: at("2023-12-12T14:00"), reason: "Họp", by: "office:vp")
        await refused("missing-reason") {
            _ = try await s.addAbsence(subject: .member, id: "m07", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "  ", by: "office:vp")
        }
        await refused("control-character") {
            _ = try await s.addAbsence(subject: .member, id: "m07", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp\nTỉnh ủy", by: "office:vp")
        }

        // Listed by week (only those sharing a minute with it), removed, and audited.
        #expect(try await s.absences(week: w50).count == 5)
        #expect(try await s.absences(week: w50.adding(weeks: 1)).isEmpty)
        #expect(try await s.removeAbsence(id: next.absence.id, by: "office:vp").reason == "Công tác xã")
        #expect(try await s.absences(week: w50).count == 4)
        await refused("unknown-absence") { try await s.removeAbsence(id: next.absence.id, by: "office:vp") }
        let trail = try await s.auditTrail().map(\.action)
        #expect(trail.filter { $0 == "absence.add" }.count == 5)
        #expect(trail.filter { $0 == "absence.remove" }.count == 1)
    }

    @Test func anAbsenceBreaksAPublishedSessionAndTheRepairChangesLeast() async throws {
        let (world, a, b) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        world.set("2023-12-08T09:00")
        let recorded = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp Tỉnh ủy", by: "office:vp")
        // Said at once: which published session it breaks.
        #expect(recorded.broken.map(\.request) == [a])
        #expect(recorded.broken.first?.published == true)
        #expect(recorded.broken.first?.text.contains("Chi bộ Ban Tổ chức Huyện ủy") == true)

        // A plain run keeps the published session (a pin) and says why, pointing to the repair.
        let run = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(run.warnings.contains { $0.contains("vắng cả ngày thứ Ba 12/12") && $0.contains("Đề xuất sửa lịch trên trang “Sửa lịch”") })
        #expect(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal?.member == "m04")

        // The repair problem: both published sessions as the baseline, none pinned, the absence as busy time.
        let problem = try ProblemReader.read(try await s.exportRepairProblem(week: w50))
        #expect(problem.pinned.isEmpty)
        #expect(Set(problem.published.map(\.request)) == [a, b])
        #expect(problem.members.first { $0.id == "m04" }?.busy.contains(Scheduling.TimeOption(start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"))) == true)

        let plan = try await s.repair(week: w50, alternatives: 3, by: "office:vp", options: SolverOptions(timeLimit: 10))
        let first = try #require(plan.alternatives.first)
        // Least disruption: another member on Tuesday morning (member changed 100 + not in charge 50) rather than
        // another time (300 + rank 10); the other session untouched.
        #expect(first.proven)
        #expect(first.changedSessions == 1)
        #expect(first.changes.count == 1)
        let change = try #require(first.changes.first)
        #expect(change.request == a && change.kind == .member && change.from == "m04" && change.to != nil && change.to != "m04")
        #expect(first.lines.count == 1)
        #expect(first.lines.first?.contains("thay Đ/c Phạm Minh Đức dự buổi kiểm điểm Chi bộ Ban Tổ chức Huyện ủy") == true)
        #expect(first.lines.first?.contains("sáng thứ Ba 12/12") == true)
        // The unit, the member who leaves, the one who comes; the team keeps the session and is told as well.
        #expect(first.peopleToTell == 4)
        // The alternatives are distinct in their changes, no better than the first, in order.
        #expect(plan.alternatives.count >= 2)
        let lists = plan.alternatives.map { $0.changes.map { "\($0.request)|\($0.kind.rawValue)|\($0.from ?? "-")|\($0.to ?? "-")" } }
        #expect(Set(lists).count == lists.count)
        #expect(zip(plan.alternatives, plan.alternatives.dropFirst()).allSatisfy { $0.score <= $1.score })
        #expect(plan.alternatives.map(\.number) == Array(1...plan.alternatives.count))
        // Nothing is published or proposed by proposing repairs.
        #expect(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal?.member == "m04")
        #expect(try await s.repairPlan(week: w50)?.alternatives.count == plan.alternatives.count)

        // Choose the first; publish: the session changes with the absence as its reason, SEQUENCE raised.
        let chosen = try await s.chooseRepair(week: w50, number: 1, by: "office:vp")
        let newMember = try #require(chosen.changes.first?.to)
        let proposed = try #require(try await s.sessions(week: w50).first { $0.requestId == a })
        #expect(proposed.proposal?.member == newMember)
        #expect(proposed.pendingReason == "Đ/c Phạm Minh Đức vắng cả ngày thứ Ba 12/12 (Họp Tỉnh ủy)")
        await refused("no-repair") { try await s.chooseRepair(week: w50, number: 1, by: "office:vp") }
        #expect(try await s.publish(week: w50, by: "office:vp") == 1)
        let published = try #require(try await s.sessions(week: w50).first { $0.requestId == a })
        #expect(published.published?.sequence == 1)
        #expect(published.published?.placement.member == newMember)
        #expect(published.published?.reason?.hasSuffix("vắng cả ngày thứ Ba 12/12 (Họp Tỉnh ủy)") == true)
        #expect(published.pendingReason == nil)
        #expect(try await s.sessions(week: w50).first { $0.requestId == b }?.published?.sequence == 0)

        // The new member's feed has the session with the reason; the absent member's no longer has it.
        let links = try await s.ensureFeedTokens(by: "office:vp")
        func feed(_ member: String) async throws -> String {
            let link = try #require(links.first { $0.kind == .member && $0.subject == member })
            let parts = link.path.split(separator: "/").map(String.init)
            guard case .feed(let f) = try await s.feed(token: parts[2], segment: parts[1], name: parts[3]) else { throw CancellationError() }
            return String(decoding: f.body, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        }
        let incoming = try await feed(newMember)
        #expect(incoming.contains("UID:\(a)@"))
        #expect(incoming.contains("Văn phòng đã đổi lịch. Lý do: "))
        #expect(incoming.contains("Họp Tỉnh ủy"))
        #expect(incoming.contains("SEQUENCE:1"))
        #expect(!(try await feed("m04")).contains("UID:\(a)@"))
        let trail = try await s.auditTrail().map(\.action)
        #expect(trail.contains("schedule.repair") && trail.contains("schedule.repair-choose"))
    }

    @Test func aRepairOfAChangedWeekIsNotChosen() async throws {
        let (world, a, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        world.set("2023-12-08T09:00")
        _ = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp Tỉnh ủy", by: "office:vp")
        let plan = try await s.repair(week: w50, alternatives: 2, by: "office:vp")
        #expect(plan.alternatives.first?.changedSessions == 1)
        await refused("invalid-option") { try await s.chooseRepair(week: w50, number: plan.alternatives.count + 1, by: "office:vp") }
        // An absence added after the repair was proposed makes it stale too.
        let late = try await s.addAbsence(subject: .team, id: "to-03", start: at("2023-12-15T00:00"), end: at("2023-12-16T00:00"), reason: "Tập huấn", by: "office:vp")
        await refused("week-changed") { try await s.chooseRepair(week: w50, number: 1, by: "office:vp") }
        try await s.removeAbsence(id: late.absence.id, by: "office:vp")
        // The week changes after the repair was proposed: choosing it is refused, nothing changes.
        try await s.pin(request: a, option: nil, member: nil, team: nil, by: "office:vp")
        await refused("week-changed") { try await s.chooseRepair(week: w50, number: 1, by: "office:vp") }
        #expect(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal?.member == "m04")
        // An unpublished week has nothing to repair.
        await refused("not-published") { _ = try await s.repair(week: w50.adding(weeks: 1), by: "office:vp") }
        await refused("invalid-request") { _ = try await s.repair(week: w50, alternatives: 0, by: "office:vp") }
    }

    @Test func theFrozenHorizonKeepsSessionsAboutToStart() async throws {
        let (world, a, b) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        _ = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp Tỉnh ủy", by: "office:vp")
        // Monday 10:00:00: Tuesday's 07:30 session starts in 21.5 hours, inside the default 24.
        world.set("2023-12-11T10:00")
        var problem = try ProblemReader.read(try await s.exportRepairProblem(week: w50))
        #expect(problem.pinned.map(\.request) == [a])
        #expect(problem.published.map(\.request) == [b])
        // The absence then is busy time around the pinned session (which stays), not during it, and the office is told.
        #expect(
            problem.members.first { $0.id == "m04" }?.busy
                == [
                    Scheduling.TimeOption(start: at("2023-12-12T00:00"), end: at("2023-12-12T07:30")),
                    Scheduling.TimeOption(start: at("2023-12-12T11:30"), end: at("2023-12-13T00:00")),
                ])
        let plan = try await s.repair(week: w50, by: "office:vp")
        #expect(plan.alternatives.first?.changedSessions == 0)
        #expect(plan.warnings.contains { $0.contains("giữ nguyên") && $0.contains("Họp Tỉnh ủy") })
        // To the second: exactly 24 hours before it starts it is frozen; one second earlier it is not.
        world.set("2023-12-11T07:30", second: 0)
        problem = try ProblemReader.read(try await s.exportRepairProblem(week: w50))
        #expect(problem.pinned.map(\.request) == [a])
        world.set("2023-12-11T07:29", second: 59)
        problem = try ProblemReader.read(try await s.exportRepairProblem(week: w50))
        #expect(problem.pinned.isEmpty)
        #expect(Set(problem.published.map(\.request)) == [a, b])
        world.set("2023-12-11T10:00")
        problem = try ProblemReader.read(try await s.exportRepairProblem(week: w50, frozenHours: 12))
        #expect(problem.pinned.isEmpty)
        #expect(Set(problem.published.map(\.request)) == [a, b])
        // A shorter horizon lets the repair move it.
        let moved = try await s.repair(week: w50, frozenHours: 12, by: "office:vp")
        #expect(moved.alternatives.first?.changes.map(\.request) == [a])
    }

    @Test func anAbsenceIsBusyTimeForTheNextRun() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal?.member == "m04")
        let recorded = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T07:00"), end: at("2023-12-12T09:00"), reason: "Đón đoàn công tác", by: "office:vp")
        // Not published yet: the proposal it breaks is named as such.
        #expect(recorded.broken.map(\.request) == [a])
        #expect(recorded.broken.first?.published == false)
        _ = try await s.runSchedule(week: w50, by: "office:vp")
        let proposal = try #require(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal)
        #expect(proposal.member != "m04")
        #expect(try await s.brokenSessions(week: w50).isEmpty)
        // A team away leaves the bloc's only team out: the request waits, with the team named in the reason.
        _ = try await s.addAbsence(subject: .team, id: "to-01", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Tập huấn", by: "office:vp")
        let run = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(run.unscheduled.map(\.request) == [a])
    }

    @Test func aLateRequestIsPlacedAroundThePublishedWeek() async throws {
        let (world, a, b) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        world.set("2023-12-08T09:00")
        // Admitted late on Friday for Tuesday morning, when the published session of the same bloc already has the
        // bloc's only team: the repair places the newcomer and changes as little as it can.
        let c = try await register(world, "cb-ban-tuyen-giao", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-12T13:30", "2023-12-12T17:00")])
        let plan = try await s.repair(week: w50, by: "office:vp")
        let first = try #require(plan.alternatives.first)
        #expect(first.changedSessions == 0)
        #expect(first.assignments.contains { $0.request == c })
        #expect(first.lines.count == 1)
        #expect(first.lines.first?.contains("Chi bộ Ban Tuyên giáo Huyện ủy (mới) xếp vào chiều thứ Ba 12/12 (13:30)") == true)
        #expect(Set(first.assignments.map(\.request)) == [a, b, c])
    }

    @Test func anAbsenceStillMovesTheOtherSessionsAroundAPinnedOne() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let s = world.service
        let a = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let c = try await register(world, "cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00"), ("2023-12-14T13:30", "2023-12-14T17:00")])
        try await s.pin(request: c, option: 0, member: .some("m04"), team: "to-01", by: "office:vp")
        _ = try await s.runSchedule(week: w50, by: "office:vp")
        #expect(try await s.publish(week: w50, by: "office:vp") == 2)
        try await s.unpin(request: c, by: "office:vp")
        try await s.pin(request: a, option: nil, member: nil, team: nil, by: "office:vp")
        // m04 attends both on Tuesday; away all day. The pinned morning session stays; the afternoon one must change.
        _ = try await s.addAbsence(subject: .member, id: "m04", start: at("2023-12-12T00:00"), end: at("2023-12-13T00:00"), reason: "Họp Tỉnh ủy", by: "office:vp")
        let plan = try await s.repair(week: w50, by: "office:vp")
        let first = try #require(plan.alternatives.first)
        #expect(first.changes.map(\.request) == [c])
        #expect(first.changes.first?.kind == .member)
        #expect(plan.warnings.contains { $0.contains("Chi bộ Ban Tổ chức Huyện ủy") && $0.contains("giữ nguyên") && !$0.contains(a) })
    }

    @Test func aWithdrawalCarriesItsReason() async throws {
        let (world, a, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        let view = try await s.withdraw(id: a, by: office)
        #expect(view.changeReason == "Đơn vị đã rút đăng ký")
        let session = try #require(try await s.sessions(week: w50).first { $0.requestId == a })
        #expect(session.published?.cancelled == true)
        #expect(session.published?.reason == "Đơn vị đã rút đăng ký")
        let link = try #require(try await s.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == "m04" })
        let parts = link.path.split(separator: "/").map(String.init)
        guard case .feed(let f) = try await s.feed(token: parts[2], segment: parts[1], name: parts[3]) else {
            Issue.record("no feed")
            return
        }
        let text = String(decoding: f.body, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        #expect(text.contains("Lý do hủy: Đơn vị đã rút đăng ký"))
        #expect(text.contains("STATUS:CANCELLED"))
    }
}
