import Foundation
import ReviewCore
import ReviewStore

/// One batch week as the office works on it: the requests, the proposal by day and half-day, what is left out and
/// why, and what publishing would change. Built by ``ReviewService/weekBoard(week:)``; the week page, the printed
/// schedule, the CSV export and `reviewcal schedule show` all read it.
public struct WeekBoard: Sendable {
    /// The week.
    public var week: ISOWeek
    /// A fingerprint of everything stored about the week: a save made with an older one is refused, so that two
    /// clerks never overwrite each other silently.
    public var version: String
    /// When registration for the week closes (local).
    public var closes: LocalDateTime
    /// Whether the week still takes registrations now.
    public var isOpen: Bool
    /// Every request of the week, open and withdrawn, in registration order.
    public var rows: [Row]
    /// When and by whom the scheduler last ran on the week, if it did.
    public var lastRun: AuditEntry?
    /// When and by whom the week was last published, if it was.
    public var lastPublish: AuditEntry?
    /// The office users' names by login, to name who ran and who published.
    public var userNames: [String: String] = [:]

    /// Who did something, in words: an office user by name, a unit by its name.
    public func actorName(_ actor: String, district: District) -> String {
        if actor.hasPrefix("office:") {
            let login = String(actor.dropFirst("office:".count))
            return userNames[login] ?? login
        }
        if actor.hasPrefix("unit:") {
            let id = String(actor.dropFirst("unit:".count))
            return district.unit(id)?.name ?? id
        }
        return actor
    }

    /// One request with its session.
    public struct Row: Sendable {
        /// The request.
        public var request: ReviewRequest
        /// The unit, when still configured.
        public var unit: ReviewUnit?
        /// The unit's name (its id when no longer configured).
        public var unitName: String
        /// The session, once the office did anything about the request.
        public var session: Session?

        /// Withdrawn by the unit.
        public var isWithdrawn: Bool { request.status == .withdrawn }
        /// Admitted by the office into a week already closed.
        public var isLate: Bool { request.admittedLate }
        /// Cancelled by the office (until it reschedules the session).
        public var isCancelled: Bool { session?.cancellation != nil }
        /// Admitted late and not yet through a run: the scheduler must run again to place it.
        public var isLateUnrun: Bool { isLate && !isWithdrawn && session == nil }
        /// The current proposal, if any.
        public var proposal: Placement? { session?.proposal }
        /// What the calendars show, if published.
        public var published: PublishedSession? { session?.published }
        /// What publishing now would do to this session.
        public var change: Change? {
            guard !isWithdrawn || published.map({ !$0.cancelled }) == true else { return nil }
            let live = published.flatMap { $0.cancelled ? nil : $0.placement }
            switch (live, proposal) {
            case (nil, let p?): return .add(p)
            case (let old?, let p?) where old != p: return .move(from: old, to: p)
            case (let old?, nil) where session?.cancellation == nil: return .cancel(old)
            default: return nil
            }
        }
    }

    /// A difference between the proposal and what is published.
    public enum Change: Sendable, Hashable {
        /// Scheduled, not yet in the calendars.
        case add(Placement)
        /// Published at one placement, proposed at another.
        case move(from: Placement, to: Placement)
        /// Published, no longer proposed: publishing cancels it.
        case cancel(Placement)
    }

    /// The open requests with a proposal, by start.
    public var proposed: [Row] {
        rows.filter { !$0.isWithdrawn && $0.proposal != nil }.sorted { ($0.proposal!.start, $0.unitName) < ($1.proposal!.start, $1.unitName) }
    }

    /// The open requests without a proposal, the cancelled ones apart.
    public var unscheduled: [Row] { rows.filter { !$0.isWithdrawn && $0.proposal == nil && !$0.isCancelled } }

    /// The open requests whose session the office cancelled (they stay out of the runs until held again).
    public var cancelled: [Row] { rows.filter { !$0.isWithdrawn && $0.isCancelled } }

    /// The rows publishing would change.
    public var changes: [Row] { rows.filter { $0.change != nil } }

    /// The published, not cancelled sessions, by start: the week's official schedule.
    public var publishedSessions: [Row] {
        rows.filter { $0.published.map { !$0.cancelled } == true }.sorted {
            ($0.published!.placement.start, $0.unitName) < ($1.published!.placement.start, $1.unitName)
        }
    }
}

extension ReviewService {
    /// The week as the office works on it.
    public func weekBoard(week: ISOWeek) async throws -> WeekBoard {
        let now = clock.now()
        let (snapshot, lastRun, lastPublish) = try await store.read { tx in
            (
                try await tx.weekSnapshot(district: self.district.id, week: week),
                try await tx.lastAudit(district: self.district.id, entity: "week", entityId: week.iso, action: "schedule.run"),
                try await tx.lastAudit(district: self.district.id, entity: "week", entityId: week.iso, action: "schedule.publish")
            )
        }
        let byRequest = Dictionary(uniqueKeysWithValues: snapshot.sessions.map { ($0.requestId, $0) })
        let window = cutoff(of: week)
        return WeekBoard(
            week: week, version: snapshot.fingerprint, closes: window.closing(of: week), isOpen: window.isOpen(week, at: now),
            rows: snapshot.requests.map { r in
                WeekBoard.Row(request: r, unit: district.unit(r.unitId), unitName: district.unit(r.unitId)?.name ?? r.unitId, session: byRequest[r.id])
            },
            lastRun: lastRun, lastPublish: lastPublish,
            userNames: Dictionary(try await users().map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The registration rule of a week: its campaign's, else the current one.
    func cutoff(of week: ISOWeek) -> RegistrationWindow {
        district.campaign(covering: week.monday)?.cutoff ?? currentWindow(at: clock.now())
    }

    /// Refuses a save made on an older view of the week (`expected` nil: no check, as from the command line).
    func checkVersion(_ expected: String?, week: ISOWeek, tx: StoreTransaction) async throws {
        guard let expected else { return }
        if try await tx.weekSnapshot(district: district.id, week: week).fingerprint != expected {
            throw ReviewError(
                .weekChanged, "\(week.vietnamese.capitalizedFirst) đã thay đổi từ khi bạn mở trang (có người khác vừa xếp lịch, sửa hoặc đăng ký). Thao tác chưa được lưu: hãy tải lại trang, xem lại rồi làm lại.")
        }
    }
}
