import Foundation
import Logging
import ReviewCore
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The one storage implementation: SQL through SQLKit, on SQLite by default and on PostgreSQL when the service runs
/// as several instances.
///
/// All SQL is written once and runs on both; rows keep the district id so that many districts share one database.
///
/// Reads run on their own connections beside the writes: on PostgreSQL, connections of a pool sized by
/// ``open(_:poolSize:logger:)``; on SQLite, reader connections beside the one writer (WAL). Every statement of a read
/// sees committed data only.
///
/// Writes are transactions at PostgreSQL's READ COMMITTED level (SQLite's transactions are serializable), and writes
/// of one key (reviewcal uses the district's id) run one after another across every instance on the database: on
/// SQLite, `BEGIN IMMEDIATE` makes writers of other processes wait their turn; on PostgreSQL, a write first takes a
/// transaction-scoped advisory lock named after its key, so every statement after it sees what the previous writer
/// committed, and different districts write in parallel. Concurrent writes of one key inside a process are committed
/// together (group commit): the batch first runs whole, its audit entries and idempotency answers inserted in one
/// statement each before the commit; if one write fails, the batch runs again with each write in its own savepoint, so
/// that the failing one is rolled back alone; all the others are acknowledged only once their common commit
/// succeeded. The batches run on a thread of their own (``WriterExecutor``). A PostgreSQL write that fails because of another one
/// (deadlock, serialization failure, a unique key taken meanwhile) is run again automatically.
public final class ReviewStore: Sendable {
    /// The database behind a store.
    public enum Dialect: String, Sendable {
        /// One SQLite file (the default: nothing to install).
        case sqlite
        /// A PostgreSQL server, shared by several instances.
        case postgres
    }

    private let backend: Backend
    private let rows = RowCache()
    private let usage = UsageCounter()
    private let queues: WriteQueues
    /// Where the data lives, for messages (a file path, or the server without its password).
    public let location: String
    /// Which database.
    public let dialect: Dialect
    /// Attempts for a PostgreSQL write that a concurrent instance made fail.
    static let writeAttempts = 8
    /// The most writes committed together.
    static let maxBatch = 200
    /// The default number of PostgreSQL connections of one instance.
    public static let defaultPoolSize = 10

    private init(backend: Backend, location: String, dialect: Dialect) {
        self.backend = backend
        self.location = location
        self.dialect = dialect
        let box = WeakStore()
        self.queues = WriteQueues { key in
            WriteQueue(maxBatch: Self.maxBatch) { batch in await box.store?.commit(batch, key: key) }
        }
        box.store = self
    }

    /// Opens the store named by `url`: `postgres://user:password@host:port/database` (or `postgresql://`), else a
    /// path to an SQLite file. `poolSize` is the most PostgreSQL connections this instance opens.
    public static func open(_ url: String, poolSize: Int = defaultPoolSize, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return try await openPostgres(url: url, poolSize: poolSize, logger: logger) }
        guard !url.contains("://") else { throw StoreError.unsupportedURL(url) }
        return try await openSQLite(path: url, logger: logger)
    }

    /// Opens (creating when absent) the SQLite database at `path` and brings its schema up to date.
    public static func openSQLite(path: String, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.cannotOpen(path, underlying: "\(error)")
            }
        }
        let connections = try await SQLiteConnections.open(path: path, readers: 2, logger: logger)
        let store = ReviewStore(backend: .sqlite(connections), location: path, dialect: .sqlite)
        try await store.migrateOrClose()
        return store
    }

    /// Connects to the PostgreSQL database at `url` with a pool of at most `poolSize` connections, and brings its
    /// schema up to date (one instance at a time).
    public static func openPostgres(url: String, poolSize: Int = defaultPoolSize, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        let pool = try await PostgresPool.open(url: url, size: max(1, poolSize), location: redacted(url), logger: logger)
        let store = ReviewStore(backend: .postgres(pool), location: redacted(url), dialect: .postgres)
        try await store.migrateOrClose()
        return store
    }

    /// `url` without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "…"
        return parts.string ?? "postgres://…"
    }

    /// Closes the connections.
    public func close() async throws {
        switch backend {
        case .sqlite(let connections): try await connections.close()
        case .postgres(let pool): await pool.close()
        }
    }

    /// The most connections this store opens.
    public var poolSize: Int {
        switch backend {
        case .sqlite(let connections): connections.size
        case .postgres(let pool): pool.size
        }
    }

    /// How many of them are in use right now.
    public var connectionsInUse: Int { usage.current }

    /// The schema version this program writes.
    public static var schemaVersion: Int { Migrations.steps.count }

    private var begin: SQLQueryString {
        switch dialect {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN ISOLATION LEVEL READ COMMITTED"
        }
    }

    /// The transaction lock of writes serialised on `key`, as PostgreSQL's 64-bit advisory lock number (FNV-1a of the
    /// key's UTF-8, stable across processes and versions).
    static func lockNumber(_ key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Runs `body` on the connection that writes.
    func withWriter<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withWriterSession { db, _ in try await body(db) }
    }

    /// Runs `body` on the connection that writes, with postgres-nio's connection on PostgreSQL.
    func withWriterSession<T: Sendable>(_ body: (any SQLDatabase, PostgresConnection?) async throws -> T) async throws -> T {
        // Counted once lent, not while waiting for a connection.
        switch backend {
        case .sqlite(let connections): return try await connections.withWriter { db in try await usage.using { try await body(db, nil) } }
        case .postgres(let pool): return try await pool.withConnection { db, connection in try await usage.using { try await body(db, connection) } }
        }
    }

    /// Runs `body` on a connection that reads.
    func withReader<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // Counted once lent, not while waiting for a connection.
        switch backend {
        case .sqlite(let connections): return try await connections.withReader { db in try await usage.using { try await body(db) } }
        case .postgres(let pool): return try await pool.withConnection { db in try await usage.using { try await body(db) } }
        }
    }

    /// Whether the database answers and its schema is the one this program writes, for `/readyz`.
    public func check() async throws {
        let version = try await withReader { db in
            let rows = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
            return try rows.first?.decodeNil(column: "v") == false ? try rows[0].decode(column: "v", as: Int.self) : 0
        }
        guard version == Migrations.steps.count else {
            throw StoreError.cannotOpen(location, underlying: "lược đồ phiên bản \(version), chương trình cần \(Migrations.steps.count)")
        }
    }

    /// Brings the schema up to date; on failure the connections are closed before the error goes up.
    private func migrateOrClose() async throws {
        do {
            try await migrate()
        } catch {
            try? await close()
            throw error
        }
    }

    private func migrate() async throws {
        let begin = begin
        let dialect = dialect
        try await withWriter { database in
            try await database.raw(begin).run()
            do {
                // Instances starting together take turns; the lock ends with the transaction.
                if dialect == .postgres { try await database.raw("SELECT pg_advisory_xact_lock(727201)").run() }
                try await database.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)").run()
                let rows = try await database.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
                let current = try rows.first?.decodeNil(column: "v") == false ? try rows[0].decode(column: "v", as: Int.self) : 0
                if current > Migrations.steps.count {
                    throw StoreError.newerSchema(found: current, known: Migrations.steps.count)
                }
                for (index, step) in Migrations.steps.enumerated() where index + 1 > current {
                    for statement in step {
                        try await database.raw(SQLQueryString(statement)).run()
                    }
                    let version = index + 1
                    let now = Timestamp.string(Date())
                    try await database.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: version), \(bind: now))").run()
                }
                try await database.raw("COMMIT").run()
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Runs `body` in one transaction: everything it writes is stored, or nothing is. Writes with the same `key`
    /// (reviewcal uses the district's id) run one after another across every instance on the database, and may share
    /// one commit with other writes of that key (each in its own savepoint). The call returns once the commit
    /// succeeded. On PostgreSQL `body` may run again when a concurrent write made it fail, so it must not act outside
    /// the store.
    ///
    /// - Throws: ``StoreError/busy`` when concurrent writes kept failing it, or what `body` throws.
    public func write<T: Sendable>(serializedOn key: String = "", _ body: (StoreTransaction) async throws -> T) async throws -> T {
        // SQLite has one writer for every key.
        let queue = queues.queue(dialect == .sqlite ? "" : key)
        return try await withoutActuallyEscaping(body) { body in
            let box = ResultBox<T>()
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                queue.submit(PendingWrite(run: { box.value = try await body($0) }, finish: { continuation.resume(with: $0) }))
            }
            guard let value = box.value else { throw StoreError.busy }
            return value
        }
    }

    /// Commits a batch of queued writes of one key (see ``write(serializedOn:_:)``), then tells each its outcome.
    fileprivate func commit(_ batch: [PendingWrite], key: String) async {
        var attempt = 1
        // Most batches commit whole: the first try runs them without a savepoint per write. When one write fails, the
        // batch runs again with savepoints, so that the failure is rolled back alone.
        var careful = false
        while true {
            do {
                let outcomes = try await runTransaction(batch, key: key, careful: careful)
                for (write, outcome) in zip(batch, outcomes) { write.complete(outcome) }
                return
            } catch {
                if batch.count > 1 && !careful {
                    careful = true
                    continue
                }
                if dialect == .postgres, Self.isRetryable(error), attempt < Self.writeAttempts {
                    // Back off a little, more each time, so that the instances do not collide again at once.
                    try? await Task.sleep(nanoseconds: UInt64(attempt * attempt) * 2_000_000 + UInt64.random(in: 0..<2_000_000))
                    attempt += 1
                    continue
                }
                let failure: any Error = dialect == .postgres && Self.isRetryable(error) ? StoreError.busy : error
                for write in batch { write.complete(.failure(failure)) }
                return
            }
        }
    }

    /// One transaction over `batch`: the outcome of each write, once committed. Throws when the transaction as a
    /// whole failed (nothing of it stored).
    private func runTransaction(_ batch: [PendingWrite], key lockKey: String, careful: Bool) async throws -> [Result<Void, any Error>] {
        let begin = begin
        let dialect = dialect
        let rows = rows
        return try await withWriterSession { database, postgres in
            try await database.raw(begin).run()
            do {
                if dialect == .postgres { try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.lockNumber(lockKey)))").run() }
                var outcomes: [Result<Void, any Error>] = []
                if batch.count == 1 || !careful {
                    // Alone, or first try of a batch: no savepoints; a failure rolls the whole transaction back (and a
                    // batch is then run again with a savepoint for each write). A batch's audit entries and idempotency
                    // answers go in together at the end.
                    let transaction = StoreTransaction(db: database, rows: rows, deferred: batch.count > 1 ? DeferredRows() : nil, postgres: postgres)
                    for write in batch {
                        try await write.run(transaction)
                        outcomes.append(.success(()))
                    }
                    try await transaction.flush()
                } else {
                    let transaction = StoreTransaction(db: database, rows: rows, postgres: postgres)
                    for write in batch {
                        var attempt = 1
                        while true {
                            try await database.raw("SAVEPOINT w").run()
                            do {
                                try await write.run(transaction)
                                // SQLite keeps the savepoints of the batch until the commit (each `ROLLBACK TO w` goes
                                // back to the latest); PostgreSQL releases each, to keep its subtransactions few.
                                if dialect == .postgres { try await database.raw("RELEASE SAVEPOINT w").run() }
                                outcomes.append(.success(()))
                                break
                            } catch {
                                try await database.raw("ROLLBACK TO SAVEPOINT w").run()
                                try await database.raw("RELEASE SAVEPOINT w").run()
                                if dialect == .postgres, Self.isRetryable(error), attempt < Self.writeAttempts {
                                    attempt += 1
                                    continue
                                }
                                outcomes.append(.failure(dialect == .postgres && Self.isRetryable(error) ? StoreError.busy : error))
                                break
                            }
                        }
                    }
                }
                try await database.raw("COMMIT").run()
                return outcomes
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Runs read-only `body`.
    public func read<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        let rows = rows
        return try await withReader { db in try await body(StoreTransaction(db: db, rows: rows)) }
    }

    /// Whether a failed transaction may succeed if run again: another instance's concurrent write made it fail.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        // 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation (a key taken meanwhile).
        return state == "40001" || state == "40P01" || state == "23505"
    }
}

/// The store's connections, per database.
private enum Backend: Sendable {
    case sqlite(SQLiteConnections)
    case postgres(PostgresPool)
}

/// The store seen from its write queues, without keeping it alive.
private final class WeakStore: @unchecked Sendable {
    // @unchecked: set once in the store's initialiser, before any write is queued.
    weak var store: ReviewStore?
}

/// The value a queued write returned, handed back to its caller after the commit.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked: written by the draining task before the caller's continuation resumes, read by the caller after.
    var value: T?
}
