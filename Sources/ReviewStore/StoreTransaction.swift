import Crypto
import Foundation
import ReviewCore
import Logging
import PostgresKit
import SQLKit

/// The operations on stored data, inside one `ReviewStore.read` or `ReviewStore.write`.
public struct StoreTransaction: Sendable {
    let db: any SQLDatabase
    /// Rows already decoded, shared by the store's transactions.
    let rows: RowCache
    /// In a batch of writes committed together: audit entries and idempotency answers kept back and inserted in two
    /// statements before the commit (``flush()``), or at once before anything reads their tables.
    let deferred: DeferredRows?
    /// On PostgreSQL, in a write: the connection, for the statements prepared once per connection.
    /// The PostgreSQL connection, for statements prepared once per connection; nil on SQLite.
    let postgres: ConnectionGuard?

    init(db: any SQLDatabase, rows: RowCache, deferred: DeferredRows? = nil, postgres: ConnectionGuard? = nil) {
        self.db = db
        self.rows = rows
        self.deferred = deferred
        self.postgres = postgres
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.string(date))
        }
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad timestamp \(text)"))
            }
            return date
        }
        return d
    }()

    /// JSON text of a value, keys sorted (used for stored rows and the audit trail).
    public static func json(_ value: some Encodable) -> String {
        // Encoding our own Codable model types cannot fail.
        String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, id: String) throws -> T {
        try rows.value(table: table, id: id, text: text) { text in
            do {
                return try Self.decoder.decode(type, from: Data(text.utf8))
            } catch {
                throw StoreError.corruptRow(table: table, id: id)
            }
        }
    }

    // MARK: Districts

    /// Creates the district's row when absent, and keeps its name current.
    public func ensureDistrict(id: String, name: String) async throws {
        let rows = try await db.raw("SELECT id FROM districts WHERE id = \(bind: id)").all()
        if rows.isEmpty {
            try await db.raw("INSERT INTO districts (id, name, revision) VALUES (\(bind: id), \(bind: name), 0)").run()
        } else {
            try await db.raw("UPDATE districts SET name = \(bind: name) WHERE id = \(bind: id)").run()
        }
    }

    /// The district's revision: raised on every change that feeds show, so caches know when to render again.
    public func revision(district: String) async throws -> Int {
        let rows = try await db.raw("SELECT revision FROM districts WHERE id = \(bind: district)").all()
        return try rows.first?.decode(column: "revision", as: Int.self) ?? 0
    }

    /// Raises the district's revision.
    public func bumpRevision(district: String) async throws {
        try await db.raw("UPDATE districts SET revision = revision + 1 WHERE id = \(bind: district)").run()
    }

    // MARK: API tokens

    /// Stores a new token record with the hash of its secret.
    public func insertToken(_ token: APIToken, hash: String) async throws {
        try await db.raw("""
            INSERT INTO api_tokens (id, district_id, role, subject, token_hash, label, created_at, created_by, revoked_at)
            VALUES (\(bind: token.id), \(bind: token.districtId), \(bind: token.role.rawValue), \(bind: token.subject), \(bind: hash),
                    \(bind: token.label), \(bind: Timestamp.string(token.createdAt)), \(bind: token.createdBy), NULL)
            """).run()
    }

    /// The token whose secret hashes to `hash`, revoked or not.
    public func token(hash: String) async throws -> APIToken? {
        try await db.raw("SELECT * FROM api_tokens WHERE token_hash = \(bind: hash)").all().first.map(Self.token(row:))
    }

    /// A district's tokens, newest first.
    public func tokens(district: String) async throws -> [APIToken] {
        try await db.raw("SELECT * FROM api_tokens WHERE district_id = \(bind: district) ORDER BY created_at DESC, id").all().map(Self.token(row:))
    }

    /// Marks a token revoked; false when no such live token.
    public func revokeToken(id: String, district: String, at: Date) async throws -> Bool {
        let live = try await db.raw("SELECT id FROM api_tokens WHERE id = \(bind: id) AND district_id = \(bind: district) AND revoked_at IS NULL").all()
        guard !live.isEmpty else { return false }
        try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: Timestamp.string(at)) WHERE id = \(bind: id)").run()
        return true
    }

    private static func token(row: any SQLRow) throws -> APIToken {
        let id = try row.decode(column: "id", as: String.self)
        guard let role = APIToken.Role(rawValue: try row.decode(column: "role", as: String.self)),
            let created = Timestamp.date(try row.decode(column: "created_at", as: String.self))
        else { throw StoreError.corruptRow(table: "api_tokens", id: id) }
        let revoked = try row.decode(column: "revoked_at", as: String?.self).flatMap(Timestamp.date)
        return APIToken(
            id: id, districtId: try row.decode(column: "district_id", as: String.self), role: role,
            subject: try row.decode(column: "subject", as: String.self), label: try row.decode(column: "label", as: String.self),
            createdAt: created, createdBy: try row.decode(column: "created_by", as: String.self), revokedAt: revoked)
    }

    // MARK: Requests

    /// Stores a new request in `slot` (0 unless the office allowed more than one open request of its kind).
    public func insertRequest(_ r: ReviewRequest, slot: Int) async throws {
        try await db.raw("""
            INSERT INTO requests (id, district_id, campaign_id, unit_id, kind, week, status, slot, data)
            VALUES (\(bind: r.id), \(bind: r.districtId), \(bind: r.campaignId), \(bind: r.unitId), \(bind: r.kind.rawValue),
                    \(bind: r.week.iso), \(bind: r.status.rawValue), \(bind: slot), \(bind: Self.json(r)))
            """).run()
    }

    /// Stores a new open request in the lowest slot free under the office's allowance, in one statement; the slot,
    /// or nil (nothing stored) when every slot is taken. On PostgreSQL the statement is prepared once per connection:
    /// planning it took most of its time, under the district's lock.
    public func insertRequestInFreeSlot(_ r: ReviewRequest, text: String? = nil) async throws -> Int? {
        let values = [r.id, r.districtId, r.campaignId, r.unitId, r.kind.rawValue, r.week.iso, r.status.rawValue, text ?? Self.json(r)]
        if let postgres {
            let connection = postgres.connection
            return try await postgres.guarded(task: {
                var slot: Int?
                for try await stored in try await connection.execute(InsertRequestInFreeSlot(values: values), logger: Self.logger) { slot = stored }
                return slot
            })
        }
        // The same text, each parameter bound where it stands.
        var query: SQLQueryString = ""
        for (k, piece) in Self.insertInFreeSlotSQL({ "\u{1}\($0)\u{1}" }).split(separator: "\u{1}", omittingEmptySubsequences: false).enumerated() {
            if k % 2 == 0 { query.appendInterpolation(unsafeRaw: String(piece)) } else { query.appendInterpolation(bind: values[Int(piece)! - 1]) }
        }
        return try await db.raw(query).all().first?.decode(column: "slot", as: Int.self)
    }

    /// The text of ``insertRequestInFreeSlot(_:text:)``, with `parameter(n)` for its n-th value: 1 id, 2 district,
    /// 3 campaign, 4 unit, 5 kind, 6 week, 7 status, 8 stored text.
    static func insertInFreeSlotSQL(_ parameter: (Int) -> String) -> String {
        let (d, c, u, k) = (parameter(2), parameter(3), parameter(4), parameter(5))
        return """
            INSERT INTO requests (id, district_id, campaign_id, unit_id, kind, week, status, slot, data)
            SELECT \(parameter(1)), \(d), \(c), \(u), \(k), \(parameter(6)), \(parameter(7)), free.n, \(parameter(8))
            FROM (
                WITH RECURSIVE slots(n) AS (
                    SELECT 0 UNION ALL SELECT n + 1 FROM slots WHERE n < (
                        SELECT COALESCE(MAX(extra), 0) FROM allowances WHERE district_id = \(d)
                        AND campaign_id = \(c) AND unit_id = \(u) AND kind = \(k)))
                SELECT MIN(n) AS n FROM slots WHERE n NOT IN (
                    SELECT slot FROM requests WHERE district_id = \(d) AND campaign_id = \(c)
                    AND unit_id = \(u) AND kind = \(k) AND status = 'open')
            ) AS free
            WHERE free.n IS NOT NULL
            RETURNING slot
            """
    }

    static let logger = Logger(label: "reviewcal.store")

    /// Replaces a stored request's data (same id).
    public func updateRequest(_ r: ReviewRequest) async throws {
        try await db.raw("""
            UPDATE requests SET week = \(bind: r.week.iso), status = \(bind: r.status.rawValue), kind = \(bind: r.kind.rawValue),
                   data = \(bind: Self.json(r))
            WHERE id = \(bind: r.id) AND district_id = \(bind: r.districtId)
            """).run()
    }

    /// A request by id, within a district.
    public func request(id: String, district: String) async throws -> ReviewRequest? {
        let rows = try await db.raw("SELECT id, data FROM requests WHERE id = \(bind: id) AND district_id = \(bind: district)").all()
        return try rows.first.map { try decode(ReviewRequest.self, $0.decode(column: "data", as: String.self), table: "requests", id: id) }
    }

    /// A district's requests, optionally of one unit, week or status, oldest first.
    public func requests(district: String, unit: String? = nil, week: ISOWeek? = nil, status: RequestStatus? = nil) async throws -> [ReviewRequest] {
        var query = SQLQueryString("SELECT id, data FROM requests WHERE district_id = \(bind: district)")
        if let unit { query.appendInterpolation(unsafeRaw: " AND unit_id = "); query.appendInterpolation(bind: unit) }
        if let week { query.appendInterpolation(unsafeRaw: " AND week = "); query.appendInterpolation(bind: week.iso) }
        if let status { query.appendInterpolation(unsafeRaw: " AND status = "); query.appendInterpolation(bind: status.rawValue) }
        let rows = try await db.raw(query).all()
        let requests = try rows.map { row in
            try decode(ReviewRequest.self, row.decode(column: "data", as: String.self), table: "requests", id: row.decode(column: "id", as: String.self))
        }
        return requests.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Extra open requests the office allows a unit for a kind in a campaign.
    public func allowance(district: String, campaign: String, unit: String, kind: ReviewKind) async throws -> Int {
        let rows = try await db.raw("""
            SELECT extra FROM allowances WHERE district_id = \(bind: district) AND campaign_id = \(bind: campaign)
            AND unit_id = \(bind: unit) AND kind = \(bind: kind.rawValue)
            """).all()
        return try rows.first?.decode(column: "extra", as: Int.self) ?? 0
    }

    /// Sets the extra open requests the office allows.
    public func setAllowance(district: String, campaign: String, unit: String, kind: ReviewKind, extra: Int) async throws {
        try await db.raw("""
            INSERT INTO allowances (district_id, campaign_id, unit_id, kind, extra)
            VALUES (\(bind: district), \(bind: campaign), \(bind: unit), \(bind: kind.rawValue), \(bind: extra))
            ON CONFLICT (district_id, campaign_id, unit_id, kind) DO UPDATE SET extra = excluded.extra
            """).run()
    }

    // MARK: Idempotency

    /// The stored first answer for a key, if any.
    public func storedResponse(district: String, principal: String, key: String) async throws -> StoredResponse? {
        try await flush()
        let rows = try await db.raw("""
            SELECT fingerprint, status, body FROM idempotency
            WHERE district_id = \(bind: district) AND principal = \(bind: principal) AND key = \(bind: key)
            """).all()
        return try rows.first.map {
            StoredResponse(
                fingerprint: try $0.decode(column: "fingerprint", as: String.self), status: try $0.decode(column: "status", as: Int.self),
                body: try $0.decode(column: "body", as: String.self))
        }
    }

    /// Stores the first answer for a key; false (nothing stored) when the key already has one.
    /// In a batch, the answer is kept back until ``flush()``, whose insert fails (and the batch runs again, each write
    /// alone) if the key was taken meanwhile.
    public func storeResponse(district: String, principal: String, key: String, response: StoredResponse, at: Date) async throws -> Bool {
        if let deferred {
            deferred.add(response: .init(district: district, principal: principal, key: key, response: response, at: at))
            return true
        }
        return try await !db.raw("""
            INSERT INTO idempotency (district_id, principal, key, fingerprint, status, body, created_at)
            VALUES (\(bind: district), \(bind: principal), \(bind: key), \(bind: response.fingerprint), \(bind: response.status),
                    \(bind: response.body), \(bind: Timestamp.string(at)))
            ON CONFLICT (district_id, principal, key) DO NOTHING RETURNING key
            """).all().isEmpty
    }

    /// Inserts what a batch kept back: its audit entries, numbered in order within each district after those stored,
    /// and its idempotency answers, one statement each.
    func flush() async throws {
        guard let deferred, let (audits, responses) = deferred.take() else { return }
        if !audits.isEmpty {
            var query = SQLQueryString("""
                INSERT INTO audit (id, district_id, seq, at, actor, action, entity, entity_id, before, after)
                SELECT v.id, v.district_id, (SELECT COALESCE(MAX(seq), 0) FROM audit WHERE district_id = v.district_id) + v.n,
                       v.at, v.actor, v.action, v.entity, v.entity_id, v.before, v.after
                FROM (
                """)
            var counts: [String: Int] = [:]
            for (i, e) in audits.enumerated() {
                counts[e.districtId, default: 0] += 1
                query.appendInterpolation(unsafeRaw: i == 0 ? "SELECT " : " UNION ALL SELECT ")
                Self.appendValues(
                    &query, [e.id, e.districtId, counts[e.districtId]!, Timestamp.string(e.at), e.actor, e.action, e.entity, e.entityId, e.before, e.after],
                    names: i == 0 ? ["id", "district_id", "n", "at", "actor", "action", "entity", "entity_id", "before", "after"] : nil)
            }
            query.appendInterpolation(unsafeRaw: ") AS v")
            try await db.raw(query).run()
        }
        if !responses.isEmpty {
            var query = SQLQueryString("INSERT INTO idempotency (district_id, principal, key, fingerprint, status, body, created_at) VALUES ")
            for (i, r) in responses.enumerated() {
                query.appendInterpolation(unsafeRaw: i == 0 ? "(" : ", (")
                Self.appendValues(
                    &query, [r.district, r.principal, r.key, r.response.fingerprint, r.response.status, r.response.body, Timestamp.string(r.at)])
                query.appendInterpolation(unsafeRaw: ")")
            }
            try await db.raw(query).run()
        }
    }

    /// Appends bound values separated by commas, each followed by `AS name` when names are given.
    private static func appendValues(_ query: inout SQLQueryString, _ values: [any Encodable & Sendable], names: [String]? = nil) {
        for (j, value) in values.enumerated() {
            if j > 0 { query.appendInterpolation(unsafeRaw: ", ") }
            query.appendInterpolation(bind: value)
            if let names { query.appendInterpolation(unsafeRaw: " AS \(names[j])") }
        }
    }

    // MARK: Sessions

    /// Stores a session, or updates the stored one of the same request (its history is in the audit trail).
    public func saveSession(_ s: Session) async throws {
        try await db.raw("""
            INSERT INTO sessions (request_id, district_id, week, data)
            VALUES (\(bind: s.requestId), \(bind: s.districtId), \(bind: s.week.iso), \(bind: Self.json(s)))
            ON CONFLICT (request_id) DO UPDATE SET week = excluded.week, data = excluded.data
            """).run()
    }

    /// The session of a request, if any.
    public func session(request: String, district: String) async throws -> Session? {
        let rows = try await db.raw("SELECT request_id, data FROM sessions WHERE request_id = \(bind: request) AND district_id = \(bind: district)").all()
        return try rows.first.map { try decode(Session.self, $0.decode(column: "data", as: String.self), table: "sessions", id: request) }
    }

    /// A district's sessions, of one week or all.
    public func sessions(district: String, week: ISOWeek? = nil) async throws -> [Session] {
        var query = SQLQueryString("SELECT request_id, data FROM sessions WHERE district_id = \(bind: district)")
        if let week { query.appendInterpolation(unsafeRaw: " AND week = "); query.appendInterpolation(bind: week.iso) }
        let rows = try await db.raw(query).all()
        return try rows.map { row in
            try decode(Session.self, row.decode(column: "data", as: String.self), table: "sessions", id: row.decode(column: "request_id", as: String.self))
        }.sorted { $0.requestId < $1.requestId }
    }

    // MARK: Audit

    /// Appends to the audit trail, numbered in order within the district.
    public func audit(_ e: AuditEntry) async throws {
        if let deferred { return deferred.add(audit: e) }
        // Numbered in the same statement (writes of a district run one at a time).
        try await db.raw("""
            INSERT INTO audit (id, district_id, seq, at, actor, action, entity, entity_id, before, after)
            SELECT \(bind: e.id), \(bind: e.districtId), COALESCE(MAX(seq), 0) + 1, \(bind: Timestamp.string(e.at)), \(bind: e.actor),
                   \(bind: e.action), \(bind: e.entity), \(bind: e.entityId), \(bind: e.before), \(bind: e.after)
            FROM audit WHERE district_id = \(bind: e.districtId)
            """).run()
    }

    /// The latest audit entry of an action on an entity (`week`, `2026-W50`, `schedule.run`), if any.
    public func lastAudit(district: String, entity: String, entityId: String, action: String) async throws -> AuditEntry? {
        try await flush()
        return try await db.raw("""
            SELECT * FROM audit WHERE district_id = \(bind: district) AND entity = \(bind: entity) AND entity_id = \(bind: entityId)
            AND action = \(bind: action) ORDER BY seq DESC LIMIT 1
            """).all().first.map(Self.auditEntry(row:))
    }

    /// A week's requests and sessions, with a fingerprint of their stored text: any change to either gives another.
    public func weekSnapshot(district: String, week: ISOWeek) async throws -> (requests: [ReviewRequest], sessions: [Session], fingerprint: String) {
        let requestRows = try await db.raw("SELECT id, data FROM requests WHERE district_id = \(bind: district) AND week = \(bind: week.iso) ORDER BY id").all()
        let sessionRows = try await db.raw(
            "SELECT request_id, data FROM sessions WHERE district_id = \(bind: district) AND week = \(bind: week.iso) ORDER BY request_id").all()
        var hash = SHA256()
        var requests: [ReviewRequest] = []
        var sessions: [Session] = []
        for row in requestRows {
            let id = try row.decode(column: "id", as: String.self), text = try row.decode(column: "data", as: String.self)
            hash.update(data: Data("r\u{0}\(id)\u{0}\(text)\u{0}".utf8))
            requests.append(try decode(ReviewRequest.self, text, table: "requests", id: id))
        }
        for row in sessionRows {
            let id = try row.decode(column: "request_id", as: String.self), text = try row.decode(column: "data", as: String.self)
            hash.update(data: Data("s\u{0}\(id)\u{0}\(text)\u{0}".utf8))
            sessions.append(try decode(Session.self, text, table: "sessions", id: id))
        }
        let fingerprint = hash.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
        return (requests.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }, sessions, fingerprint)
    }

    /// The audit trail of a district, optionally of one entity, oldest first.
    public func auditTrail(district: String, entityId: String? = nil) async throws -> [AuditEntry] {
        try await flush()
        var query = SQLQueryString("SELECT * FROM audit WHERE district_id = \(bind: district)")
        if let entityId { query.appendInterpolation(unsafeRaw: " AND entity_id = "); query.appendInterpolation(bind: entityId) }
        query.appendInterpolation(unsafeRaw: " ORDER BY seq")
        return try await db.raw(query).all().map(Self.auditEntry(row:))
    }

    private static func auditEntry(row: any SQLRow) throws -> AuditEntry {
        let id = try row.decode(column: "id", as: String.self)
        guard let at = Timestamp.date(try row.decode(column: "at", as: String.self)) else { throw StoreError.corruptRow(table: "audit", id: id) }
        return AuditEntry(
            id: id, districtId: try row.decode(column: "district_id", as: String.self), at: at,
            actor: try row.decode(column: "actor", as: String.self), action: try row.decode(column: "action", as: String.self),
            entity: try row.decode(column: "entity", as: String.self), entityId: try row.decode(column: "entity_id", as: String.self),
            before: try row.decode(column: "before", as: String?.self), after: try row.decode(column: "after", as: String?.self))
    }

    // MARK: Members' and teams' own calendars

    /// The last good copy of an owner's calendar (`member:m01`, `team:to-01`): its source, when fetched, and the text.
    public func calendarCopy(district: String, owner: String) async throws -> (source: String, fetchedAt: Date, body: String)? {
        let rows = try await db.raw("SELECT source, fetched_at, body FROM calendar_copies WHERE district_id = \(bind: district) AND owner = \(bind: owner)").all()
        guard let row = rows.first, let fetchedAt = Timestamp.date(try row.decode(column: "fetched_at", as: String.self)) else { return nil }
        return (try row.decode(column: "source", as: String.self), fetchedAt, try row.decode(column: "body", as: String.self))
    }

    /// Keeps a good copy of an owner's calendar.
    public func saveCalendarCopy(district: String, owner: String, source: String, fetchedAt: Date, body: String) async throws {
        try await db.raw("""
            INSERT INTO calendar_copies (district_id, owner, source, fetched_at, body)
            VALUES (\(bind: district), \(bind: owner), \(bind: source), \(bind: Timestamp.string(fetchedAt)), \(bind: body))
            ON CONFLICT (district_id, owner) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at, body = excluded.body
            """).run()
    }

    // MARK: Feed tokens

    /// Stores a feed token generation.
    public func insertFeedToken(_ t: FeedToken) async throws {
        try await db.raw("""
            INSERT INTO feed_grants (district_id, kind, subject, generation, created_at, revoked_at)
            VALUES (\(bind: t.districtId), \(bind: t.kind.rawValue), \(bind: t.subject), \(bind: t.generation),
                    \(bind: Timestamp.string(t.createdAt)), NULL)
            """).run()
    }

    /// Every token generation of a district, revoked or not.
    public func feedTokens(district: String) async throws -> [FeedToken] {
        try await db.raw("SELECT * FROM feed_grants WHERE district_id = \(bind: district) ORDER BY kind, subject, generation")
            .all().map(Self.feedToken(row:))
    }

    /// Revokes the live generation of one feed; returns how many were live (0 or 1).
    public func revokeFeedTokens(district: String, kind: FeedToken.Kind, subject: String, at: Date) async throws -> Int {
        let live = try await db.raw("""
            SELECT generation FROM feed_grants WHERE district_id = \(bind: district) AND kind = \(bind: kind.rawValue)
            AND subject = \(bind: subject) AND revoked_at IS NULL
            """).all()
        try await db.raw("""
            UPDATE feed_grants SET revoked_at = \(bind: Timestamp.string(at)) WHERE district_id = \(bind: district)
            AND kind = \(bind: kind.rawValue) AND subject = \(bind: subject) AND revoked_at IS NULL
            """).run()
        return live.count
    }

    private static func feedToken(row: any SQLRow) throws -> FeedToken {
        guard let kind = FeedToken.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
            let created = Timestamp.date(try row.decode(column: "created_at", as: String.self))
        else { throw StoreError.corruptRow(table: "feed_grants", id: "…") }
        return FeedToken(
            districtId: try row.decode(column: "district_id", as: String.self), kind: kind,
            subject: try row.decode(column: "subject", as: String.self), generation: try row.decode(column: "generation", as: Int.self),
            createdAt: created, revokedAt: try row.decode(column: "revoked_at", as: String?.self).flatMap(Timestamp.date))
    }

    // MARK: Feed items

    /// What each feed and event of a district last looked like, by item (`event:<uid>`, `feed:<kind>/<subject>`).
    public func feedItems(district: String) async throws -> [String: FeedItemState] {
        var result: [String: FeedItemState] = [:]
        for row in try await db.raw("SELECT item, hash, sequence, modified_at FROM feed_items WHERE district_id = \(bind: district)").all() {
            let item = try row.decode(column: "item", as: String.self)
            guard let at = Timestamp.date(try row.decode(column: "modified_at", as: String.self)) else {
                throw StoreError.corruptRow(table: "feed_items", id: item)
            }
            result[item] = FeedItemState(
                hash: try row.decode(column: "hash", as: String.self), sequence: try row.decode(column: "sequence", as: Int.self), modifiedAt: at)
        }
        return result
    }

    /// Records new states of feeds and events.
    public func saveFeedItems(district: String, _ items: [String: FeedItemState]) async throws {
        for (item, state) in items.sorted(by: { $0.key < $1.key }) {
            try await db.raw("""
                INSERT INTO feed_items (district_id, item, hash, sequence, modified_at)
                VALUES (\(bind: district), \(bind: item), \(bind: state.hash), \(bind: state.sequence), \(bind: Timestamp.string(state.modifiedAt)))
                ON CONFLICT (district_id, item) DO UPDATE SET hash = excluded.hash, sequence = excluded.sequence, modified_at = excluded.modified_at
                """).run()
        }
    }
}

/// ``StoreTransaction/insertRequestInFreeSlot(_:text:)`` on PostgreSQL, prepared once per connection.
struct InsertRequestInFreeSlot: PostgresPreparedStatement {
    static let sql = StoreTransaction.insertInFreeSlotSQL { "$\($0)" }
    typealias Row = Int
    var values: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
}
