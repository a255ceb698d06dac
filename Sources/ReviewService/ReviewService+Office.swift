import Foundation
import ReviewCore
import ReviewStore
import Scheduling

extension ReviewService {
    /// Where the office places a session by hand: an option of the request, a member and a team.
    public struct PlacementChoice: Sendable, Hashable {
        /// Index of the option (0 is the unit's first choice).
        public var option: Int
        /// The attending member.
        public var member: String?
        /// The attending team.
        public var team: String
        /// Creates a choice.
        public init(option: Int, member: String?, team: String) {
            self.option = option
            self.member = member
            self.team = team
        }
    }

    /// Longest reason for a reschedule or a cancellation, in characters.
    public static let maxReasonLength = 300

    /// Moves a session of the proposal to another option, member or team, and pins it there so that the next runs
    /// keep it. Refused, with every reason, when the move breaks a hard rule against the week's other sessions.
    public func move(request id: String, to choice: PlacementChoice, expectedVersion: String? = nil, by actor: String) async throws {
        let r = try await openRequest(id)
        let placement = try await checkedPlacement(r, choice)
        try await store.write(serializedOn: district.id) { tx in
            try await self.checkVersion(expectedVersion, week: r.week, tx: tx)
            var s = try await tx.session(request: id, district: self.district.id)
                ?? Session(requestId: id, districtId: self.district.id, week: r.week, proposal: nil, reason: nil, pinned: false, published: nil)
            guard s.cancellation == nil else {
                throw ReviewError(.cancelled, "Buổi \(id) đã bị Văn phòng hủy; muốn tổ chức lại thì dùng \"Đổi lịch\" (reviewcal schedule reschedule).")
            }
            let before = StoreTransaction.json(s)
            s.proposal = placement
            s.pinned = true
            s.reason = nil
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(actor: actor, action: "session.move", entity: "session", id: id, before: before, after: StoreTransaction.json(s)))
        }
    }

    /// Changes a published session at once (it stays pinned there): the calendars show the new time, member or team
    /// with a raised SEQUENCE and the reason, and so does `reviewcal status` for the unit. Also brings back a
    /// session the office cancelled.
    public func reschedule(request id: String, to choice: PlacementChoice, reason: String, expectedVersion: String? = nil, by actor: String) async throws {
        let why = try Self.checkedReason(reason)
        let r = try await openRequest(id)
        let placement = try await checkedPlacement(r, choice)
        let now = clock.now()
        defer { feedCache.invalidate() }
        let mailed = try await store.write(serializedOn: district.id) { tx in
            try await self.checkVersion(expectedVersion, week: r.week, tx: tx)
            guard var s = try await tx.session(request: id, district: self.district.id), let old = s.published else {
                throw ReviewError(.notPublished, "Buổi \(id) chưa công bố: đổi phương án bằng \"Chuyển\" (reviewcal schedule move) rồi công bố tuần.")
            }
            if !old.cancelled && old.placement == placement {
                throw ReviewError(.samePlacement, "Buổi \(id) đã đúng thời gian, UVBTV và tổ công tác này; không có gì để đổi.")
            }
            let before = StoreTransaction.json(s)
            s.proposal = placement
            s.pinned = true
            s.reason = nil
            s.cancellation = nil
            s.published = PublishedSession(placement: placement, cancelled: false, sequence: old.sequence + 1, lastModified: now, reason: why)
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(actor: actor, action: "session.reschedule", entity: "session", id: id, before: before, after: StoreTransaction.json(s)))
            try await tx.bumpRevision(district: self.district.id)
            return try await self.queueMail(
                [PublishedChange(request: r, before: old, after: s.published!)], cause: "Văn phòng đổi lịch một buổi kiểm điểm", week: r.week, now: now, tx: tx)
        }
        if mailed > 0 { outboxBell.ring() }
    }

    /// Cancels a published session at once, with a reason the unit and the calendars show; runs leave the request
    /// out until the office reschedules it.
    public func cancel(request id: String, reason: String, expectedVersion: String? = nil, by actor: String) async throws {
        let why = try Self.checkedReason(reason)
        let now = clock.now()
        defer { feedCache.invalidate() }
        let mailed = try await store.write(serializedOn: district.id) { tx in
            guard let r = try await tx.request(id: id, district: self.district.id) else { throw ReviewError.requestNotFound(id) }
            try await self.checkVersion(expectedVersion, week: r.week, tx: tx)
            guard var s = try await tx.session(request: id, district: self.district.id), let old = s.published, !old.cancelled else {
                throw ReviewError(.notPublished, "Buổi \(id) chưa công bố hoặc đã hủy: không có gì để hủy trên lịch.")
            }
            let original = s
            let before = StoreTransaction.json(s)
            s.published = PublishedSession(placement: old.placement, cancelled: true, sequence: old.sequence + 1, lastModified: now, reason: why)
            s.proposal = nil
            s.pinned = false
            s.cancellation = why
            s.reason = "Văn phòng đã hủy buổi kiểm điểm: \(why)"
            try await tx.saveSession(s)
            try await tx.audit(self.auditEntry(actor: actor, action: "session.cancel", entity: "session", id: id, before: before, after: StoreTransaction.json(s)))
            try await self.keepUndo(.cancel, request: id, before: [original], week: r.week, by: actor, now: now, tx: tx)
            try await tx.bumpRevision(district: self.district.id)
            return try await self.queueMail(
                [PublishedChange(request: r, before: old, after: s.published!)], cause: "Văn phòng hủy một buổi kiểm điểm", week: r.week, now: now, tx: tx)
        }
        if mailed > 0 { outboxBell.ring() }
    }

    /// What stops a request from being placed at `choice` now; empty when nothing does.
    public func refusals(request id: String, at choice: PlacementChoice) async throws -> [String] {
        let r = try await openRequest(id)
        do {
            _ = try await checkedPlacement(r, choice)
            return []
        } catch let f as ReviewError where f.code == .moveRefused {
            return f.details.map(\.message)
        }
    }

    // MARK: Helpers

    func openRequest(_ id: String) async throws -> ReviewRequest {
        guard let r = try await store.read({ tx in try await tx.request(id: id, district: self.district.id) }) else {
            throw ReviewError.requestNotFound(id)
        }
        guard r.status == .open else { throw ReviewError(.withdrawn, "Đăng ký \(id) đã rút: không xếp lịch được.") }
        return r
    }

    /// The placement of `choice` for request `r`, checked against the hard rules and the week's other sessions.
    func checkedPlacement(_ r: ReviewRequest, _ choice: PlacementChoice) async throws -> Placement {
        let unitName = district.unit(r.unitId)?.name ?? r.unitId
        guard r.options.indices.contains(choice.option) else {
            throw ReviewError(.invalidOption, "Đăng ký \(r.id) chỉ có \(r.options.count) phương án (chọn từ 1 đến \(r.options.count)).")
        }
        if let m = choice.member, district.member(m) == nil { throw ReviewError(.unknownMember, "Không có UVBTV '\(Text.clip(m))'.") }
        guard district.team(choice.team) != nil else { throw ReviewError(.unknownTeam, "Không có tổ công tác '\(Text.clip(choice.team))'.") }
        var built = try await buildProblem(week: r.week, release: [r.id], fetchCalendars: false)
        if let why = built.heldOut[r.id] {
            throw ReviewError(.moveRefused, "Không xếp được buổi của \(unitName): \(why)", details: [ProblemDetail(code: "held-out", field: nil, message: why)])
        }
        // Pins matter to the solver, not to a move: a move is checked against where the other sessions are now.
        built.problem.pinned = []
        let problem = built.problem
        let defects = problem.defects()
        if !defects.isEmpty {
            throw ReviewError(.invalidProblem, "Dữ liệu tuần \(r.week.iso) mâu thuẫn: \(defects.joined(separator: "; ")).")
        }
        let sessions = try await store.read { tx in try await tx.sessions(district: self.district.id, week: r.week) }
        let others: [Assignment] = sessions.compactMap { s in
            guard s.requestId != r.id, let p = s.proposal, let other = built.requests[s.requestId], other.options.indices.contains(p.option),
                other.options[p.option] == TimeOption(start: p.start, end: p.end)
            else { return nil }
            return Assignment(request: s.requestId, option: p.option, member: p.member, team: p.team)
        }
        let candidate = Assignment(request: r.id, option: choice.option, member: choice.member, team: choice.team)
        let names = Dictionary(uniqueKeysWithValues: built.requests.values.map { ($0.id, district.unit($0.unitId)?.name ?? $0.unitId) })
        let refusals = PlacementCheck.refusals(of: candidate, among: others, in: problem) { names[$0] }
        if !refusals.isEmpty {
            throw ReviewError(
                .moveRefused, "Không xếp được buổi của \(unitName) như vậy (\(refusals.count) lý do):",
                details: refusals.map { ProblemDetail(code: "hard-rule", field: nil, message: $0) })
        }
        let o = r.options[choice.option]
        return Placement(option: choice.option, start: o.start, end: o.end, member: choice.member, team: choice.team)
    }

    /// The reason of a reschedule or a cancellation as stored, or the refusal naming what is wrong with it.
    public static func checkedReason(_ text: String) throws -> String {
        let reason = Text.trimmed(text, newlines: true)
        if reason.count < 3 { throw ReviewError(.missingReason, "Cần ghi lý do (ít nhất 3 ký tự): đơn vị và các đồng chí dự sẽ thấy lý do này.") }
        if let bad = Text.forbiddenCharacter(in: reason, allowNewlines: false) {
            throw ReviewError(bad.code, bad.message(field: "Lý do"))
        }
        if reason.count > maxReasonLength { throw ReviewError(.tooLong, "Lý do dài \(reason.count) ký tự, tối đa \(maxReasonLength).") }
        return Text.nfc(reason)
    }
}
