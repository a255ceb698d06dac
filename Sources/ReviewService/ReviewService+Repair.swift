import Foundation
import ReviewCore
import ReviewStore
import Scheduling

extension ReviewService {
    /// One change a repair makes to a published session (the scheduling contract's kinds).
    public struct RepairChange: Sendable, Hashable, Codable {
        /// What changes: a new time, member or team, or dropped (the scheduling contract's kinds).
        public typealias Kind = BaselineChange.Kind
        /// The request.
        public var request: String
        /// What changes.
        public var kind: Kind
        /// Before: the start (`YYYY-MM-DDTHH:MM`) for `time` and `dropped`, the member's or team's id for `member` and `team`.
        public var from: String?
        /// After, in the same form; nil for `dropped`, and for a `member` change that leaves no member.
        public var to: String?
    }

    /// One repair of a published week, as the office may choose it.
    public struct RepairAlternative: Sendable, Codable {
        /// Numbered from 1, least score first.
        public var number: Int
        /// The scheduling contract's score, baseline terms included.
        public var score: Int
        /// Whether no repair (unlike the earlier alternatives) has a lower score.
        public var proven: Bool
        /// Published sessions it changes.
        public var changedSessions: Int
        /// Members, teams and units whose sessions change.
        public var peopleToTell: Int
        /// Every change, session by session.
        public var changes: [RepairChange]
        /// The changes in Vietnamese, one sentence per session (new sessions of late requests included).
        public var lines: [String]
        /// Who must be told, in Vietnamese, each with what changes for them.
        public var notices: [String]
        /// The placements of the week's requests under this repair.
        public var assignments: [Assignment]
        /// Requests it leaves out, with the reason.
        public var unscheduled: [Unscheduled]
    }

    /// The repairs proposed for a published week, kept until the office chooses one or the week changes.
    public struct RepairPlan: Sendable, Codable {
        /// The week.
        public var week: ISOWeek
        /// When the repair was proposed.
        public var createdAt: Date
        /// Who asked for it.
        public var createdBy: String
        /// The week's fingerprint (``WeekBoard/version``) the repair was made from; a plan for another is stale.
        public var version: String
        /// Least score first.
        public var alternatives: [RepairAlternative]
        /// Sessions an absence breaks, as found before the repair.
        public var broken: [BrokenSession]
        /// What the office should know (calendars not read, sessions kept despite an absence).
        public var warnings: [String]
        /// Requests held out of the week's problem, with the reason.
        public var heldOut: [String: String]
        /// Hours ahead that were not moved.
        public var frozenHours: Double
        /// The reason each change of a request gives in the calendars when published.
        public var reasons: [String: String]
        /// The absences of the week the repair saw (ids): a plan made before one was added or removed is stale.
        public var absences: [String]
    }

    /// The week's repair problem: published sessions as the baseline, absences as busy time, office pins and sessions
    /// already held or starting within `frozenHours` as pins.
    public func exportRepairProblem(week: ISOWeek, frozenHours: Double = 24) async throws -> Data {
        ProblemWriter.encode(try await buildProblem(week: week, release: [], repair: RepairMode(now: clock.now(), frozenHours: frozenHours)).problem)
    }

    /// Proposes, without publishing, the least-disruption repair of a published week and up to `count − 1` distinct
    /// alternatives of the next least score; keeps them so that the office can choose one (``chooseRepair``).
    public func repair(
        week: ISOWeek, alternatives count: Int = 3, frozenHours: Double = 24, by actor: String, options: SolverOptions = .init(timeLimit: 10)
    ) async throws -> RepairPlan {
        guard (1...9).contains(count) else { throw ReviewError(.invalidRequest, "Số phương án sửa lịch là từ 1 đến 9, không phải \(count).") }
        guard frozenHours >= 0 && frozenHours <= 24 * 14 else {
            throw ReviewError(.invalidRequest, "Khoảng giữ nguyên là từ 0 đến \(24 * 14) giờ, không phải \(frozenHours).")
        }
        let before = try await store.read { tx in try await tx.weekSnapshot(district: self.district.id, week: week) }
        guard before.sessions.contains(where: { $0.published.map { !$0.cancelled } == true }) else {
            throw ReviewError(
                .notPublished, "\(week.vietnamese.capitalizedFirst) chưa công bố buổi nào: chưa có gì để sửa. Xếp lịch bằng: reviewcal schedule run --week \(week.iso)")
        }
        let now = clock.now()
        let built = try await buildProblem(week: week, release: [], repair: RepairMode(now: now, frozenHours: frozenHours))
        let problem = built.problem
        let found = problem.defects()
        if !found.isEmpty {
            throw ReviewError(.invalidProblem, "Dữ liệu tuần \(week.iso) mâu thuẫn, không sửa được lịch: \(found.joined(separator: "; ")).")
        }
        let results: [SolveResult]
        let started = ContinuousClock.now
        do {
            results = try Solver.alternatives(problem, count: count, options: options)
            ServiceMetrics.solverRun(district: district.id, seconds: (ContinuousClock.now - started).seconds, score: results.first?.solution.score)
        } catch {
            ServiceMetrics.solverRun(district: district.id, seconds: (ContinuousClock.now - started).seconds, score: nil)
            throw ReviewError(.infeasible, "Không có lịch hợp lệ cho tuần \(week.iso): \(error.reason). Hãy bỏ ghim một số buổi (reviewcal schedule unpin).")
        }
        let absences = try await absences(week: week)
        let broken = try await brokenSessions(week: week, absences: absences)
        let sessions = Dictionary(uniqueKeysWithValues: before.sessions.map { ($0.requestId, $0) })
        // An alternative that cancels more published sessions than the least repair is no choice for the office (the
        // search offers it only when nothing else differs): it is left out.
        let droppedFirst = results.first.map { problem.changes(in: $0.solution).dropped } ?? 0
        let kept = results.enumerated().filter { i, result in i == 0 || problem.changes(in: result.solution).dropped <= droppedFirst }.map(\.element)
        let alternatives = kept.enumerated().map { i, result in
            describe(result, number: i + 1, problem: problem, built: built)
        }
        var reasons: [String: String] = [:]
        for entry in problem.published {
            guard let old = sessions[entry.request]?.published?.placement else { continue }
            reasons[entry.request] = repairReason(old, absences: absences)
        }
        let plan = RepairPlan(
            week: week, createdAt: now, createdBy: actor, version: before.fingerprint, alternatives: alternatives, broken: broken,
            warnings: built.warnings, heldOut: built.heldOut, frozenHours: frozenHours, reasons: reasons, absences: absences.map(\.id).sorted())
        try await store.write(serializedOn: district.id) { tx in
            try await tx.saveRepairPlan(district: self.district.id, week: week, json: StoreTransaction.json(plan))
            let summary = alternatives.map { "{\"score\":\($0.score),\"changedSessions\":\($0.changedSessions)}" }.joined(separator: ",")
            try await tx.audit(self.auditEntry(
                actor: actor, action: "schedule.repair", entity: "week", id: week.iso, before: nil, after: "{\"alternatives\":[\(summary)]}"))
        }
        return plan
    }

    /// The repairs last proposed for the week, if any (stale ones included: see ``RepairPlan/version``).
    public func repairPlan(week: ISOWeek) async throws -> RepairPlan? {
        guard let text = try await store.read({ tx in try await tx.repairPlan(district: self.district.id, week: week) }) else { return nil }
        return try? StoreTransaction.decoder.decode(RepairPlan.self, from: Data(text.utf8))
    }

    /// Makes alternative `number` (from 1, as listed) of the week's last proposed repair the week's proposal, each
    /// change with its reason; ``publish(week:by:expectedVersion:)`` then sends it to the calendars. Refused when
    /// no repair was proposed, or the week changed since.
    @discardableResult
    public func chooseRepair(week: ISOWeek, number: Int, by actor: String) async throws -> RepairAlternative {
        try await store.write(serializedOn: district.id) { tx in
            guard let text = try await tx.repairPlan(district: self.district.id, week: week),
                let plan = try? StoreTransaction.decoder.decode(RepairPlan.self, from: Data(text.utf8))
            else {
                throw ReviewError(
                    .noRepair, "Chưa có đề xuất sửa lịch nào cho \(week.vietnamese). Đề xuất bằng: reviewcal schedule repair --week \(week.iso)")
            }
            guard plan.alternatives.indices.contains(number - 1) else {
                throw ReviewError(.invalidOption, "Đề xuất sửa lịch \(week.vietnamese) có \(plan.alternatives.count) phương án: chọn từ 1 đến \(plan.alternatives.count).")
            }
            let snapshot = try await tx.weekSnapshot(district: self.district.id, week: week)
            let range = Self.range(of: week)
            let absences = try await tx.absences(district: self.district.id, from: range.from, to: range.to).map(\.id).sorted()
            guard absences == plan.absences else {
                throw ReviewError(
                    .weekChanged, "Lịch vắng của \(week.vietnamese) đã thay đổi sau khi đề xuất sửa lịch: đề xuất đã cũ, chưa có gì thay đổi. Đề xuất lại bằng: reviewcal schedule repair --week \(week.iso)")
            }
            guard snapshot.fingerprint == plan.version else {
                throw ReviewError(
                    .weekChanged, "\(week.vietnamese.capitalizedFirst) đã thay đổi sau khi đề xuất sửa lịch (lúc \(self.district.zone.local(plan.createdAt).dateTime.vietnamese)): đề xuất đã cũ, chưa có gì thay đổi. Đề xuất lại bằng: reviewcal schedule repair --week \(week.iso)")
            }
            let chosen = plan.alternatives[number - 1]
            let requests = Dictionary(uniqueKeysWithValues: snapshot.requests.map { ($0.id, $0) })
            var sessions = Dictionary(uniqueKeysWithValues: snapshot.sessions.map { ($0.requestId, $0) })
            let changed = Set(chosen.changes.map(\.request))
            for a in chosen.assignments {
                guard let r = requests[a.request], r.options.indices.contains(a.option) else { continue }
                let o = r.options[a.option]
                var s = sessions[a.request] ?? Session(requestId: a.request, districtId: self.district.id, week: week, proposal: nil, reason: nil, pinned: false, published: nil)
                s.proposal = Placement(option: a.option, start: o.start, end: o.end, member: a.member, team: a.team)
                s.reason = nil
                s.pendingReason = changed.contains(a.request) ? plan.reasons[a.request] : nil
                sessions[a.request] = s
                try await tx.saveSession(s)
            }
            for u in chosen.unscheduled {
                guard requests[u.request] != nil else { continue }
                var s = sessions[u.request] ?? Session(requestId: u.request, districtId: self.district.id, week: week, proposal: nil, reason: nil, pinned: false, published: nil)
                s.proposal = nil
                s.reason = u.reason
                s.pendingReason = changed.contains(u.request) ? plan.reasons[u.request] : nil
                try await tx.saveSession(s)
            }
            try await tx.deleteRepairPlan(district: self.district.id, week: week)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "schedule.repair-choose", entity: "week", id: week.iso, before: nil,
                after: "{\"alternative\":\(number),\"score\":\(chosen.score),\"changedSessions\":\(chosen.changedSessions)}"))
            return chosen
        }
    }

    /// Why a published session changes in a repair: the absence of its member or team, when one breaks it.
    private func repairReason(_ old: Placement, absences: [Absence]) -> String {
        for a in absences where a.overlaps(start: old.start, end: old.end) {
            let involved = a.subject == .member ? old.member == a.subjectId : old.team == a.subjectId
            guard involved, let who = try? personName(a.subject, a.subjectId) else { continue }
            return "\(who) vắng \(Self.span(a)) (\(a.reason))"
        }
        return "Văn phòng sắp xếp lại lịch tuần sau khi công bố (có lịch vắng hoặc đăng ký mới)"
    }

    /// A solver result as the office reads it: each change, in words, and who must be told.
    private func describe(_ result: SolveResult, number: Int, problem: Problem, built: Built) -> RepairAlternative {
        let solution = result.solution
        let placed = Dictionary(uniqueKeysWithValues: solution.assignments.map { ($0.request, $0) })
        let reasons = Dictionary(uniqueKeysWithValues: solution.unscheduled.map { ($0.request, $0.reason) })
        let baseline = Dictionary(uniqueKeysWithValues: problem.published.map { ($0.request, $0) })
        // Pinned sessions (the office's, those about to start, those held) stay as they are: nothing to tell.
        let pinned = Set(problem.pinned.map(\.request))
        var changes: [RepairChange] = []
        var lines: [String] = []
        var told: [String: [String]] = [:]
        var changedSessions = 0
        func tell(_ key: String, _ line: String) { told[key, default: []].append(line) }
        /// The unit, the member and the team of one placement all hear the same sentence.
        func tellAll(_ line: String, unit: String, member: String?, team: String) {
            tell(unit, line)
            if let member { tell("member:\(member)", line) }
            tell("team:\(team)", line)
        }
        for request in problem.requests where !pinned.contains(request.id) {
            guard let r = built.requests[request.id] else { continue }
            let unit = district.unit(r.unitId)?.name ?? r.unitId
            let unitKey = "unit:\(r.unitId)"
            let new = placed[request.id]
            guard let old = baseline[request.id] else {
                // A request not published before (admitted late) that the repair schedules: a new session.
                if let new {
                    let at = describeTime(r.options[new.option].start)
                    let line = "Buổi kiểm điểm \(unit) (mới) xếp vào \(at), UVBTV dự: \(memberName(new.member)), \(teamName(new.team))."
                    lines.append(line)
                    tellAll(line, unit: unitKey, member: new.member, team: new.team)
                }
                continue
            }
            let oldStart = r.options[old.option].start
            guard let new else {
                changedSessions += 1
                changes.append(RepairChange(request: r.id, kind: .dropped, from: oldStart.iso, to: nil))
                let why = (reasons[r.id] ?? "không còn phương án hợp lệ").trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                let line = "Buổi kiểm điểm \(unit), \(describeTime(oldStart)) bị hủy: \(why)."
                lines.append(line)
                tellAll(line, unit: unitKey, member: old.member, team: old.team)
                continue
            }
            let moved = new.option != old.option, memberChanged = new.member != old.member, teamChanged = new.team != old.team
            guard moved || memberChanged || teamChanged else { continue }
            changedSessions += 1
            let newStart = r.options[new.option].start
            if moved { changes.append(RepairChange(request: r.id, kind: .time, from: oldStart.iso, to: newStart.iso)) }
            if memberChanged { changes.append(RepairChange(request: r.id, kind: .member, from: old.member, to: new.member)) }
            if teamChanged { changes.append(RepairChange(request: r.id, kind: .team, from: old.team, to: new.team)) }
            var parts: [String] = []
            if moved {
                parts.append("Buổi kiểm điểm \(unit) chuyển từ \(describeTime(oldStart)) sang \(describeTime(newStart))")
            }
            if memberChanged {
                let at = moved ? "" : " buổi kiểm điểm \(unit), \(describeTime(newStart))"
                switch (old.member, new.member) {
                case (let o?, let n?): parts.append("Đ/c \(memberName(n)) thay Đ/c \(memberName(o)) dự\(at)")
                case (nil, let n?): parts.append("Đ/c \(memberName(n)) dự\(at)")
                case (let o?, nil): parts.append("Đ/c \(memberName(o)) không dự\(at) nữa; chưa có UVBTV thay")
                case (nil, nil): break
                }
            }
            if teamChanged {
                let at = moved || memberChanged ? "" : " buổi kiểm điểm \(unit), \(describeTime(newStart))"
                parts.append("\(teamName(new.team)) thay \(teamName(old.team).lowercasedFirst) theo dõi\(at)")
            }
            let line = parts.joined(separator: "; ") + "."
            lines.append(line)
            tell(unitKey, line)
            // Each person hears what changes for them: who leaves a session is told it is no longer theirs.
            let session = "buổi kiểm điểm \(unit), \(describeTime(newStart))"
            let oldSession = "buổi kiểm điểm \(unit), \(describeTime(oldStart))"
            if memberChanged {
                if let o = old.member {
                    tell("member:\(o)", "Không dự \(oldSession) nữa" + (new.member.map { " (Đ/c \(memberName($0)) dự thay)." } ?? "."))
                }
                if let n = new.member {
                    tell("member:\(n)", "Dự \(session)" + (old.member.map { " (thay Đ/c \(memberName($0)))" } ?? "") + (moved ? " — buổi chuyển từ \(describeTime(oldStart))." : "."))
                }
            } else if let m = new.member {
                tell("member:\(m)", line)
            }
            if teamChanged {
                tell("team:\(old.team)", "Không theo dõi \(oldSession) nữa (\(teamName(new.team).lowercasedFirst) thay).")
                tell("team:\(new.team)", "Theo dõi \(session) (thay \(teamName(old.team).lowercasedFirst))" + (moved ? " — buổi chuyển từ \(describeTime(oldStart))." : "."))
            } else {
                tell("team:\(new.team)", line)
            }
        }
        let notices = told.keys.sorted().map { key -> String in
            let name: String
            if key.hasPrefix("member:") {
                name = "Đ/c \(memberName(String(key.dropFirst(7))))"
            } else if key.hasPrefix("team:") {
                name = teamName(String(key.dropFirst(5)))
            } else {
                let id = String(key.dropFirst(5))
                name = district.unit(id)?.name ?? id
            }
            return "\(name): \(told[key]!.joined(separator: " "))"
        }
        return RepairAlternative(
            number: number, score: solution.score, proven: result.report.proven, changedSessions: changedSessions, peopleToTell: told.count,
            changes: changes, lines: lines, notices: notices, assignments: solution.assignments, unscheduled: solution.unscheduled)
    }

    private func memberName(_ id: String?) -> String {
        guard let id else { return "chưa phân công" }
        return district.member(id)?.name ?? id
    }

    private func teamName(_ id: String) -> String { district.team(id)?.name ?? id }

    /// "sáng thứ Tư 09/12 (08:00)".
    func describeTime(_ t: LocalDateTime) -> String {
        "\(Self.partOfDay(t)) \(t.date.vietnameseWeekday.lowercasedFirst) \(t.date.vietnameseDayMonth) (\(t.time))"
    }
}
