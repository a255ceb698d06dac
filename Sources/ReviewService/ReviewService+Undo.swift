import Foundation
import ReviewCore
import ReviewStore

extension ReviewService {
    /// What the office can undo on a week: its last publish or cancellation.
    public struct UndoOffer: Sendable {
        /// What was done.
        public enum Action: String, Sendable, Codable {
            /// A publish of the week's proposal.
            case publish
            /// The cancellation of one published session.
            case cancel
        }
        /// What was done.
        public var action: Action
        /// When.
        public var at: Date
        /// Who (`office:<login>`).
        public var actor: String
        /// The cancelled request, for a cancellation.
        public var request: String?
        /// The requests whose sessions an undo gives back their earlier state.
        public var requests: [String]
        /// False once something was published on the week since: the undo is then refused.
        public var possible: Bool
        /// What the calendars show of each session now and what they show again after the undo.
        public var restores: [Restore] = []
        /// Who would be e-mailed about the undo.
        public var recipients: [MailRecipient] = []

        /// One session an undo publishes again.
        public struct Restore: Sendable {
            /// The request.
            public var request: String
            /// Its unit.
            public var unit: String
            /// What the calendars show now (nil: nothing, or a cancelled session).
            public var shown: Placement?
            /// What they show again after the undo (nil: nothing, or a cancelled session).
            public var restored: Placement?
        }
    }

    /// What an undo did.
    public struct UndoResult: Sendable {
        /// What was undone.
        public var undone: UndoOffer
        /// Sessions published again as they were.
        public var sessions: Int
        /// E-mail queued.
        public var mailed: Int
    }

    /// What is kept, in the publish's or cancellation's own transaction, to undo it.
    struct UndoRecord: Codable {
        var action: UndoOffer.Action
        var at: Date
        var actor: String
        var request: String?
        /// Every session the action changed, as it was before.
        var before: [Session]
        /// The SEQUENCE of every published session of the week right after the action.
        var sequences: [String: Int]

        static func sequences(_ sessions: [Session]) -> [String: Int] {
            Dictionary(sessions.compactMap { s in s.published.map { (s.requestId, $0.sequence) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Keeps what undoing an action needs, when it changed anything.
    func keepUndo(_ action: UndoOffer.Action, request: String? = nil, before: [Session], week: ISOWeek, by actor: String, now: Date, tx: StoreTransaction)
        async throws
    {
        guard !before.isEmpty else { return }
        let after = try await tx.sessions(district: district.id, week: week)
        let record = UndoRecord(action: action, at: now, actor: actor, request: request, before: before, sequences: UndoRecord.sequences(after))
        try await tx.saveWeekUndo(district: district.id, week: week, json: StoreTransaction.json(record))
    }

    /// The week's last publish or cancellation, if one is kept, and whether it can still be undone.
    public func undoOffer(week: ISOWeek) async throws -> UndoOffer? {
        try await store.read { tx in
            guard let record = try await self.undoRecord(week: week, tx: tx) else { return nil }
            let sessions = try await tx.sessions(district: self.district.id, week: week)
            let requests = try await tx.requests(district: self.district.id, week: week)
            return self.offer(record, sessions: sessions, requests: requests)
        }
    }

    /// The same, for the week board: the week's sessions and requests are the board's own, read once.
    public func undoOffer(board: WeekBoard) async throws -> UndoOffer? {
        guard let record = try await store.read({ tx in try await self.undoRecord(week: board.week, tx: tx) }) else { return nil }
        return offer(record, sessions: board.rows.compactMap(\.session), requests: board.rows.map(\.request))
    }

    func offer(_ record: UndoRecord, sessions: [Session], requests: [ReviewRequest]) -> UndoOffer {
        var offer = Self.offer(record, possible: UndoRecord.sequences(sessions) == record.sequences)
        let current = Dictionary(sessions.map { ($0.requestId, $0) }, uniquingKeysWith: { a, _ in a })
        let requests = Dictionary(requests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [PublishedChange] = []
        for old in record.before {
            guard let present = current[old.requestId] else { continue }
            let shown = present.published.flatMap { $0.cancelled ? nil : $0.placement }
            let restored = old.published.flatMap { $0.cancelled ? nil : $0.placement }
            guard shown != restored || present.published?.cancelled != old.published?.cancelled else { continue }
            let unit = requests[old.requestId].map { self.district.unit($0.unitId)?.name ?? $0.unitId } ?? old.requestId
            offer.restores.append(.init(request: old.requestId, unit: unit, shown: shown, restored: restored))
            if let r = requests[old.requestId], let base = old.published ?? present.published {
                let after = PublishedSession(placement: base.placement, cancelled: restored == nil, sequence: 0, lastModified: .distantPast)
                changes.append(PublishedChange(request: r, before: present.published, after: after))
            }
        }
        if self.district.mail != nil { offer.recipients = self.noticePlan(changes).map(\.recipient) }
        return offer
    }

    /// Who would be e-mailed if request `id`'s published session moved to `placement`, or were cancelled (nil).
    public func recipients(request id: String, becoming placement: Placement?) async throws -> [MailRecipient] {
        guard district.mail != nil else { return [] }
        let (request, session) = try await store.read { tx in
            (try await tx.request(id: id, district: self.district.id), try await tx.session(request: id, district: self.district.id))
        }
        guard let request, let shown = session?.published else { return [] }
        let after = PublishedSession(placement: placement ?? shown.placement, cancelled: placement == nil, sequence: 0, lastModified: .distantPast)
        return noticePlan([PublishedChange(request: request, before: shown, after: after)]).map(\.recipient)
    }

    /// Publishes again what the week's last publish or cancellation replaced: each session it changed goes back to its
    /// earlier proposal and publication, with a SEQUENCE above both, and the people concerned are e-mailed as for any
    /// publish. Refused when nothing is kept or when something was published on the week since.
    @discardableResult
    public func undoLast(week: ISOWeek, by actor: String, expectedVersion: String? = nil) async throws -> UndoResult {
        let now = clock.now()
        defer { feedCache.invalidate() }
        let result = try await store.write(serializedOn: district.id) { tx in
            try await self.checkVersion(expectedVersion, week: week, tx: tx)
            guard let record = try await self.undoRecord(week: week, tx: tx) else {
                throw ReviewError(.nothingToUndo, "\(week.vietnamese.capitalizedFirst) không có lần công bố hay hủy buổi nào để hoàn tác.")
            }
            let offer = Self.offer(record, possible: true)
            let sessions = try await tx.sessions(district: self.district.id, week: week)
            guard UndoRecord.sequences(sessions) == record.sequences else {
                let what = record.action == .publish ? "lần công bố" : "việc hủy buổi"
                throw ReviewError(
                    .nothingToUndo,
                    "Không hoàn tác được \(what) lúc \(self.district.zone.local(record.at).dateTime.vietnamese): lịch \(week.vietnamese) đã được công bố hoặc đổi thêm sau đó. Lịch giữ nguyên; hãy sửa trên trang tuần rồi công bố lại.")
            }
            let current = Dictionary(uniqueKeysWithValues: sessions.map { ($0.requestId, $0) })
            let requests = Dictionary(uniqueKeysWithValues: try await tx.requests(district: self.district.id, week: week).map { ($0.id, $0) })
            var changes: [PublishedChange] = []
            var count = 0
            for old in record.before {
                guard let present = current[old.requestId] else { continue }
                var s = old
                // Marks recorded since (held, dossier) are the office's later work, not part of what is undone.
                s.held = present.held
                s.dossier = present.dossier
                let top = present.published?.sequence ?? -1
                if let earlier = old.published {
                    s.published = PublishedSession(
                        placement: earlier.placement, cancelled: earlier.cancelled, sequence: top + 1, lastModified: now, reason: earlier.reason)
                } else if let shown = present.published, !shown.cancelled {
                    // First published by the undone publish: the calendars drop it again.
                    s.published = PublishedSession(placement: shown.placement, cancelled: true, sequence: top + 1, lastModified: now, reason: nil)
                } else {
                    s.published = present.published
                }
                guard s != present else { continue }
                count += 1
                try await tx.saveSession(s)
                try await tx.audit(self.auditEntry(
                    actor: actor, action: "session.undo", entity: "session", id: s.requestId, before: StoreTransaction.json(present),
                    after: StoreTransaction.json(s)))
                if let r = requests[s.requestId], let after = s.published, after != present.published {
                    changes.append(PublishedChange(request: r, before: present.published, after: after))
                }
            }
            let cause =
                record.action == .publish
                ? "Văn phòng hoàn tác lần công bố lịch \(week.vietnamese)" : "Văn phòng hoàn tác việc hủy một buổi kiểm điểm"
            let mailed = try await self.queueMail(changes, cause: cause, week: week, now: now, tx: tx)
            try await tx.deleteWeekUndo(district: self.district.id, week: week)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "schedule.undo", entity: "week", id: week.iso, before: nil,
                after: "{\"undone\":\"\(record.action.rawValue)\",\"sessions\":\(count),\"mail\":\(mailed)}"))
            try await tx.bumpRevision(district: self.district.id)
            return UndoResult(undone: offer, sessions: count, mailed: mailed)
        }
        if result.mailed > 0 { outboxBell.ring() }
        return result
    }

    func undoRecord(week: ISOWeek, tx: StoreTransaction) async throws -> UndoRecord? {
        guard let json = try await tx.weekUndo(district: district.id, week: week) else { return nil }
        // The week board asks on every load: a record read before is not decoded again (a publish's holds every
        // session of the week).
        let key = "\(district.id)|\(week.iso)"
        if let known = Self.decodedUndo.record(key, json: json) { return known }
        do {
            let record = try StoreTransaction.decoder.decode(UndoRecord.self, from: Data(json.utf8))
            Self.decodedUndo.keep(key, json: json, record: record)
            return record
        } catch {
            throw StoreError.corruptRow(table: "week_undo", id: week.iso)
        }
    }

    /// Undo records decoded lately, by district and week, with the text they were decoded from.
    static let decodedUndo = DecodedUndo()

    final class DecodedUndo: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String: (json: String, record: UndoRecord)] = [:]

        func record(_ key: String, json: String) -> UndoRecord? {
            lock.withLock { entries[key].flatMap { $0.json == json ? $0.record : nil } }
        }

        func keep(_ key: String, json: String, record: UndoRecord) {
            lock.withLock {
                if entries.count >= 32 { entries.removeAll() }
                entries[key] = (json, record)
            }
        }
    }

    static func offer(_ record: UndoRecord, possible: Bool) -> UndoOffer {
        UndoOffer(
            action: record.action, at: record.at, actor: record.actor, request: record.request, requests: record.before.map(\.requestId).sorted(),
            possible: possible)
    }
}
