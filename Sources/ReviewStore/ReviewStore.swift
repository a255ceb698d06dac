import Foundation
import Logging
import Metrics
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
///
/// No call waits without end: each transaction and each read has ``timeout`` from the moment it asks for a connection
/// (on PostgreSQL also each statement, through `statement_timeout`; on SQLite a lock held by another process is waited
/// for that long). A call the database cannot serve — the connection lost, no answer in time, a full or read-only
/// disk — throws ``StoreError/unavailable(_:detail:)`` and is counted in `reviewcal_db_errors_total{kind}`. A write
/// whose connection was lost before its commit was sent (so that nothing of it can be stored) is run again on another
/// connection while its time lasts; when a batch fails that way for good, the writes queued behind it are answered at
/// once with the same error instead of each waiting for it in turn. While the database is out of reach (the last call
/// lost its connection or found none in time, and none succeeded since), each call gets ``outageTimeout`` at most
/// rather than ``timeout``: a request that reads and then writes is answered in seconds, and the calls that keep coming
/// find the database as soon as it is back. ``writeProblem()`` tells whether writes go through, for `/readyz`.
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
    private let health = WriteHealth()
    /// How long a transaction or a read may wait for the database, connection included; nil: no limit.
    public let timeout: Duration?
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
    /// The default ``timeout``.
    public static let defaultTimeout: Duration = .seconds(5)
    /// How long a call waits while the database is out of reach.
    static let outageTimeout: Duration = .seconds(1)

    /// How long the next call may wait: ``timeout``, or less while the database is out of reach.
    var callTimeout: Duration? {
        guard let timeout else { return nil }
        return health.unreachable ? min(timeout, Self.outageTimeout) : timeout
    }

    private init(backend: Backend, location: String, dialect: Dialect, timeout: Duration?) {
        self.backend = backend
        self.location = location
        self.dialect = dialect
        self.timeout = timeout
        let box = WeakStore()
        self.queues = WriteQueues { key in
            WriteQueue(maxBatch: Self.maxBatch) { batch in await box.store?.commit(batch, key: key) }
        }
        box.store = self
        // Each kind counted from 0, so that the first error of a kind shows as an increase.
        for fault in StoreFault.allCases { Counter(label: "reviewcal_db_errors_total", dimensions: [("kind", fault.rawValue)]).increment(by: 0) }
        for outcome in ["committed", "failed"] { Counter(label: "reviewcal_db_write_transactions_total", dimensions: [("outcome", outcome)]).increment(by: 0) }
    }

    /// Opens the store named by `url`: `postgres://user:password@host:port/database` (or `postgresql://`), else a
    /// path to an SQLite file. `poolSize` is the most PostgreSQL connections this instance opens; `timeout` is
    /// ``timeout``.
    public static func open(
        _ url: String, poolSize: Int = defaultPoolSize, timeout: Duration? = defaultTimeout, logger: Logger = Logger(label: "reviewcal.store")
    ) async throws -> ReviewStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try await openPostgres(url: url, poolSize: poolSize, timeout: timeout, logger: logger)
        }
        guard !url.contains("://") else { throw StoreError.unsupportedURL(url) }
        return try await openSQLite(path: url, timeout: timeout, logger: logger)
    }

    /// Opens (creating when absent) the SQLite database at `path` and brings its schema up to date.
    public static func openSQLite(path: String, timeout: Duration? = defaultTimeout, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.cannotOpen(path, underlying: "\(error)")
            }
        }
        let connections = try await SQLiteConnections.open(path: path, readers: 2, busyTimeout: timeout, logger: logger)
        let store = ReviewStore(backend: .sqlite(connections), location: path, dialect: .sqlite, timeout: timeout)
        try await store.migrateOrClose()
        return store
    }

    /// Connects to the PostgreSQL database at `url` with a pool of at most `poolSize` connections, and brings its
    /// schema up to date (one instance at a time).
    public static func openPostgres(
        url: String, poolSize: Int = defaultPoolSize, timeout: Duration? = defaultTimeout, logger: Logger = Logger(label: "reviewcal.store")
    ) async throws -> ReviewStore {
        let pool = try await PostgresPool.open(url: url, size: max(1, poolSize), location: redacted(url), timeout: timeout, logger: logger)
        let store = ReviewStore(backend: .postgres(pool), location: redacted(url), dialect: .postgres, timeout: timeout)
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
    public static func lockNumber(_ key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Runs `body` on the connection that writes, with no time limit (backup, restore and migrations, which
    /// may take long on a large database).
    func withWriter<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withWriterSession(timeout: nil) { db, _ in try await body(db) }
    }

    /// Runs `body` on the connection that writes, with postgres-nio's connection on PostgreSQL, within `timeout` (see
    /// ``PostgresPool/withConnection(timeout:_:)``; on SQLite the one writer is this process's own, and a lock held by
    /// another process is waited for ``timeout`` at most).
    func withWriterSession<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase, ConnectionGuard?) async throws -> T) async throws -> T {
        // Counted once lent, not while waiting for a connection.
        switch backend {
        case .sqlite(let connections): return try await connections.withWriter { db in try await usage.using { try await body(db, nil) } }
        case .postgres(let pool):
            return try await pool.withConnection(timeout: timeout) { db, connection in try await usage.using { try await body(db, connection) } }
        }
    }

    /// Runs `body` on a connection that reads, within `timeout` (none: no limit).
    func withReader<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // Counted once lent, not while waiting for a connection.
        switch backend {
        case .sqlite(let connections): return try await connections.withReader { db in try await usage.using { try await body(db) } }
        case .postgres(let pool): return try await pool.withConnection(timeout: timeout) { db, _ in try await usage.using { try await body(db) } }
        }
    }

    /// Whether the database answers and its schema is the one this program writes, for `/readyz`: within 3 seconds
    /// (or ``timeout`` when shorter).
    public func check() async throws {
        let limit = min(callTimeout ?? .seconds(3), .seconds(3))
        let version: Int
        do {
            version = try await withReader(timeout: limit) { db in
                let rows = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
                return try rows.first?.decodeNil(column: "v") == false ? try rows[0].decode(column: "v", as: Int.self) : 0
            }
            health.reached()
        } catch {
            let answer = Self.answer(for: error)
            if Self.outOfReach(error) { health.unreachable = true }
            throw answer
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
                // Instances starting together take turns; the lock ends with the transaction, and neither the wait for
                // it nor a long migration is cut by the connections' statement timeout.
                if dialect == .postgres {
                    try await database.raw("SET LOCAL statement_timeout = 0").run()
                    try await database.raw("SET LOCAL idle_in_transaction_session_timeout = 0").run()
                    try await database.raw("SELECT pg_advisory_xact_lock(727201)").run()
                }
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
    /// - Throws: ``StoreError/busy`` when concurrent writes kept failing it, ``StoreError/unavailable(_:detail:)``
    ///   when the database could not store it within ``timeout``, or what `body` throws.
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
    /// Returns the error that every write queued behind this batch should be answered with at once (the database is
    /// unavailable: they would only wait for the same failure), or nil.
    fileprivate func commit(_ batch: [PendingWrite], key: String) async -> (any Error)? {
        let deadline = callTimeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        // Most batches commit whole: the first try runs them without a savepoint per write. When one write fails, the
        // batch runs again with savepoints, so that the failure is rolled back alone.
        var careful = false
        while true {
            let progress = TransactionProgress()
            do {
                let outcomes = try await runTransaction(batch, key: key, careful: careful, deadline: deadline, progress: progress)
                Counter(label: "reviewcal_db_write_transactions_total", dimensions: [("outcome", "committed")]).increment()
                health.committed()
                health.reached()
                for (write, outcome) in zip(batch, outcomes) { write.complete(outcome) }
                return nil
            } catch {
                let fault = StoreFault.of(error)
                if fault == nil && batch.count > 1 && !careful {
                    careful = true
                    continue
                }
                if dialect == .postgres, Self.isRetryable(error), attempt < Self.writeAttempts {
                    // Back off a little, more each time, so that the instances do not collide again at once.
                    try? await Task.sleep(nanoseconds: UInt64(attempt * attempt) * 2_000_000 + UInt64.random(in: 0..<2_000_000))
                    attempt += 1
                    continue
                }
                if fault == .connection, !progress.commitSent, deadline.map({ ContinuousClock.now < $0 }) ?? true {
                    // The connection was lost before the commit was sent, so nothing of the batch is stored: run it
                    // again on another connection (the pool opens one when the server is back) while time lasts.
                    Counter(label: "reviewcal_db_errors_total", dimensions: [("kind", StoreFault.connection.rawValue)]).increment()
                    try? await Task.sleep(for: .milliseconds(min(50 * attempt, 500)))
                    attempt += 1
                    continue
                }
                let answer = Self.answer(for: error)
                if let fault = StoreFault.of(answer) {
                    Counter(label: "reviewcal_db_errors_total", dimensions: [("kind", fault.rawValue)]).increment()
                    Counter(label: "reviewcal_db_write_transactions_total", dimensions: [("outcome", "failed")]).increment()
                    health.failed(answer)
                    if Self.outOfReach(error) { health.unreachable = true }
                }
                for write in batch { write.complete(.failure(answer)) }
                if let fault = StoreFault.of(answer), fault != .busy { return answer }
                return nil
            }
        }
    }

    /// Whether `error` says that the database could not be reached or did not answer at all: a connection lost or
    /// refused, the server shutting down, no connection or no answer within the deadline. Not a statement the server
    /// itself stopped for running too long, or waiting too long for a lock: that server answers.
    static func outOfReach(_ error: any Error) -> Bool {
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return state.hasPrefix("08") || state.hasPrefix("57P")
        }
        let fault = StoreFault.of(error)
        return fault == .connection || fault == .timeout
    }

    /// What a caller hears of a failed transaction: a fault of the database as ``StoreError`` (busy after the retries,
    /// or unavailable, with the database's words kept for the log), anything else as it is.
    static func answer(for error: any Error) -> any Error {
        if error is StoreError { return error }
        guard let fault = StoreFault.of(error) else { return error }
        return fault == .busy ? StoreError.busy : StoreError.unavailable(fault, detail: StoreFault.detail(of: error))
    }

    /// One transaction over `batch`: the outcome of each write, once committed. Throws when the transaction as a
    /// whole failed (nothing of it stored, unless `progress` says the commit was sent).
    private func runTransaction(
        _ batch: [PendingWrite], key lockKey: String, careful: Bool, deadline: ContinuousClock.Instant?, progress: TransactionProgress
    ) async throws -> [Result<Void, any Error>] {
        let begin = begin
        let dialect = dialect
        let rows = rows
        if let deadline, ContinuousClock.now >= deadline {
            throw StoreError.unavailable(.timeout, detail: "hết thời gian chờ trước khi có kết nối")
        }
        return try await withWriterSession(timeout: deadline.map { $0 - ContinuousClock.now }) { database, postgres in
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
                                // A fault of the database ends the whole transaction: the other writes cannot go on.
                                if let fault = StoreFault.of(error), fault != .busy { throw error }
                                try await database.raw("ROLLBACK TO SAVEPOINT w").run()
                                try await database.raw("RELEASE SAVEPOINT w").run()
                                if dialect == .postgres, Self.isRetryable(error), attempt < Self.writeAttempts {
                                    attempt += 1
                                    continue
                                }
                                outcomes.append(.failure(dialect == .postgres && Self.isRetryable(error) ? StoreError.busy : Self.answer(for: error)))
                                break
                            }
                        }
                    }
                }
                progress.commitSent = true
                try await database.raw("COMMIT").run()
                return outcomes
            } catch {
                do {
                    try await database.raw("ROLLBACK").run()
                } catch {
                    // A connection that cannot even roll back is in no known state: closed, never lent again.
                    try? await postgres?.connection.close()
                }
                throw error
            }
        }
    }

    /// Runs read-only `body`, within ``timeout``.
    ///
    /// - Throws: ``StoreError/unavailable(_:detail:)`` when the database could not answer in time, or what `body` throws.
    public func read<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        let rows = rows
        do {
            let value = try await withReader(timeout: callTimeout) { db in try await body(StoreTransaction(db: db, rows: rows)) }
            health.reached()
            return value
        } catch {
            let answer = Self.answer(for: error)
            if let fault = StoreFault.of(answer) {
                Counter(label: "reviewcal_db_errors_total", dimensions: [("kind", fault.rawValue)]).increment()
                if Self.outOfReach(error) { health.unreachable = true }
            } else {
                // The database answered: a refusal of the call's own.
                health.reached()
            }
            throw answer
        }
    }

    /// Why writes do not go through right now, or nil when they do, for `/readyz`: a write waiting in a queue for
    /// longer than ``timeout`` and 2 seconds (a queue stalled), or — after a write failed because of the database (the
    /// database down or not answering, a full disk) and none succeeded since — a probe write that fails too (at most
    /// one probe a second; a probe that succeeds clears the failure).
    public func writeProblem() async -> String? {
        if let waited = queues.oldestWait, waited > (timeout ?? .seconds(30)) + .seconds(2) {
            return "một lệnh ghi đã chờ \(waited.components.seconds) giây chưa xong"
        }
        guard let failure = health.failing else { return nil }
        if case .sqlite = backend, StoreFault.of(failure) == .diskFull, let free = Self.freeSpace(at: location), free < Self.minimumFreeSpace {
            // A small write may still fit where a batch of them did not: the disk is full until space is freed, or
            // until a write of the service's own succeeds.
            return "ổ đĩa của cơ sở dữ liệu đã đầy (còn \(free / 1024) KiB trống)"
        }
        return await health.probe {
            do {
                try await self.write(serializedOn: "reviewcal-probe") { tx in
                    // A real write that changes nothing: the last migration's row, rewritten with its own values.
                    try await tx.db.raw("UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)").run()
                }
                return nil
            } catch {
                return "không ghi được: \(error)"
            }
        }
    }

    /// The free space an SQLite database needs, after its disk was found full, before writes are said to go through.
    static let minimumFreeSpace: UInt64 = 4 << 20

    /// Bytes free for this process on the file system of the file at `path`, or nil when unknown.
    static func freeSpace(at path: String) -> UInt64? {
        let directory = (path as NSString).deletingLastPathComponent
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// Whether a write failed because of the database with none committed since (``writeProblem()`` then probes).
    var writeProblemPending: Bool { health.failing != nil }

    /// How long the oldest write waiting in a queue (or in a batch not yet committed) has waited, or nil when none
    /// waits: `reviewcal_db_write_queue_oldest_seconds`.
    public var oldestWriteWait: Duration? { queues.oldestWait }

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

/// How far a transaction went: once its commit was sent, a lost connection leaves its outcome unknown.
private final class TransactionProgress: @unchecked Sendable {
    // @unchecked: set and read by the one task that runs the transaction.
    var commitSent = false
}

/// Whether writes have been failing because of the database, for ``ReviewStore/writeProblem()``.
final class WriteHealth: @unchecked Sendable {
    // @unchecked: every field is only touched under `lock`.
    private let lock = NSLock()
    private var failure: (any Error)?
    private var lost = false
    private var lastProbe: (at: ContinuousClock.Instant, problem: String?)?
    private var probing: Task<String?, Never>?

    /// The last write's failure, when writes have failed since the last success.
    var failing: (any Error)? { lock.withLock { failure } }

    func committed() { lock.withLock { failure = nil } }

    /// Whether the last call lost its connection or found none in time, with no call served since.
    var unreachable: Bool {
        get { lock.withLock { lost } }
        set { lock.withLock { lost = newValue } }
    }

    /// A call was served.
    func reached() { lock.withLock { lost = false } }
    func failed(_ error: any Error) { lock.withLock { failure = error } }

    /// The problem a probe write finds (nil: none), probing at most once a second; callers meanwhile share the probe
    /// under way or the last one's answer.
    func probe(_ run: @escaping @Sendable () async -> String?) async -> String? {
        let task: Task<String?, Never> = lock.withLock {
            if let probing { return probing }
            if let lastProbe, ContinuousClock.now - lastProbe.at < .seconds(1) { return Task { lastProbe.problem } }
            let task = Task { await run() }
            probing = task
            return task
        }
        let problem = await task.value
        lock.withLock {
            if probing == task {
                probing = nil
                lastProbe = (ContinuousClock.now, problem)
            }
        }
        return problem
    }
}

/// The value a queued write returned, handed back to its caller after the commit.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked: written by the draining task before the caller's continuation resumes, read by the caller after.
    var value: T?
}
