import Foundation
import ReviewCore
import SQLKit

/// How the messages of one batch (one publish, reschedule, cancellation or withdrawal) stand, counted without
/// reading their bodies.
public struct OutboxBatchSummary: Sendable, Hashable {
    /// The batch.
    public var batch: String
    /// Why it was sent ("Công bố lịch tuần 50/2026 (07/12–13/12/2026)").
    public var cause: String
    /// When it was queued.
    public var createdAt: Date
    /// How many messages stand in each state.
    public var counts: [OutboxMessage.Status: Int]

    /// Every message of the batch.
    public var total: Int { counts.values.reduce(0, +) }
    /// Handed to the mail system.
    public var sent: Int { counts[.sent] ?? 0 }
    /// Given up.
    public var failed: Int { counts[.failed] ?? 0 }
    /// Still to be sent (queued or being sent).
    public var waiting: Int { (counts[.queued] ?? 0) + (counts[.sending] ?? 0) }

    /// Creates a summary.
    public init(batch: String, cause: String, createdAt: Date, counts: [OutboxMessage.Status: Int]) {
        self.batch = batch
        self.cause = cause
        self.createdAt = createdAt
        self.counts = counts
    }
}

extension StoreTransaction {
    /// How many messages of the district (of one week, when given) stand in each state.
    public func outboxCounts(district: String, week: ISOWeek?) async throws -> [OutboxMessage.Status: Int] {
        guard let week else { return try await outboxCounts(district: district) }
        var counts: [OutboxMessage.Status: Int] = [:]
        let rows = try await db.raw("""
            SELECT status, COUNT(*) AS n FROM outbox WHERE district_id = \(bind: district) AND week = \(bind: week.iso) GROUP BY status
            """).all()
        for row in rows {
            if let status = OutboxMessage.Status(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// The newest batch of the week's messages, counted by state, or nil when nothing was ever queued about the week.
    /// Two statements that never read a message's body: the newest row by the week's index, then the batch's states.
    public func lastOutboxBatch(district: String, week: ISOWeek) async throws -> OutboxBatchSummary? {
        // Every message of a batch has the batch's time; two batches never share a millisecond in practice, and
        // ordering by the index alone keeps this one row read.
        guard let head = try await db.raw("""
            SELECT batch, cause, created_at FROM outbox WHERE district_id = \(bind: district) AND week = \(bind: week.iso)
            ORDER BY created_at DESC LIMIT 1
            """).all().first
        else { return nil }
        let batch = try head.decode(column: "batch", as: String.self)
        guard let created = Timestamp.date(try head.decode(column: "created_at", as: String.self)) else {
            throw StoreError.corruptRow(table: "outbox", id: batch)
        }
        var counts: [OutboxMessage.Status: Int] = [:]
        let rows = try await db.raw("""
            SELECT status, COUNT(*) AS n FROM outbox WHERE district_id = \(bind: district) AND batch = \(bind: batch) GROUP BY status
            """).all()
        for row in rows {
            if let status = OutboxMessage.Status(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return OutboxBatchSummary(batch: batch, cause: try head.decode(column: "cause", as: String.self), createdAt: created, counts: counts)
    }

    /// How many messages are due at `now`: queued ones whose next attempt has come, and claimed ones whose lease ended
    /// (as ``claimOutbox(district:instance:now:leaseUntil:limit:)`` would take them).
    public func outboxDueCount(district: String, now: Date) async throws -> Int {
        let at = Timestamp.string(now)
        let rows = try await db.raw("""
            SELECT COUNT(*) AS n FROM outbox WHERE district_id = \(bind: district)
              AND ((status = 'queued' AND next_attempt_at <= \(bind: at)) OR (status = 'sending' AND claimed_until <= \(bind: at)))
            """).all()
        return try rows.first?.decode(column: "n", as: Int.self) ?? 0
    }
}
