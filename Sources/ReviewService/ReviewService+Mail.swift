import Foundation
import ICalKit
import ReviewCore
import ReviewStore

/// A published session's change, as a publish, a reschedule, a cancellation or a withdrawal makes it.
struct PublishedChange: Sendable {
    /// The request.
    var request: ReviewRequest
    /// What was published before, if anything.
    var before: PublishedSession?
    /// What is published now.
    var after: PublishedSession
}

/// Wakes the delivery worker of this process when messages are queued.
public final class OutboxBell: @unchecked Sendable {
    private let lock = NSLock()
    private var rung = false
    /// Marks that messages wait.
    public func ring() { lock.lock(); rung = true; lock.unlock() }
    /// Whether it was rung since the last ``take()``, leaving it so.
    public func peek() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return rung
    }
    /// Whether it was rung since the last call; clears it.
    public func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let was = rung
        rung = false
        return was
    }
}

extension ReviewService {
    /// Someone who receives e-mail about sessions: a member, a team (its leader) or a unit's contact.
    public struct MailRecipient: Sendable, Hashable {
        /// `member:m01`, `team:to-01`, `unit:cb-van-phong/ten@example.vn`.
        public var key: String
        /// The name in the address and the invitation's CN: "Phạm Minh Đức".
        public var name: String
        /// How the message greets them: "đồng chí Phạm Minh Đức".
        public var salutation: String
        /// The address.
        public var email: String
        /// What they receive.
        public var delivery: Delivery
        /// Their feed, for the link in a notice.
        var feedKind: FeedToken.Kind
        /// The feed's owner id.
        var feedSubject: String
    }

    /// What one change means to one recipient.
    enum NoticeKind: Sendable, Hashable {
        /// A session they attend from now on.
        case new
        /// A session they attend that changed (time, member, team, place or details).
        case changed
        /// A session cancelled.
        case cancelled
        /// A session they no longer attend (someone else does).
        case removed
    }

    /// Who must hear of each change and what: members and teams (the old one a cancellation, the new one an invitation
    /// when they differ), and the unit's contact. People without an address or with `delivery: none` are left out.
    func noticePlan(_ changes: [PublishedChange]) -> [(recipient: MailRecipient, items: [(change: PublishedChange, kind: NoticeKind)])] {
        var order: [String] = []
        var plan: [String: (MailRecipient, [(PublishedChange, NoticeKind)])] = [:]
        func add(_ recipient: MailRecipient?, _ change: PublishedChange, _ kind: NoticeKind) {
            guard let recipient, recipient.delivery != .none else { return }
            if plan[recipient.key] == nil {
                order.append(recipient.key)
                plan[recipient.key] = (recipient, [])
            }
            plan[recipient.key]?.1.append((change, kind))
        }
        for change in changes {
            let before = change.before.flatMap { $0.cancelled ? nil : $0.placement }
            let after = change.after.cancelled ? nil : change.after.placement
            guard before != nil || after != nil else { continue }
            let same: NoticeKind = after == nil ? .cancelled : before == nil ? .new : .changed
            // Members.
            if let old = before?.member, old == after?.member || after == nil {
                add(memberRecipient(old), change, same)
            } else {
                if let old = before?.member { add(memberRecipient(old), change, .removed) }
                if let new = after?.member { add(memberRecipient(new), change, .new) }
            }
            // Teams.
            if let old = before?.team, old == after?.team || after == nil {
                add(teamRecipient(old), change, same)
            } else {
                if let old = before?.team { add(teamRecipient(old), change, .removed) }
                if let new = after?.team { add(teamRecipient(new), change, .new) }
            }
            add(unitRecipient(change.request), change, same)
        }
        return order.compactMap { plan[$0] }.map { ($0.0, $0.1.map { (change: $0.0, kind: $0.1) }) }
    }

    func memberRecipient(_ id: String) -> MailRecipient? {
        guard let m = district.member(id), let email = m.email else { return nil }
        return MailRecipient(key: "member:\(id)", name: m.name, salutation: "đồng chí \(m.name)", email: email, delivery: m.delivery, feedKind: .member, feedSubject: id)
    }

    func teamRecipient(_ id: String) -> MailRecipient? {
        guard let t = district.team(id), let email = t.email else { return nil }
        return MailRecipient(
            key: "team:\(id)", name: "\(t.leader) – \(t.name)", salutation: "đồng chí \(t.leader), tổ trưởng \(t.name)", email: email, delivery: t.delivery, feedKind: .team, feedSubject: id)
    }

    func unitRecipient(_ r: ReviewRequest) -> MailRecipient? {
        guard let email = r.contactEmail, let unit = district.unit(r.unitId) else { return nil }
        let name = r.contactName.map { $0 == unit.name || $0.hasSuffix(unit.name) ? $0 : "\($0) – \(unit.name)" } ?? unit.name
        return MailRecipient(
            key: "unit:\(unit.id)/\(email.lowercased())", name: name, salutation: r.contactName.map { $0.hasSuffix(unit.name) ? $0 : "\($0), \(unit.name)" } ?? unit.name, email: email, delivery: unit.delivery, feedKind: .unit, feedSubject: unit.id)
    }

    /// The people a publish of the week's proposal would write to now: "N người sẽ được báo".
    public func pendingRecipients(week: ISOWeek) async throws -> [MailRecipient] {
        guard district.mail != nil else { return [] }
        let (sessions, requests) = try await store.read { tx in
            (try await tx.sessions(district: self.district.id, week: week), try await tx.requests(district: self.district.id, week: week))
        }
        return pendingRecipients(sessions: sessions, requests: requests)
    }

    /// The people a publish of these sessions' proposals would write to now (no reading: the week board has them).
    func pendingRecipients(sessions: [Session], requests: [ReviewRequest]) -> [MailRecipient] {
        guard district.mail != nil else { return [] }
        let byId = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        var changes: [PublishedChange] = []
        for s in sessions {
            guard let r = byId[s.requestId] else { continue }
            let before = s.published
            if let proposal = s.proposal {
                if before == nil || before?.placement != proposal || before?.cancelled == true {
                    changes.append(PublishedChange(request: r, before: before, after: PublishedSession(placement: proposal, cancelled: false, sequence: 0, lastModified: .distantPast)))
                }
            } else if let p = before, !p.cancelled {
                changes.append(PublishedChange(request: r, before: before, after: PublishedSession(placement: p.placement, cancelled: true, sequence: 0, lastModified: .distantPast)))
            }
        }
        return noticePlan(changes).map(\.recipient)
    }

    /// Queues, in the caller's transaction, one message per person for everything `changes` changed for them, and
    /// records each event's new state so that the feeds show the SEQUENCE the invitations carry. Returns the number
    /// queued; none when the district has no `mail` settings or nobody concerned has an address.
    func queueMail(_ changes: [PublishedChange], cause: String, week: ISOWeek?, now: Date, tx: StoreTransaction) async throws -> Int {
        guard let settings = district.mail, !changes.isEmpty else { return 0 }
        let plan = noticePlan(changes)
        guard !plan.isEmpty else { return 0 }
        // Each session's event as every feed will show it from now on.
        let states = try await tx.feedItems(district: district.id)
        var recorded: [String: FeedItemState] = [:]
        var events: [String: FeedEvent] = [:]
        for change in changes {
            let draft = sessionEvent(change.request, change.after)
            let item = "event:" + draft.uid
            let (event, state) = Self.tracked(draft, known: recorded[item] ?? states[item], now: now)
            if let state { recorded[item] = state }
            events[change.request.id] = event
        }
        if !recorded.isEmpty { try await tx.saveFeedItems(district: district.id, recorded) }
        let links = try await feedURLs(tx: tx)
        let batch = Secrets.identifier(prefix: "pb-", length: 10)
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "reviewcal.invalid"
        var queued = 0
        for (recipient, items) in plan {
            let id = Secrets.identifier(prefix: "ob-", length: 12)
            let messageID = "\(id).\(district.id)@\(domain)"
            var calendars: [(method: String, bytes: [UInt8])] = []
            if recipient.delivery == .invitation {
                for (change, kind) in items {
                    guard let event = events[change.request.id] else { continue }
                    let (method, sent) = invitationEvent(event, change: change, kind: kind)
                    let bytes = try InvitationRenderer.render(
                        sent, method: method, organizer: .init(name: settings.name, email: settings.from),
                        attendee: .init(name: recipient.name, email: recipient.email))
                    calendars.append((method.rawValue, bytes))
                }
            }
            let lines = items.map { noticeLines($0.change, $0.kind) }
            let subject = mailSubject(items, cause: cause)
            let text = mailText(recipient, lines: lines, cause: cause, link: links["\(recipient.feedKind.rawValue)/\(recipient.feedSubject)"], settings: settings)
            let message = MailComposer.compose(
                from: .init(name: settings.name, address: settings.from), to: .init(name: recipient.name, address: recipient.email), subject: subject,
                date: now, messageID: messageID, text: text, calendars: calendars)
            try await tx.insertOutbox(OutboxMessage(
                id: id, districtId: district.id, batch: batch, week: week, createdAt: now, person: recipient.key, recipient: recipient.email,
                recipientName: recipient.name, delivery: recipient.delivery, cause: cause,
                summary: lines.map { $0.first ?? "" }.joined(separator: "\n"), subject: subject, messageId: messageID, message: message))
            queued += 1
        }
        ServiceMetrics.mailQueued(district: district.id, count: queued)
        return queued
    }

    /// The live feed URL of every feed (`member/m01` → `https://…/feeds/members/…/….ics`), when the server's address
    /// and feed key are known.
    private func feedURLs(tx: StoreTransaction) async throws -> [String: String] {
        guard let publicURL, let feedKey else { return [:] }
        var links: [String: String] = [:]
        for t in try await tx.feedTokens(district: district.id) where t.revokedAt == nil {
            let file = Slug.make(ownerName(kind: t.kind, subject: t.subject)) + ".ics"
            let token = feedKey.token(district: district.id, kind: t.kind, subject: t.subject, generation: t.generation)
            links["\(t.kind.rawValue)/\(t.subject)"] = "\(publicURL)/feeds/\(Self.segment(t.kind))/\(token)/\(file)"
        }
        return links
    }

    /// The iTIP method and event sent for a change: the feed's event for an invitation or a cancellation, and for
    /// someone who no longer attends, the session as they knew it, cancelled for them, with the same UID and SEQUENCE.
    private func invitationEvent(_ event: FeedEvent, change: PublishedChange, kind: NoticeKind) -> (InvitationRenderer.Method, FeedEvent) {
        switch kind {
        case .new, .changed:
            return (.request, event)
        case .cancelled:
            return (.cancel, event)
        case .removed:
            guard let old = change.before else { return (.cancel, event) }
            var gone = sessionEvent(change.request, PublishedSession(placement: old.placement, cancelled: false, sequence: event.sequence, lastModified: event.lastModified))
            let unit = district.unit(change.request.unitId)?.name ?? change.request.unitId
            gone.summary = "Không còn dự: Kiểm điểm \(unit)"
            gone.description = ([replacementText(change)] + (Self.changeReason(change.request, change.after).map { ["Lý do: \($0)"] } ?? [])
                + (gone.description.map { [$0] } ?? [])).joined(separator: "\n")
            gone.sequence = event.sequence
            gone.lastModified = event.lastModified
            return (.cancel, gone)
        }
    }

    /// "Đ/c Lê Quang Vinh dự thay." for someone moved off a session.
    private func replacementText(_ change: PublishedChange) -> String {
        guard !change.after.cancelled else { return "Buổi kiểm điểm đã hủy." }
        let now = change.after.placement, old = change.before?.placement
        var parts: [String] = []
        if now.member != old?.member {
            parts.append(now.member.flatMap { district.member($0) }.map { "đồng chí \($0.name) dự thay" } ?? "chưa phân công Ủy viên dự thay")
        }
        if now.team != old?.team { parts.append("\(district.team(now.team)?.name ?? now.team) theo dõi thay") }
        return "Phân công mới: " + (parts.isEmpty ? "đã đổi" : parts.joined(separator: "; ")) + "."
    }

    /// "07:30–11:30 sáng thứ Ba 15/12/2026".
    func whenText(_ p: Placement) -> String {
        "\(p.start.time)–\(p.end.time) \(Self.partOfDay(p.start)) \(p.start.date.vietnameseWeekday.lowercasedFirst) \(p.start.date.vietnamese)"
    }

    /// The lines telling one change: a headline, then the details.
    func noticeLines(_ change: PublishedChange, _ kind: NoticeKind) -> [String] {
        let r = change.request
        let unit = district.unit(r.unitId)?.name ?? r.unitId
        let now = change.after.placement
        let old = change.before.flatMap { $0.cancelled ? nil : $0.placement }
        let reason = Self.changeReason(r, change.after)
        let place = district.location(r.location).map { l in [l.name, l.address].compactMap { $0 }.joined(separator: ", ") } ?? r.location
        func who(_ p: Placement) -> String {
            let member = p.member.flatMap { district.member($0) }.map { "đồng chí \($0.name)" } ?? "chưa phân công"
            return "Ủy viên dự: \(member); \(district.team(p.team)?.name ?? p.team)"
        }
        var lines: [String]
        switch kind {
        case .new:
            lines = ["MỜI DỰ: Kiểm điểm \(unit) (\(r.kind.vietnamese.lowercasedFirst)), \(whenText(now))", "Địa điểm: \(place)", who(now)]
            if let old, old.start != now.start || old.end != now.end { lines.append("Buổi này chuyển từ \(whenText(old)).") }
        case .changed:
            lines = ["ĐỔI LỊCH: Kiểm điểm \(unit), \(whenText(now))"]
            if let old, old.start != now.start || old.end != now.end { lines.append("Thời gian: chuyển từ \(whenText(old)) sang \(whenText(now)).") }
            if let old, old.member != now.member {
                let from = old.member.flatMap { district.member($0) }.map { "đồng chí \($0.name)" } ?? "chưa phân công"
                let to = now.member.flatMap { district.member($0) }.map { "đồng chí \($0.name)" } ?? "chưa phân công"
                lines.append("Ủy viên dự: \(to) (thay \(from)).")
            }
            if let old, old.team != now.team {
                lines.append("Tổ công tác: \(district.team(now.team)?.name ?? now.team) (thay \(district.team(old.team)?.name ?? old.team)).")
            }
            if lines.count == 1 { lines.append("Nội dung buổi có thay đổi (xem chi tiết trong lịch).") }
            lines.append("Địa điểm: \(place)")
        case .cancelled:
            lines = ["HỦY: Kiểm điểm \(unit), \(whenText(old ?? now))"]
        case .removed:
            lines = ["KHÔNG CÒN DỰ: Kiểm điểm \(unit), \(whenText(old ?? now))", replacementText(change)]
        }
        if let reason { lines.append("Lý do: \(reason)") }
        return lines
    }

    /// One headline for one change, else the count and the cause.
    func mailSubject(_ items: [(change: PublishedChange, kind: NoticeKind)], cause: String) -> String {
        guard items.count == 1, let only = items.first else { return "Lịch kiểm điểm: \(items.count) thay đổi – \(cause)" }
        let unit = district.unit(only.change.request.unitId)?.name ?? only.change.request.unitId
        let p = only.kind == .new || only.kind == .changed ? only.change.after.placement : (only.change.before?.placement ?? only.change.after.placement)
        let when = "\(Self.partOfDay(p.start)) \(p.start.date.vietnameseWeekday.lowercasedFirst) \(p.start.date.vietnameseDayMonth) (\(p.start.time))"
        let head: String =
            switch only.kind {
            case .new: "Mời dự"
            case .changed: "Đổi lịch"
            case .cancelled: "Hủy"
            case .removed: "Không còn dự"
            }
        return "\(head): kiểm điểm \(unit), \(when)"
    }

    /// The text part: greeting, every change, what to do, and who sent it.
    func mailText(_ recipient: MailRecipient, lines: [[String]], cause: String, link: String?, settings: MailSettings) -> String {
        var text = "Kính gửi \(recipient.salutation),\n\n"
        let whose = recipient.key.hasPrefix("unit:") ? "đơn vị" : recipient.key.hasPrefix("team:") ? "tổ" : "đồng chí"
        text += "\(settings.name) báo lịch kiểm điểm \(lines.count == 1 ? "có một thay đổi" : "có \(lines.count) thay đổi") liên quan đến \(whose) (\(cause)):\n"
        for (i, item) in lines.enumerated() {
            text += "\n\(i + 1). \(item[0])\n"
            for line in item.dropFirst() { text += "   \(line)\n" }
        }
        text += "\n"
        if recipient.delivery == .invitation {
            text += "Thư kèm lời mời lịch (invite.ics): Gmail, Outlook, Apple Mail và ứng dụng lịch trên điện thoại đưa buổi vào lịch, đổi giờ hoặc xóa buổi đã hủy ngay khi thư đến.\n"
        } else if let link {
            text += "Lịch đã đăng ký trên điện thoại tự cập nhật sau ít giờ; muốn xem ngay, mở đường dẫn lịch:\n\(link)\n"
        } else {
            text += "Lịch đã đăng ký trên điện thoại tự cập nhật sau ít giờ theo đường dẫn lịch Văn phòng đã gửi.\n"
        }
        text += "\n--\n\(settings.name)\nThư gửi tự động từ hệ thống lịch kiểm điểm; cần trao đổi, xin liên hệ \(settings.from).\n"
        return text
    }

    // MARK: Delivery

    /// What one round of delivery did.
    public struct DeliveryRound: Sendable, Equatable {
        /// Messages handed to the mail system.
        public var sent = 0
        /// Messages that failed and wait for another attempt.
        public var retrying = 0
        /// Messages given up (marked failed).
        public var failed = 0
        /// It stopped after its last round with messages still due: the caller should deliver again at once rather
        /// than wait for its next poll.
        public var more = false
        /// Creates a count.
        public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, more: Bool = false) {
            self.sent = sent
            self.retrying = retrying
            self.failed = failed
            self.more = more
        }
    }

    /// Delivers every message due now through `transport`, `concurrency` at a time, until none is due. Each is claimed
    /// first (under the district's write lock, so that another server never takes it too) for `lease` seconds; a
    /// failure waits `retryAfter` seconds, doubled with each attempt up to 30 minutes, until the district's
    /// `giveUpHours` since it was queued, then it is marked failed. A message sent but not marked (the server stopped
    /// in between) is sent again after its lease, with the same Message-ID. After `maxRounds` rounds it returns with
    /// ``DeliveryRound/more`` set if the last round still found messages.
    public func deliverOutbox(
        transport: any MailTransport, instance: String, retryAfter: Double = 30, lease: Double = 300, concurrency: Int = 4, maxRounds: Int = 1000,
        keepGoing: @Sendable () -> Bool = { true }
    ) async throws -> DeliveryRound {
        let giveUp = Double(district.mail?.giveUpHours ?? 24) * 3600
        var total = DeliveryRound(more: maxRounds > 0)
        for _ in 0..<maxRounds {
            if Task.isCancelled || !keepGoing() {
                total.more = false
                break
            }
            let now = clock.now()
            let claimed = try await store.write(serializedOn: district.id) { tx in
                try await tx.claimOutbox(
                    district: self.district.id, instance: instance, now: now, leaseUntil: now.addingTimeInterval(lease), limit: max(1, concurrency) * 4)
            }
            if claimed.isEmpty {
                total.more = false
                break
            }
            var outcomes: [(OutboxMessage, String?)] = []
            await withTaskGroup(of: (OutboxMessage, String?).self) { group in
                var next = 0
                func start() {
                    guard next < claimed.count else { return }
                    let m = claimed[next]
                    next += 1
                    group.addTask {
                        do {
                            try await transport.send(Array(m.message.utf8))
                            return (m, nil)
                        } catch {
                            return (m, "\(error)")
                        }
                    }
                }
                for _ in 0..<max(1, concurrency) { start() }
                for await outcome in group {
                    outcomes.append(outcome)
                    start()
                }
            }
            let finished = clock.now()
            let round = try await store.write(serializedOn: district.id) { tx in
                var round = DeliveryRound()
                for (m, error) in outcomes {
                    if let error {
                        let delay = min(retryAfter * pow(2, Double(max(0, m.attempts - 1))), 1800)
                        let stop = finished.timeIntervalSince(m.createdAt) + delay > giveUp
                        try await tx.markOutboxFailed(
                            id: m.id, district: self.district.id, instance: instance, error: error, retryAt: finished.addingTimeInterval(delay), giveUp: stop)
                        if stop { round.failed += 1 } else { round.retrying += 1 }
                    } else if try await tx.markOutboxSent(id: m.id, district: self.district.id, instance: instance, at: finished) {
                        round.sent += 1
                    }
                }
                return round
            }
            for _ in 0..<round.sent { ServiceMetrics.mailAttempt(district: district.id, outcome: "sent") }
            for _ in 0..<round.retrying { ServiceMetrics.mailAttempt(district: district.id, outcome: "retry") }
            for _ in 0..<round.failed { ServiceMetrics.mailAttempt(district: district.id, outcome: "failed") }
            for (m, error) in outcomes where error != nil {
                logger.warning("mail to \(m.recipient) (\(m.id)) not delivered: \(error ?? "")", metadata: ["district": .string(district.id)])
            }
            total.sent += round.sent
            total.retrying += round.retrying
            total.failed += round.failed
        }
        return total
    }

    /// The district's messages, newest first (of one week or status when given).
    public func outbox(week: ISOWeek? = nil, status: OutboxMessage.Status? = nil, limit: Int = 1000) async throws -> [OutboxMessage] {
        try await store.read { tx in try await tx.outbox(district: self.district.id, week: week, status: status, limit: limit) }
    }

    /// One message.
    public func outboxMessage(id: String) async throws -> OutboxMessage {
        guard let m = try await store.read({ tx in try await tx.outboxMessage(id: id, district: self.district.id) }) else {
            throw ReviewError(.notFound, "Không có thư '\(Text.clip(id))' trong hộp thư đi. Xem: reviewcal outbox list")
        }
        return m
    }

    /// Queues messages again for an attempt now (the office's "send again"), with the same Message-ID; refused for one
    /// being sent this moment.
    public func resendOutbox(ids: [String], by actor: String) async throws {
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            for id in ids {
                guard let m = try await tx.outboxMessage(id: id, district: self.district.id) else {
                    throw ReviewError(.notFound, "Không có thư '\(Text.clip(id))' trong hộp thư đi. Xem: reviewcal outbox list")
                }
                guard try await tx.requeueOutbox(id: id, district: self.district.id, now: now) else {
                    throw ReviewError(.mailSending, "Thư gửi \(m.recipient) đang được gửi; chờ một lát rồi xem lại.")
                }
                try await tx.audit(self.auditEntry(
                    actor: actor, action: "mail.resend", entity: "mail", id: id, before: "\"\(m.status.rawValue)\"", after: "\"queued\""))
            }
        }
        outboxBell.ring()
    }

    /// How the messages of the week's last publish stand: sent of all, failed, waiting.
    public func lastPublishDelivery(week: ISOWeek) async throws -> (sent: Int, total: Int, failed: Int)? {
        guard let last = try await lastOutboxBatch(week: week) else { return nil }
        return (last.sent, last.total, last.failed)
    }
}
