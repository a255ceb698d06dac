import Foundation
import ReviewCore
import ReviewStore

/// What the office sees of the outbox: counts, the week board's line about e-mail, resending everything that failed,
/// and one delivery run from the command line.
extension ReviewService {
    /// What the week board says about e-mail beside its publish button.
    public struct WeekMail: Sendable {
        /// Whether the district has `mail` settings (else no message is ever queued).
        public var configured: Bool
        /// The people a publish of the proposal would write to now.
        public var pending: [MailRecipient]
        /// The newest batch of the week's messages (a publish, or a reschedule or cancellation since), if any.
        public var last: OutboxBatchSummary?
    }

    /// The board's e-mail line: who a publish would write to (from the board itself) and how the week's newest batch
    /// of messages stands (one read, counting without the messages' bodies).
    public func weekMail(board: WeekBoard) async throws -> WeekMail {
        guard district.mail != nil else { return WeekMail(configured: false, pending: [], last: nil) }
        let pending = board.changes.isEmpty ? [] : pendingRecipients(board: board)
        let last = try await lastOutboxBatch(week: board.week)
        return WeekMail(configured: true, pending: pending, last: last)
    }

    /// The people a publish of the board's proposal would write to now.
    public func pendingRecipients(board: WeekBoard) -> [MailRecipient] {
        pendingRecipients(sessions: board.rows.compactMap(\.session), requests: board.rows.map(\.request))
    }

    /// The newest batch of the week's messages, counted by state.
    public func lastOutboxBatch(week: ISOWeek) async throws -> OutboxBatchSummary? {
        try await store.read { tx in try await tx.lastOutboxBatch(district: self.district.id, week: week) }
    }

    /// How many of the district's messages (of one week, when given) stand in each state.
    public func outboxCounts(week: ISOWeek? = nil) async throws -> [OutboxMessage.Status: Int] {
        try await store.read { tx in try await tx.outboxCounts(district: self.district.id, week: week) }
    }

    /// Queues again every message marked failed (of one week, when given), for an attempt now with the same
    /// Message-ID; each is audited as `mail.resend`. Returns the messages queued again (none when nothing failed).
    public func resendFailedOutbox(week: ISOWeek? = nil, by actor: String) async throws -> [OutboxMessage] {
        let failed = try await outbox(week: week, status: .failed, limit: 100_000)
        guard !failed.isEmpty else { return [] }
        try await resendOutbox(ids: failed.map(\.id), by: actor)
        return failed
    }

    /// Delivers once every message due now, as a server's round does, for a setup without a running server (or from
    /// cron): each message due when it starts is attempted once, not again within the same run, whatever
    /// `retryAfter` is.
    public func deliverDueOutbox(transport: any MailTransport, instance: String, retryAfter: Double = 30, concurrency: Int = 4) async throws
        -> DeliveryRound
    {
        let now = clock.now()
        let due = try await store.read { tx in try await tx.outboxDueCount(district: self.district.id, now: now) }
        guard due > 0 else { return DeliveryRound() }
        // deliverOutbox claims up to 4 × concurrency a round, the longest due first: these rounds take every message
        // due now, and a failed one waits at least until after them.
        let perRound = max(1, concurrency) * 4
        return try await deliverOutbox(
            transport: transport, instance: instance, retryAfter: retryAfter, concurrency: concurrency, maxRounds: (due + perRound - 1) / perRound)
    }
}

extension OutboxMessage {
    /// Where the message stands, in Vietnamese, with its attempts: "Đã gửi lúc 07/12/2026 10:21",
    /// "Đang chờ gửi lại (đã thử 2 lần; lần sau lúc 10:25 07/12)", "Gửi không được (đã thử 9 lần)".
    public func stateText(zone: CampaignZone) -> String {
        let tried = attempts == 0 ? "chưa thử lần nào" : "đã thử \(attempts) lần"
        switch status {
        case .queued:
            guard attempts > 0 else { return status.vietnamese }
            let next = zone.local(nextAttemptAt).dateTime
            return "Đang chờ gửi lại (\(tried); lần sau lúc \(next.time) \(next.date.vietnameseDayMonth))"
        case .sending:
            return "\(status.vietnamese) (lần thử thứ \(attempts))"
        case .sent:
            let at = sentAt.map { " lúc \(Self.timeText($0, zone: zone))" } ?? ""
            return "\(status.vietnamese)\(at)" + (attempts > 1 ? " (sau \(attempts) lần thử)" : "")
        case .failed:
            return "\(status.vietnamese) (\(tried))"
        }
    }

    /// The summary's lines.
    public var summaryLines: [String] { summary.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// Whether the office's page offers to send it again: waiting or given up (a sent one is sent again only by id from
    /// the command line, one being handed to the mail system this moment never).
    public var canResend: Bool { status == .queued || status == .failed }

    /// "07/12/2026 10:21" in the campaign's zone.
    public static func timeText(_ date: Date, zone: CampaignZone) -> String {
        let local = zone.local(date).dateTime
        return "\(local.date.vietnamese) \(local.time)"
    }
}
