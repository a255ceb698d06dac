import Foundation
import ReviewCore
import ReviewStore

extension ReviewService {
    /// The answer to an idempotent call: status and JSON body, identical on every retry.
    public struct Answer: Sendable {
        /// HTTP status.
        public var status: Int
        /// JSON body.
        public var body: String
    }

    /// Registers a request. `key` makes retries return the first answer; `admitLate` (office only) admits a closed week.
    public func register(_ input: RegistrationInput, by principal: Principal, idempotencyKey key: String?, admitLate: Bool = false) async throws -> Answer {
        do {
            let answer = try await registerCounted(input, by: principal, idempotencyKey: key, admitLate: admitLate)
            ServiceMetrics.registration(district: district.id, refusal: nil)
            return answer
        } catch let failure as ReviewError {
            ServiceMetrics.registration(district: district.id, refusal: failure.code.rawValue)
            throw failure
        } catch {
            ServiceMetrics.registration(district: district.id, refusal: "error")
            throw error
        }
    }

    private func registerCounted(_ input: RegistrationInput, by principal: Principal, idempotencyKey key: String?, admitLate: Bool) async throws -> Answer {
        let now = clock.now()
        let unitId: String
        switch principal {
        case .unit(let id):
            if let other = input.unit, other != id { throw ReviewError(.forbidden, "Mã truy cập của đơn vị \(id) không đăng ký được cho đơn vị khác ('\(Text.clip(other))').") }
            if admitLate { throw ReviewError.officeOnly }
            unitId = id
        case .office:
            guard let id = input.unit else { throw ReviewError(.missingUnit, "Văn phòng đăng ký thay đơn vị phải ghi rõ đơn vị (trường unit).") }
            unitId = id
        }
        // What needs nothing stored is prepared before the write takes its turn (the writes of a district run one after
        // another): the rules' verdict, the request, its stored text, its audit entry and the answer. A refusal is
        // given only after the idempotency check, so that a registration sent again is answered as the first time.
        let prepared = rules.check(input, unitId: unitId, now: now, admitLate: admitLate).map { checked in
            var request = ReviewRequest(
                id: Secrets.identifier(prefix: "r-", length: 8), districtId: district.id, campaignId: checked.campaign.id, unitId: unitId,
                kind: checked.kind, week: checked.week, options: checked.options, location: checked.location, draftSent: checked.draftSent,
                contactName: checked.contactName, contactPhone: checked.contactPhone, note: checked.note, after: checked.after, status: .open,
                admittedLate: admitLate && !checked.campaign.cutoff.isOpen(checked.week, at: now), createdAt: now, updatedAt: now, version: 1)
            request.contactEmail = checked.contactEmail
            let text = StoreTransaction.json(request)
            let audit = auditEntry(
                actor: principal.actor, action: request.admittedLate ? "request.create-late" : "request.create", entity: "request", id: request.id,
                before: nil, after: text)
            return PreparedRegistration(
                checked: checked, request: request, text: text, audit: audit,
                answer: StoreTransaction.json(view(request, session: nil, for: principal, warnings: checked.warnings)))
        }
        var refusal: (any Error)?
        if case .failure(let failure) = prepared { refusal = failure }
        return try await idempotent(
            principal: principal, key: key, fingerprint: "register:\(admitLate):" + StoreTransaction.json(input), refusal: refusal
        ) { tx in
            let ready = try prepared.get()
            let checked = ready.checked, request = ready.request
            try await self.checkPredecessors(checked.after, unit: unitId, principal: principal, tx: tx)
            guard try await tx.insertRequestInFreeSlot(request, text: ready.text) != nil else {
                let existing = try await tx.requests(district: self.district.id, unit: unitId, status: .open).filter { $0.kind == checked.kind && $0.campaignId == checked.campaign.id }
                throw ReviewError(
                    .duplicate, "Đơn vị đã có đăng ký \"\(checked.kind.vietnamese)\" đang mở trong \(checked.campaign.name) (\(existing.map(\.id).joined(separator: ", "))). Sửa đăng ký đó bằng reviewcal change, hoặc rút nó bằng reviewcal withdraw; cần thêm buổi thì liên hệ Văn phòng Huyện ủy.")
            }
            let orderWarnings = try await self.checkMemberReviewOrder(request, tx: tx)
            try await tx.audit(ready.audit)
            if orderWarnings.isEmpty { return (201, ready.answer) }
            return (201, StoreTransaction.json(self.view(request, session: nil, for: principal, warnings: checked.warnings + orderWarnings)))
        }
    }

    /// Changes a request: the same checks as a new one. Its time options, location and predecessors (what the schedule is
    /// built from) may change only while its week and the new one are open; its draft date, contact, phone and note may
    /// change at any time, also after the cutoff. The office may change everything.
    public func change(id: String, _ input: RegistrationInput, by principal: Principal, idempotencyKey key: String?) async throws -> Answer {
        let now = clock.now()
        // A contact, phone, note or draft date shows in the published session's events: feeds render again.
        defer { feedCache.invalidate() }
        return try await idempotent(principal: principal, key: key, fingerprint: "change:\(id):" + StoreTransaction.json(input)) { tx in
            let old = try await self.visibleRequest(id, principal: principal, tx: tx)
            guard old.status == .open else { throw ReviewError(.withdrawn, "Đăng ký \(id) đã rút, không sửa được. Đăng ký mới bằng reviewcal register.") }
            var input = input
            input.unit = old.unitId
            let checked: RegistrationRules.Checked
            // The week's cutoff closes only what the schedule is built from: checked below, not by the rules.
            switch self.rules.check(input, unitId: old.unitId, now: now, admitLate: true, checkKindAllowed: input.kind != old.kind.rawValue) {
            case .success(let c): checked = c
            case .failure(let refusal): throw refusal
            }
            let scheduling = checked.options != old.options || checked.week != old.week || checked.location != old.location || checked.after != old.after
            if !principal.isOffice, scheduling {
                let window = checked.campaign.cutoff
                if !window.isOpen(old.week, at: now) {
                    throw ReviewError(
                        .late, "Đăng ký cho \(old.week.vietnamese) đã khóa lúc \(window.closing(of: old.week).vietnamese): không đổi được thời gian, địa điểm hay thứ tự buổi nữa. Ngày gửi dự thảo, người liên hệ, số điện thoại và ghi chú vẫn sửa được. Liên hệ Văn phòng Huyện ủy nếu cần đổi lịch.")
                }
                if !window.isOpen(checked.week, at: now) {
                    let first = window.firstOpenWeek(at: now)
                    throw ReviewError(
                        .late, "Đã hết hạn đăng ký cho \(checked.week.vietnamese): hạn chót là \(window.closing(of: checked.week).vietnamese). Tuần sớm nhất còn nhận đăng ký là \(first.vietnamese) (hạn \(window.closing(of: first).vietnamese)). Nếu cần tổ chức trong tuần đã khóa, liên hệ Văn phòng Huyện ủy.")
                }
            }
            if checked.kind != old.kind || checked.campaign.id != old.campaignId {
                throw ReviewError(.kindChange, "Không đổi được loại kiểm điểm của một đăng ký. Rút đăng ký này (reviewcal withdraw \(id)) rồi đăng ký mới.")
            }
            try await self.checkPredecessors(checked.after.filter { $0 != id }, unit: old.unitId, principal: principal, tx: tx)
            if checked.after.contains(id) { throw ReviewError(.afterSelf, "Một đăng ký không thể phải diễn ra trước chính nó.") }
            var new = old
            new.week = checked.week
            new.options = checked.options
            new.location = checked.location
            new.draftSent = checked.draftSent
            new.contactName = checked.contactName
            new.contactPhone = checked.contactPhone
            new.contactEmail = checked.contactEmail
            new.note = checked.note
            new.after = checked.after
            new.updatedAt = now
            new.version += 1
            let orderWarnings = try await self.checkMemberReviewOrder(new, tx: tx)
            try await tx.updateRequest(new)
            try await tx.bumpRevision(district: self.district.id)
            try await tx.audit(self.auditEntry(
                actor: principal.actor, action: "request.change", entity: "request", id: id, before: StoreTransaction.json(old), after: StoreTransaction.json(new)))
            let session = try await tx.session(request: id, district: self.district.id)
            return (200, StoreTransaction.json(self.view(new, session: session, for: principal, warnings: checked.warnings + orderWarnings)))
        }
    }

    /// Withdraws a request (kept, marked withdrawn). A published session of it is cancelled in the calendars.
    public func withdraw(id: String, by principal: Principal) async throws -> RequestView {
        let now = clock.now()
        defer { feedCache.invalidate() }
        let (view, mailed) = try await store.write(serializedOn: district.id) { tx in
            let old = try await self.visibleRequest(id, principal: principal, tx: tx)
            guard old.status == .open else { throw ReviewError(.withdrawn, "Đăng ký \(id) đã rút từ trước.") }
            var new = old
            new.status = .withdrawn
            new.updatedAt = now
            new.version += 1
            try await tx.updateRequest(new)
            try await tx.audit(self.auditEntry(
                actor: principal.actor, action: "request.withdraw", entity: "request", id: id, before: StoreTransaction.json(old), after: StoreTransaction.json(new)))
            var session = try await tx.session(request: id, district: self.district.id)
            var mailed = 0
            if var s = session, let published = s.published, !published.cancelled {
                s.published = PublishedSession(
                    placement: published.placement, cancelled: true, sequence: published.sequence + 1, lastModified: now, reason: Self.withdrawalReason)
                s.proposal = nil
                s.reason = "Đơn vị đã rút đăng ký."
                try await tx.saveSession(s)
                try await tx.bumpRevision(district: self.district.id)
                session = s
                mailed = try await self.queueMail(
                    [PublishedChange(request: new, before: published, after: s.published!)], cause: "Đơn vị đã rút đăng ký một buổi kiểm điểm", week: new.week,
                    now: now, tx: tx)
            }
            return (self.view(new, session: session, for: principal, warnings: []), mailed)
        }
        if mailed > 0 { outboxBell.ring() }
        return view
    }

    /// The caller's requests (every unit's for the office), optionally of one week.
    public func list(for principal: Principal, week: ISOWeek? = nil, includeWithdrawn: Bool = true) async throws -> [RequestView] {
        try await store.read { tx in
            let unit: String? = if case .unit(let id) = principal { id } else { nil }
            let requests = try await tx.requests(district: self.district.id, unit: unit, week: week, status: includeWithdrawn ? nil : .open)
            let sessions = Dictionary(uniqueKeysWithValues: try await tx.sessions(district: self.district.id, week: week).map { ($0.requestId, $0) })
            return requests.map { self.view($0, session: sessions[$0.id], for: principal, warnings: []) }
        }
    }

    /// One request, if the caller may see it.
    public func show(id: String, for principal: Principal) async throws -> RequestView {
        try await store.read { tx in
            let r = try await self.visibleRequest(id, principal: principal, tx: tx)
            return self.view(r, session: try await tx.session(request: id, district: self.district.id), for: principal, warnings: [])
        }
    }

    /// Lets a unit hold `extra` more open requests of a kind in a campaign (office).
    public func allowExtra(unit: String, kind: ReviewKind, campaign: String, extra: Int, by actor: String) async throws {
        guard district.unit(unit) != nil else { throw ReviewError(.unknownUnit, "Không có đơn vị '\(Text.clip(unit))'.") }
        guard district.campaign(campaign) != nil else { throw ReviewError(.unknownCampaign, "Không có đợt '\(Text.clip(campaign))'.") }
        try await store.write(serializedOn: district.id) { tx in
            try await tx.setAllowance(district: self.district.id, campaign: campaign, unit: unit, kind: kind, extra: max(0, extra))
            try await tx.audit(self.auditEntry(actor: actor, action: "request.allow-extra", entity: "unit", id: unit, before: nil, after: "{\"kind\":\"\(kind.rawValue)\",\"extra\":\(extra)}"))
        }
    }

    // MARK: Helpers

    func visibleRequest(_ id: String, principal: Principal, tx: StoreTransaction) async throws -> ReviewRequest {
        guard let r = try await tx.request(id: id, district: district.id) else { throw ReviewError.requestNotFound(id) }
        if case .unit(let unit) = principal, r.unitId != unit { throw ReviewError.requestNotFound(id) }
        return r
    }

    func checkPredecessors(_ ids: [String], unit: String, principal: Principal, tx: StoreTransaction) async throws {
        for p in ids {
            guard let r = try await tx.request(id: p, district: district.id), principal.isOffice || r.unitId == unit else {
                throw ReviewError(.unknownPredecessor, "Buổi phải diễn ra trước '\(Text.clip(p))' không phải một đăng ký của đơn vị. Xem mã đăng ký bằng: reviewcal list")
            }
            if r.status != .open { throw ReviewError(.withdrawnPredecessor, "Buổi phải diễn ra trước \(p) đã bị rút.") }
        }
    }

    /// Runs `body` as one write, answered once per idempotency key: a key already answered gets the same answer again,
    /// and one used for a different request is refused. `refusal`, when given, is the answer instead of the write once
    /// the key is known to be new (a refusal that needs nothing stored).
    func idempotent(
        principal: Principal, key: String?, fingerprint: String, refusal: (any Error)? = nil, _ body: @escaping @Sendable (StoreTransaction) async throws -> (Int, String)
    ) async throws -> Answer {
        if let key, key.isEmpty || key.count > 100 || !key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
            throw ReviewError(.invalidIdempotencyKey, "Khóa chống trùng (Idempotency-Key) phải là 1–100 ký tự ASCII, không có dấu cách.")
        }
        let print = Secrets.sha256(fingerprint)
        guard let key else {
            if let refusal { throw refusal }
            return try await store.write(serializedOn: district.id) { tx in
                let (status, json) = try await body(tx)
                return Answer(status: status, body: json)
            }
        }
        // A key already answered is answered the same way without taking a turn among the district's writes.
        if let answer = try await storedAnswer(principal: principal, key: key, fingerprint: print) { return answer }
        if let refusal { throw refusal }
        do {
            return try await store.write(serializedOn: district.id) { tx in
                let (status, json) = try await body(tx)
                // Stored with the write, or the write is undone: a request with the same key may have been committed
                // since the check above.
                guard try await tx.storeResponse(
                    district: self.district.id, principal: principal.actor, key: key,
                    response: StoredResponse(fingerprint: print, status: status, body: json), at: self.clock.now())
                else { throw ReviewError.busy }
                return Answer(status: status, body: json)
            }
        } catch {
            // The same key committed meanwhile (the write failed because of it, or was undone): its answer is the answer.
            if let answer = try await storedAnswer(principal: principal, key: key, fingerprint: print) { return answer }
            throw error
        }
    }

    /// The stored answer to a key; refused when the key was used for a different request.
    private func storedAnswer(principal: Principal, key: String, fingerprint: String) async throws -> Answer? {
        guard let stored = try await store.read({ tx in try await tx.storedResponse(district: self.district.id, principal: principal.actor, key: key) }) else {
            return nil
        }
        guard stored.fingerprint == fingerprint else {
            throw ReviewError(.idempotencyKeyReused, "Khóa chống trùng '\(key)' đã dùng cho một yêu cầu khác. Mỗi lần gửi mới cần một khóa mới.")
        }
        return Answer(status: stored.status, body: stored.body)
    }

    /// Why a session was cancelled when its unit withdrew the request, in the feeds and the API.
    public static let withdrawalReason = "Đơn vị đã rút đăng ký"

    /// The reason shown for a published session's last change or its cancellation: the office's, or the withdrawal's
    /// (also for sessions cancelled by a withdrawal stored before the reason was).
    static func changeReason(_ r: ReviewRequest, _ p: PublishedSession?) -> String? {
        guard let p else { return nil }
        if p.reason == nil && p.cancelled && r.status == .withdrawn { return withdrawalReason }
        return p.reason
    }

    func view(_ r: ReviewRequest, session: Session?, for principal: Principal, warnings: [String]) -> RequestView {
        let state: (String, String)
        var placement: Placement?
        var published = false
        var reason: String?
        if r.status == .withdrawn {
            state = ("da-rut", "Đã rút đăng ký")
        } else if let p = session?.published, p.cancelled {
            state = ("da-huy", session?.cancellation != nil ? "Văn phòng đã hủy buổi kiểm điểm" : "Buổi kiểm điểm đã bị hủy")
            placement = p.placement
            published = true
        } else if let p = session?.published {
            state = ("da-cong-bo", p.reason != nil ? "Đã xếp lịch và công bố (Văn phòng đã đổi lịch)" : "Đã xếp lịch và công bố")
            placement = p.placement
            published = true
        } else if let s = session, let proposal = s.proposal {
            state = ("da-de-xuat", "Văn phòng đã dự kiến lịch, chưa công bố")
            placement = principal.isOffice ? proposal : nil
        } else if let s = session, s.proposal == nil {
            state = ("khong-xep-duoc", "Chưa xếp được lịch")
            reason = s.reason
        } else if r.draftSent == nil {
            state = ("cho-du-thao", "Chờ đơn vị khai báo ngày gửi dự thảo báo cáo")
        } else {
            state = ("cho-xep-lich", "Đã nhận, chờ Văn phòng xếp lịch")
        }
        func placementView(_ p: Placement, published: Bool) -> PlacementView {
            PlacementView(
                start: p.start, end: p.end, memberId: p.member, memberName: p.member.flatMap { district.member($0)?.name }, teamId: p.team,
                teamName: district.team(p.team)?.name ?? p.team, published: published)
        }
        // The office sees what publishing would change beside what is published.
        var pending: PlacementView?
        var pendingCancellation: Bool?
        if principal.isOffice, r.status == .open, let s = session, let p = s.published {
            if let proposal = s.proposal, proposal != p.placement || p.cancelled {
                pending = placementView(proposal, published: false)
            } else if s.proposal == nil, !p.cancelled {
                pendingCancellation = true
                reason = s.reason
            }
        }
        return RequestView(
            request: r, unitName: district.unit(r.unitId)?.name ?? r.unitId, state: state.0, stateText: state.1,
            placement: placement.map { placementView($0, published: published) }, reason: reason, warnings: warnings,
            changeReason: Self.changeReason(r, session?.published), pending: pending, pendingCancellation: pendingCancellation)
    }

    /// Rule IV.5 at registration (``Precedence``): the Standing Committee's collective review may not be in an earlier
    /// week than a member's own review at the member's home unit, nor such a review in a later week than the Standing
    /// Committee's. The order within one week is the schedule's. A member whose own review is not registered yet is a
    /// warning on the Standing Committee's request: it will be scheduled only after it, once registered.
    func checkMemberReviewOrder(_ request: ReviewRequest, tx: StoreTransaction) async throws -> [String] {
        let precedence = Precedence(district: district)
        let isCommittee = Precedence.isStandingCommitteeReview(request)
        guard isCommittee || (Precedence.memberReviewKinds.contains(request.kind) && !precedence.members(reviewingAt: request.unitId).isEmpty) else {
            return []
        }
        let open = try await tx.requests(district: district.id, status: .open).filter { $0.id != request.id && $0.campaignId == request.campaignId }
        if isCommittee {
            let before = precedence.predecessors(of: request, among: open)
            for p in before {
                guard case .memberAtHomeUnit = p.rule, let other = open.first(where: { $0.id == p.requestId }), other.week > request.week else { continue }
                throw ReviewError(
                    .memberReviewFirst,
                    "Buổi kiểm điểm tập thể Ban Thường vụ không thể ở \(request.week.vietnamese): \(precedence.reason(p)), mà buổi đó (\(other.id)) đăng ký ở \(other.week.vietnamese). Chọn tuần không sớm hơn \(other.week.vietnamese), hoặc đề nghị đơn vị đổi buổi của mình sớm hơn.")
            }
            let covered = Set(before.compactMap { p -> String? in if case .memberAtHomeUnit(let m, _) = p.rule { m } else { nil } })
            return district.members.filter { $0.homeUnit != nil && !covered.contains($0.id) }.map { m in
                let unit = district.unit(m.homeUnit ?? "")?.name ?? (m.homeUnit ?? "")
                return "Chưa có đăng ký kiểm điểm của đồng chí \(m.name) tại \(unit) (quy định IV.5): buổi của Ban Thường vụ chỉ được xếp sau buổi đó."
            }
        }
        for (committee, member) in precedence.successors(of: request, among: open) where committee.week < request.week {
            let unit = district.unit(request.unitId)?.name ?? request.unitId
            throw ReviewError(
                .memberReviewFirst,
                "Buổi này không thể ở \(request.week.vietnamese): theo quy định IV.5, đồng chí \(member.name) kiểm điểm tại \(unit) trước khi Ban Thường vụ kiểm điểm tập thể, mà buổi của Ban Thường vụ (\(committee.id)) đăng ký ở \(committee.week.vietnamese). Chọn tuần không muộn hơn \(committee.week.vietnamese), hoặc liên hệ Văn phòng Huyện ủy.")
        }
        return []
    }
}

/// A registration as far as it can be prepared before its write takes its turn.
struct PreparedRegistration: Sendable {
    var checked: RegistrationRules.Checked
    var request: ReviewRequest
    /// The request's stored text.
    var text: String
    var audit: AuditEntry
    /// The answer's body when the write adds no warning.
    var answer: String
}
