import Foundation
import ReviewCore
import ReviewStore
import Scheduling

extension ReviewService {
    /// What a scheduling run produced.
    public struct RunResult: Sendable {
        /// The week.
        public var week: ISOWeek
        /// Requests scheduled.
        public var scheduled: Int
        /// Requests left out, with reasons.
        public var unscheduled: [(request: String, reason: String)]
        /// The solution's penalty score.
        public var score: Int
        /// What could not be read (members' own calendars), in Vietnamese.
        public var warnings: [String]
    }

    /// The week's problem, and the requests held out of it with the reason.
    struct Built {
        var problem: Problem
        var heldOut: [String: String]
        var requests: [String: ReviewRequest]
        var warnings: [String]
    }

    /// The week's problem as the scheduling contract's JSON.
    public func exportProblem(week: ISOWeek) async throws -> Data {
        ProblemWriter.encode(try await buildProblem(week: week, release: []).problem)
    }

    /// Solves the week and stores the proposal. Published and pinned sessions keep their placement unless listed in `release`.
    /// `expectedVersion` (from ``WeekBoard/version``) refuses the run when the week changed since the caller looked.
    public func runSchedule(
        week: ISOWeek, by actor: String, release: Set<String> = [], options: SolverOptions = .init(timeLimit: 5), expectedVersion: String? = nil
    ) async throws -> RunResult {
        if !release.isEmpty {
            // A mistyped id would otherwise release nothing, silently, while the office believes it did.
            let open = Set(try await store.read { tx in try await tx.requests(district: self.district.id, week: week, status: .open) }.map(\.id))
            let unknown = release.subtracting(open).sorted()
            if !unknown.isEmpty {
                throw ReviewError(
                    .unknownRelease, "Không có đăng ký \(unknown.map { "'\(Text.clip($0))'" }.joined(separator: ", ")) đang mở trong \(week.vietnamese): --release chỉ cho dời buổi của tuần đang xếp, chưa có gì thay đổi. Xem mã đăng ký bằng: reviewcal schedule show --week \(week.iso)")
            }
        }
        let built = try await buildProblem(week: week, release: release)
        let problem = built.problem
        let found = problem.defects()
        if !found.isEmpty {
            // The defects (the contract's words) name pins by their index: the office is told which sessions, by name.
            let text = found.joined(separator: "; ")
            let pins = problem.pinned.enumerated().filter { text.contains("pinned[\($0.offset)]") }.map { $0.element.request }
            guard pins.isEmpty else {
                let names = pins.map { built.requests[$0].map { requestLabel($0) } ?? $0 }
                throw ReviewError(
                    .invalidProblem,
                    "Dữ liệu \(week.vietnamese) mâu thuẫn, không xếp được lịch: các buổi đã ghim hoặc đã công bố sau trùng người, trùng giờ hoặc phạm quy tắc xếp lịch: \(names.joined(separator: "; ")). Bỏ ghim hoặc đổi lịch một trong các buổi đó trên trang của buổi.")
            }
            throw ReviewError(.invalidProblem, "Dữ liệu \(week.vietnamese) mâu thuẫn, không xếp được lịch: \(text).")
        }
        let solution: Solution
        let started = ContinuousClock.now
        do {
            solution = try Solver.solve(problem, options: options)
            ServiceMetrics.solverRun(district: district.id, seconds: (ContinuousClock.now - started).seconds, score: solution.score)
        } catch {
            ServiceMetrics.solverRun(district: district.id, seconds: (ContinuousClock.now - started).seconds, score: nil)
            throw ReviewError(.infeasible, "Không có lịch hợp lệ cho tuần \(week.iso): \(error.reason). Hãy bỏ ghim một số buổi (nút “Bỏ ghim” trên trang của buổi).")
        }
        let now = clock.now()
        return try await store.write(serializedOn: district.id) { tx in
            try await self.checkVersion(expectedVersion, week: week, tx: tx)
            var unscheduled: [(String, String)] = []
            let existing = Dictionary(uniqueKeysWithValues: try await tx.sessions(district: self.district.id, week: week).map { ($0.requestId, $0) })
            for a in solution.assignments {
                guard let r = built.requests[a.request] else { continue }
                let o = r.options[a.option]
                var s = existing[a.request] ?? Session(requestId: a.request, districtId: self.district.id, week: week, proposal: nil, reason: nil, pinned: false, published: nil)
                s.proposal = Placement(option: a.option, start: o.start, end: o.end, member: a.member, team: a.team)
                s.reason = nil
                s.pendingReason = nil
                if release.contains(a.request) { s.pinned = false }
                try await tx.saveSession(s)
            }
            let reasons = Dictionary(uniqueKeysWithValues: solution.unscheduled.map { ($0.request, $0.reason) }).merging(built.heldOut) { a, _ in a }
            for (id, reason) in reasons.sorted(by: { $0.key < $1.key }) {
                var s = existing[id] ?? Session(requestId: id, districtId: self.district.id, week: week, proposal: nil, reason: nil, pinned: false, published: nil)
                s.proposal = nil
                s.reason = reason
                s.pendingReason = nil
                if release.contains(id) { s.pinned = false }
                try await tx.saveSession(s)
                unscheduled.append((id, reason))
            }
            let released = release.sorted().map { "\"\($0)\"" }.joined(separator: ",")
            let summary = "{\"score\":\(solution.score),\"scheduled\":\(solution.assignments.count),\"unscheduled\":\(unscheduled.count),\"released\":[\(released)]}"
            try await tx.audit(AuditEntry(
                id: Secrets.identifier(prefix: "a-", length: 12), districtId: self.district.id, at: now, actor: actor, action: "schedule.run",
                entity: "week", entityId: week.iso, before: nil, after: summary))
            return RunResult(week: week, scheduled: solution.assignments.count, unscheduled: unscheduled, score: solution.score, warnings: built.warnings)
        }
    }

    /// Publishes the week's proposal: members, teams and units see it in their calendars. Changed sessions raise their
    /// SEQUENCE; sessions no longer scheduled are cancelled. Returns how many sessions changed.
    @discardableResult
    public func publish(week: ISOWeek, by actor: String, expectedVersion: String? = nil) async throws -> Int {
        let now = clock.now()
        defer { feedCache.invalidate() }
        let (changed, mailed) = try await store.write(serializedOn: district.id) { tx in
            try await self.checkVersion(expectedVersion, week: week, tx: tx)
            var changed = 0
            var changes: [PublishedChange] = []
            var replaced: [Session] = []
            let requests = Dictionary(uniqueKeysWithValues: try await tx.requests(district: self.district.id, week: week).map { ($0.id, $0) })
            for var s in try await tx.sessions(district: self.district.id, week: week) {
                let original = s
                let before = s.published
                // A chosen repair gives the reason of each change (the absence), shown in the feeds.
                let why = before == nil ? nil : s.pendingReason
                if let proposal = s.proposal {
                    if before == nil || before?.placement != proposal || before?.cancelled == true {
                        s.published = PublishedSession(
                            placement: proposal, cancelled: false, sequence: before.map { $0.sequence + 1 } ?? 0, lastModified: now, reason: why)
                    }
                } else if let p = before, !p.cancelled {
                    s.published = PublishedSession(placement: p.placement, cancelled: true, sequence: p.sequence + 1, lastModified: now, reason: why)
                }
                if s.pendingReason != nil && s.published != before { s.pendingReason = nil }
                if s.published != before {
                    changed += 1
                    replaced.append(original)
                    if let r = requests[s.requestId], let after = s.published { changes.append(PublishedChange(request: r, before: before, after: after)) }
                    try await tx.saveSession(s)
                    try await tx.audit(self.auditEntry(
                        actor: actor, action: "session.publish", entity: "session", id: s.requestId, before: before.map(StoreTransaction.json),
                        after: s.published.map(StoreTransaction.json)))
                }
            }
            let mailed = try await self.queueMail(changes, cause: "Công bố lịch \(week.vietnamese)", week: week, now: now, tx: tx)
            try await self.keepUndo(.publish, before: replaced, week: week, by: actor, now: now, tx: tx)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "schedule.publish", entity: "week", id: week.iso, before: nil, after: "{\"changed\":\(changed),\"mail\":\(mailed)}"))
            try await tx.bumpRevision(district: self.district.id)
            return (changed, mailed)
        }
        if mailed > 0 { outboxBell.ring() }
        return changed
    }

    /// Pins a session: the next runs keep it exactly as proposed now, or at the given option, member and team.
    public func pin(request: String, option: Int?, member: String??, team: String?, by actor: String, expectedVersion: String? = nil) async throws {
        try await store.write(serializedOn: district.id) { tx in
            guard let r = try await tx.request(id: request, district: self.district.id) else { throw ReviewError.requestNotFound(request) }
            try await self.checkVersion(expectedVersion, week: r.week, tx: tx)
            var s = try await tx.session(request: request, district: self.district.id)
                ?? Session(requestId: request, districtId: self.district.id, week: r.week, proposal: nil, reason: nil, pinned: false, published: nil)
            let before = StoreTransaction.json(s)
            var p = s.proposal
            if option != nil || team != nil || member != nil {
                let index = option ?? p?.option ?? 0
                guard r.options.indices.contains(index) else {
                    throw ReviewError(.invalidOption, "Đăng ký \(request) chỉ có \(r.options.count) phương án (chọn từ 1 đến \(r.options.count)).")
                }
                guard let teamId = team ?? p?.team else { throw ReviewError(.missingTeam, "Cần chỉ định tổ công tác (--team) cho buổi chưa được xếp.") }
                guard let t = self.district.team(teamId) else { throw ReviewError(.unknownTeam, "Không có tổ công tác '\(Text.clip(teamId))'.") }
                guard let unit = self.district.unit(r.unitId), t.blocs.contains(unit.bloc) else {
                    throw ReviewError(.wrongBloc, "\(t.name) không theo dõi khối của đơn vị này.")
                }
                let memberId: String? = member ?? p?.member
                if let memberId, self.district.member(memberId) == nil { throw ReviewError(.unknownMember, "Không có UVBTV '\(Text.clip(memberId))'.") }
                let o = r.options[index]
                p = Placement(option: index, start: o.start, end: o.end, member: memberId, team: teamId)
            }
            guard p != nil else { throw ReviewError(.nothingToPin, "Buổi \(request) chưa có lịch dự kiến: chỉ định --option và --team để ghim.") }
            s.proposal = p
            s.reason = nil
            s.pinned = true
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(actor: actor, action: "session.pin", entity: "session", id: request, before: before, after: StoreTransaction.json(s)))
        }
    }

    /// Unpins a session: the next run may move it (a published one only when also released).
    public func unpin(request: String, by actor: String, expectedVersion: String? = nil) async throws {
        try await store.write(serializedOn: district.id) { tx in
            guard var s = try await tx.session(request: request, district: self.district.id), s.pinned else {
                throw ReviewError(.notPinned, "Buổi \(request) không được ghim.")
            }
            try await self.checkVersion(expectedVersion, week: s.week, tx: tx)
            let before = StoreTransaction.json(s)
            s.pinned = false
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(actor: actor, action: "session.unpin", entity: "session", id: request, before: before, after: StoreTransaction.json(s)))
        }
    }

    /// The sessions of a week, or of every week.
    public func sessions(week: ISOWeek? = nil) async throws -> [Session] {
        try await store.read { tx in try await tx.sessions(district: self.district.id, week: week) }
    }

    /// How a repair builds the week's problem: published sessions become the baseline instead of pins, except those
    /// already held or starting before `now` plus `frozenMinutes`, which stay as they are.
    public struct RepairMode: Sendable {
        /// The moment the repair is made.
        public var now: Date
        /// Sessions starting within this many minutes of `now` are not moved.
        public var frozenMinutes: Int
        /// A repair made at `now`, freezing the next `frozenHours` hours (default 24).
        public init(now: Date, frozenHours: Double = 24) {
            self.now = now
            frozenMinutes = Int((frozenHours * 60).rounded())
        }
    }

    func buildProblem(week: ISOWeek, release: Set<String>, fetchCalendars: Bool = true, repair: RepairMode? = nil) async throws -> Built {
        let busy = try await readBusyTime(week: week, fetch: fetchCalendars)
        let weekRange = Self.range(of: week)
        let (requests, sessions, earlier, absences) = try await store.read { tx in
            let open = try await tx.requests(district: self.district.id, week: week, status: .open)
            let sessions = try await tx.sessions(district: self.district.id, week: week)
            let all = try await tx.requests(district: self.district.id, status: .open)
            let allSessions = try await tx.sessions(district: self.district.id)
            // Predecessors held in an earlier week count as satisfied once published there.
            let held = Set(allSessions.filter { s in s.week < week && s.published.map { !$0.cancelled } == true }.map(\.requestId))
            let absences = try await tx.absences(district: self.district.id, from: weekRange.from, to: weekRange.to)
            return (open, sessions, (all, held), absences)
        }
        let (allOpen, heldEarlier) = earlier
        let sessionByRequest = Dictionary(uniqueKeysWithValues: sessions.map { ($0.requestId, $0) })
        var heldOut: [String: String] = [:]
        var included: [ReviewRequest] = []
        for r in requests {
            if let why = sessionByRequest[r.id]?.cancellation, !release.contains(r.id) {
                heldOut[r.id] = "Văn phòng đã hủy buổi này (lý do: \(why)). Muốn tổ chức lại: bấm “Tổ chức lại” trên trang của buổi."
            } else if district.campaign(r.campaignId) == nil {
                heldOut[r.id] = "Chưa xếp lịch: đợt kiểm điểm '\(r.campaignId)' của đăng ký này không còn trong cấu hình của huyện."
            } else if r.draftSent == nil, let campaign = district.campaign(r.campaignId) {
                heldOut[r.id] = Self.noDraftReason(leadDays: campaign.leadDays)
            } else if district.unit(r.unitId) == nil {
                heldOut[r.id] = "Chưa xếp lịch: đơn vị '\(r.unitId)' không còn trong cấu hình của huyện."
            } else {
                included.append(r)
            }
        }
        // Rules IV.4 and IV.5 (``Precedence``): the reviews that come first, each with its reason.
        let precedence = Precedence(district: district)
        var predecessors: [String: [String]] = [:]
        var reasons: [String: [String: String]] = [:]
        for r in included {
            let found = precedence.predecessors(of: r, among: allOpen)
            predecessors[r.id] = Array(Set(found.map(\.requestId))).sorted()
            for p in found { reasons[r.id, default: [:]][p.requestId] = precedence.reason(p) }
        }
        // Drop predecessors satisfied earlier; a predecessor later or held out blocks the request.
        var changed = true
        var includedIds = Set(included.map(\.id))
        let byId = Dictionary(uniqueKeysWithValues: allOpen.map { ($0.id, $0) })
        while changed {
            changed = false
            for r in included where includedIds.contains(r.id) {
                for p in predecessors[r.id] ?? [] where !includedIds.contains(p) && !heldEarlier.contains(p) {
                    let name = byId[p].map { requestLabel($0) } ?? p
                    let why = reasons[r.id]?[p].map { " (\($0))" } ?? ""
                    heldOut[r.id] = "Chưa xếp lịch: buổi phải tổ chức trước (\(name))\(why) chưa được xếp lịch trong tuần này hoặc tuần trước. Cần xếp buổi đó trước."
                    includedIds.remove(r.id)
                    changed = true
                }
            }
        }
        included = included.filter { includedIds.contains($0.id) }

        var pins: [Assignment] = []
        var baseline: [Assignment] = []
        // In a repair, sessions starting within the frozen horizon (to the second), or already held, are not moved.
        let frozenUntil: Int? = repair.map { mode in
            let now = district.zone.local(mode.now)
            return (now.dateTime.minutesSinceEpoch + mode.frozenMinutes) * 60 + now.second
        }
        for r in included {
            guard let s = sessionByRequest[r.id], !release.contains(r.id) else { continue }
            var asBaseline = false
            let keep: Placement?
            if s.pinned {
                keep = s.proposal
            } else if let p = s.published, !p.cancelled {
                keep = p.placement
                if let frozenUntil { asBaseline = s.held == nil && p.placement.start.minutesSinceEpoch * 60 > frozenUntil }
            } else {
                keep = nil
            }
            guard let keep, r.options.indices.contains(keep.option), r.options[keep.option].start == keep.start, r.options[keep.option].end == keep.end
            else { continue }
            let entry = Assignment(request: r.id, option: keep.option, member: keep.member, team: keep.team)
            if asBaseline { baseline.append(entry) } else { pins.append(entry) }
        }
        let problemRequests = included.map { r -> Scheduling.Request in
            let unit = district.unit(r.unitId)!
            let campaign = district.campaign(r.campaignId)
            let notBefore = r.draftSent.flatMap { sent in campaign.map { $0.earliestStart(draftSent: sent) } }
            return Scheduling.Request(
                id: r.id, unit: r.unitId, bloc: unit.bloc, location: r.location, needsMember: true, inCharge: unit.inCharge,
                weight: unit.reviewSuggestion ? 3 : 1, notBefore: notBefore,
                after: (predecessors[r.id] ?? []).filter { includedIds.contains($0) },
                options: r.options.map { Scheduling.TimeOption(start: $0.start, end: $0.end) })
        }
        // Sessions already published this week whose requests are not in the problem still hold their people.
        var held: [String: [Scheduling.TimeOption]] = [:]
        for s in sessions where !includedIds.contains(s.requestId) {
            guard let p = s.published, !p.cancelled else { continue }
            let interval = Scheduling.TimeOption(start: p.placement.start, end: p.placement.end)
            if let m = p.placement.member { held["member:\(m)", default: []].append(interval) }
            held["team:\(p.placement.team)", default: []].append(interval)
        }
        // A published or pinned session keeps its people even when their own calendar now shows them busy then: that
        // busy time is left out of the problem and the office is told, since only the office moves such a session.
        let includedById = Dictionary(uniqueKeysWithValues: included.map { ($0.id, $0) })
        var kept: [String: [(request: String, option: ReviewCore.TimeOption)]] = [:]
        for pin in pins {
            guard let option = includedById[pin.request]?.options[pin.option] else { continue }
            if let m = pin.member { kept["member:\(m)", default: []].append((pin.request, option)) }
            kept["team:\(pin.team)", default: []].append((pin.request, option))
        }
        var warnings = busy.warnings
        let unitNames = Dictionary(uniqueKeysWithValues: included.map { ($0.id, district.unit($0.unitId)?.name ?? $0.unitId) })
        func labelOf(_ id: String) -> String { includedById[id].map { requestLabel($0) } ?? id }
        func busyOf(_ key: String, name: String) -> [Scheduling.TimeOption] {
            let own = (busy.intervals[key] ?? []).filter { span in
                guard let clash = kept[key]?.first(where: { span.start < $0.option.end && $0.option.start < span.end }) else { return true }
                warnings.append(
                    "Lịch riêng của \(name) bận \(ReviewCore.TimeOption(start: span.start, end: span.end)), trùng buổi \(labelOf(clash.request)) đã công bố hoặc ghim (\(clash.option)): buổi vẫn giữ nguyên. Nếu cần dời: chuyển hoặc đổi lịch buổi đó trên trang của buổi.")
                return false
            }
            // Absences the office recorded are busy time too. Where one breaks a session kept as it is (published and
            // not being repaired, pinned, or about to start) the office is told and the session stays: the absence is
            // busy time around it, not during it, so that it still moves every other session it breaks.
            var away: [Scheduling.TimeOption] = []
            for a in absences where a.personKey == key {
                let clashes = (kept[key] ?? []).filter { a.overlaps(start: $0.option.start, end: $0.option.end) }
                for clash in clashes {
                    let unit = unitNames[clash.request] ?? clash.request
                    let advice =
                        repair == nil
                        ? "Đề xuất sửa lịch trên trang “Sửa lịch” của tuần."
                        : "Buổi đã ghim hoặc sắp diễn ra nên giữ nguyên; nếu cần, bỏ ghim hoặc đổi lịch riêng buổi này trên trang của buổi."
                    warnings.append(
                        "\(name.capitalizedFirst) vắng \(Self.span(a)) (\(a.reason)), trùng buổi kiểm điểm \(unit) (\(clash.option)): buổi vẫn giữ nguyên. \(advice)")
                }
                away += Self.subtract(clashes.map { ($0.option.start, $0.option.end) }, from: (a.start, a.end))
                    .map { Scheduling.TimeOption(start: $0.0, end: $0.1) }
            }
            return own.map { Scheduling.TimeOption(start: $0.start, end: $0.end) } + away + (held[key] ?? [])
        }
        var problem = Problem(
            timezone: district.zone.identifier, week: week,
            members: district.members.map {
                Scheduling.Member(id: $0.id, name: $0.name, maxPerDay: $0.maxPerDay, busy: busyOf("member:\($0.id)", name: "đồng chí \($0.name)"))
            },
            teams: district.teams.map {
                Scheduling.Team(id: $0.id, name: $0.name, blocs: $0.blocs, maxPerDay: $0.maxPerDay, busy: busyOf("team:\($0.id)", name: $0.name))
            },
            travelMinutes: TravelMinutes(
                defaultMinutes: district.travel.defaultMinutes, pairs: district.travel.pairs.map { Scheduling.TravelPair(a: $0.a, b: $0.b, minutes: $0.minutes) }),
            requests: problemRequests, pinned: pins, published: baseline)
        problem.labels = labels(for: allOpen + requests)
        return Built(problem: problem, heldOut: heldOut, requests: includedById, warnings: warnings)
    }

    /// Why a request without a draft date is not scheduled, and what the office does about it.
    public static func noDraftReason(leadDays: Int) -> String {
        "Chưa xếp lịch: chưa có ngày gửi dự thảo báo cáo kiểm điểm (dự thảo phải gửi trước buổi kiểm điểm ít nhất \(leadDays) ngày). Khi đơn vị đã gửi, ghi ngày gửi ở mục “Ngày gửi dự thảo” trên trang của buổi rồi chạy xếp lịch lại."
    }

    /// `span` less every interval of `holes`: the pieces left, in order.
    static func subtract(
        _ holes: [(ReviewCore.LocalDateTime, ReviewCore.LocalDateTime)], from span: (ReviewCore.LocalDateTime, ReviewCore.LocalDateTime)
    ) -> [(ReviewCore.LocalDateTime, ReviewCore.LocalDateTime)] {
        var pieces = [span]
        for hole in holes {
            pieces = pieces.flatMap { piece -> [(ReviewCore.LocalDateTime, ReviewCore.LocalDateTime)] in
                guard hole.0 < piece.1 && piece.0 < hole.1 else { return [piece] }
                return [(piece.0, hole.0), (hole.1, piece.1)].filter { $0.0 < $0.1 }
            }
        }
        return pieces
    }
}
