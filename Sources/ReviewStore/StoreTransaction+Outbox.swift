import Foundation
import ReviewCore
import SQLKit

/// One e-mail of the outbox.
public struct OutboxMessage: Sendable, Hashable, Codable {
    /// Where a message stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for its first or next attempt.
        case queued
        /// Claimed by a server that is handing it to the mail system (until its lease ends).
        case sending
        /// Handed to the mail system.
        case sent
        /// Given up after the configured time; the office may send it again.
        case failed

        /// The state in Vietnamese.
        public var vietnamese: String {
            switch self {
            case .queued: "Đang chờ gửi"
            case .sending: "Đang gửi"
            case .sent: "Đã gửi"
            case .failed: "Gửi không được"
            }
        }
    }

    /// Identifier, e.g. `ob-3k9x…`.
    public var id: String
    /// The district.
    public var districtId: String
    /// The change that caused it: every message of one publish has the same batch.
    public var batch: String
    /// The week concerned, when one.
    public var week: ISOWeek?
    /// When it was queued.
    public var createdAt: Date
    /// Whose it is: `member:m01`, `team:to-01`, `unit:cb-van-phong/ten@example.vn`.
    public var person: String
    /// The address.
    public var recipient: String
    /// The recipient's name.
    public var recipientName: String
    /// `invitation` or `notice`.
    public var delivery: Delivery
    /// Why it was sent, in Vietnamese ("Công bố lịch tuần 50/2026").
    public var cause: String
    /// The changes it tells, one per line, in Vietnamese.
    public var summary: String
    /// The subject, as read.
    public var subject: String
    /// The Message-ID, without angle brackets: the same on every attempt.
    public var messageId: String
    /// The whole RFC 5322 message (7-bit ASCII, CRLF).
    public var message: String
    /// Where it stands.
    public var status: Status
    /// Attempts made so far.
    public var attempts: Int
    /// When the next attempt is due (queued), or the lease of the server sending it ends (sending).
    public var nextAttemptAt: Date
    /// The server that claimed it last.
    public var claimedBy: String?
    /// The last error, in the words of the mail system.
    public var lastError: String?
    /// When it was handed to the mail system.
    public var sentAt: Date?

    /// Creates a queued message.
    public init(
        id: String, districtId: String, batch: String, week: ISOWeek?, createdAt: Date, person: String, recipient: String, recipientName: String,
        delivery: Delivery, cause: String, summary: String, subject: String, messageId: String, message: String
    ) {
        self.id = id
        self.districtId = districtId
        self.batch = batch
        self.week = week
        self.createdAt = createdAt
        self.person = person
        self.recipient = recipient
        self.recipientName = recipientName
        self.delivery = delivery
        self.cause = cause
        self.summary = summary
        self.subject = subject
        self.messageId = messageId
        self.message = message
        status = .queued
        attempts = 0
        nextAttemptAt = createdAt
        claimedBy = nil
        lastError = nil
        sentAt = nil
    }
}

extension StoreTransaction {
    // MARK: Outbox

    /// Queues a message (in the transaction of the change that causes it).
    public func insertOutbox(_ m: OutboxMessage) async throws {
        try await db.raw("""
            INSERT INTO outbox (id, district_id, batch, week, created_at, person, recipient, recipient_name, delivery, cause, summary, subject,
                message_id, message, status, attempts, next_attempt_at, claimed_by, claimed_until, last_error, sent_at)
            VALUES (\(bind: m.id), \(bind: m.districtId), \(bind: m.batch), \(bind: m.week?.iso), \(bind: Timestamp.string(m.createdAt)),
                \(bind: m.person), \(bind: m.recipient), \(bind: m.recipientName), \(bind: m.delivery.rawValue), \(bind: m.cause), \(bind: m.summary),
                \(bind: m.subject), \(bind: m.messageId), \(bind: m.message), \(bind: m.status.rawValue), \(bind: m.attempts),
                \(bind: Timestamp.string(m.nextAttemptAt)), NULL, NULL, NULL, NULL)
            """).run()
    }

    /// Claims up to `limit` messages due at `now` for `instance` until `leaseUntil`: queued ones whose next attempt is
    /// due, and ones another server claimed but never marked (it stopped between claiming and marking) whose lease
    /// ended. Run inside the district's serialised write, so that two servers never claim the same message.
    public func claimOutbox(district: String, instance: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [OutboxMessage] {
        let at = Timestamp.string(now)
        let rows = try await db.raw("""
            SELECT * FROM outbox WHERE district_id = \(bind: district)
              AND ((status = 'queued' AND next_attempt_at <= \(bind: at)) OR (status = 'sending' AND claimed_until <= \(bind: at)))
            ORDER BY next_attempt_at, id LIMIT \(unsafeRaw: String(max(1, limit)))
            """).all()
        var claimed: [OutboxMessage] = []
        for row in rows {
            var m = try Self.outboxMessage(row: row)
            try await db.raw("""
                UPDATE outbox SET status = 'sending', claimed_by = \(bind: instance), claimed_until = \(bind: Timestamp.string(leaseUntil)),
                    attempts = attempts + 1
                WHERE id = \(bind: m.id) AND district_id = \(bind: district)
                """).run()
            m.status = .sending
            m.claimedBy = instance
            m.attempts += 1
            m.nextAttemptAt = leaseUntil
            claimed.append(m)
        }
        return claimed
    }

    /// Marks a claimed message sent; false when `instance` no longer holds it (its lease ended and another server took it).
    @discardableResult
    public func markOutboxSent(id: String, district: String, instance: String, at: Date) async throws -> Bool {
        guard let m = try await outboxMessage(id: id, district: district), m.status == .sending, m.claimedBy == instance else { return false }
        try await db.raw("""
            UPDATE outbox SET status = 'sent', sent_at = \(bind: Timestamp.string(at)), claimed_until = NULL, last_error = NULL
            WHERE id = \(bind: id) AND district_id = \(bind: district)
            """).run()
        return true
    }

    /// Records a failed attempt: the message waits until `retryAt`, or is marked failed when `giveUp`.
    public func markOutboxFailed(id: String, district: String, instance: String, error: String, retryAt: Date, giveUp: Bool) async throws {
        guard let m = try await outboxMessage(id: id, district: district), m.status == .sending, m.claimedBy == instance else { return }
        try await db.raw("""
            UPDATE outbox SET status = \(bind: giveUp ? "failed" : "queued"), next_attempt_at = \(bind: Timestamp.string(retryAt)),
                claimed_until = NULL, last_error = \(bind: String(error.prefix(2000)))
            WHERE id = \(bind: id) AND district_id = \(bind: district)
            """).run()
    }

    /// Queues a message again for an attempt now (the office's "send again"): any message not being sent.
    public func requeueOutbox(id: String, district: String, now: Date) async throws -> Bool {
        guard let m = try await outboxMessage(id: id, district: district), m.status != .sending else { return false }
        try await db.raw("""
            UPDATE outbox SET status = 'queued', next_attempt_at = \(bind: Timestamp.string(now)), claimed_until = NULL
            WHERE id = \(bind: id) AND district_id = \(bind: district)
            """).run()
        return true
    }

    /// One message.
    public func outboxMessage(id: String, district: String) async throws -> OutboxMessage? {
        try await db.raw("SELECT * FROM outbox WHERE id = \(bind: id) AND district_id = \(bind: district)").all().first.map(Self.outboxMessage(row:))
    }

    /// The district's messages, newest first: of one week, one batch or one status when given, at most `limit`.
    public func outbox(district: String, week: ISOWeek? = nil, batch: String? = nil, status: OutboxMessage.Status? = nil, limit: Int = 1000) async throws
        -> [OutboxMessage]
    {
        var query = SQLQueryString("SELECT * FROM outbox WHERE district_id = \(bind: district)")
        if let week { query.appendInterpolation(unsafeRaw: " AND week = "); query.appendInterpolation(bind: week.iso) }
        if let batch { query.appendInterpolation(unsafeRaw: " AND batch = "); query.appendInterpolation(bind: batch) }
        if let status { query.appendInterpolation(unsafeRaw: " AND status = "); query.appendInterpolation(bind: status.rawValue) }
        query.appendInterpolation(unsafeRaw: " ORDER BY created_at DESC, id LIMIT \(max(1, limit))")
        return try await db.raw(query).all().map(Self.outboxMessage(row:))
    }

    /// How many messages of the district stand in each state.
    public func outboxCounts(district: String) async throws -> [OutboxMessage.Status: Int] {
        var counts: [OutboxMessage.Status: Int] = [:]
        for row in try await db.raw("SELECT status, COUNT(*) AS n FROM outbox WHERE district_id = \(bind: district) GROUP BY status").all() {
            if let status = OutboxMessage.Status(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    private static func outboxMessage(row: any SQLRow) throws -> OutboxMessage {
        let id = try row.decode(column: "id", as: String.self)
        func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
        func optional(_ c: String) throws -> String? { try row.decodeNil(column: c) ? nil : try text(c) }
        guard let created = Timestamp.date(try text("created_at")), let next = Timestamp.date(try text("next_attempt_at")),
            let delivery = Delivery(rawValue: try text("delivery")), let status = OutboxMessage.Status(rawValue: try text("status"))
        else { throw StoreError.corruptRow(table: "outbox", id: id) }
        var m = OutboxMessage(
            id: id, districtId: try text("district_id"), batch: try text("batch"), week: try optional("week").flatMap(ISOWeek.init(iso:)),
            createdAt: created, person: try text("person"), recipient: try text("recipient"), recipientName: try text("recipient_name"),
            delivery: delivery, cause: try text("cause"), summary: try text("summary"), subject: try text("subject"),
            messageId: try text("message_id"), message: try text("message"))
        m.status = status
        m.attempts = try row.decode(column: "attempts", as: Int.self)
        m.nextAttemptAt = status == .sending ? (try optional("claimed_until").flatMap(Timestamp.date) ?? next) : next
        m.claimedBy = try optional("claimed_by")
        m.lastError = try optional("last_error")
        m.sentAt = try optional("sent_at").flatMap(Timestamp.date)
        return m
    }
}
