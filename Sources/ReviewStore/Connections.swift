import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import SQLKit
import SQLiteKit

/// A value handed to a child task that ends before the value's scope does (a task group awaited in that scope).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Lends out `count` numbered slots, one holder each; callers beyond that wait in order of arrival.
actor SlotPool {
    private var free: [Int]
    private var waiters: [CheckedContinuation<Int, Never>] = []

    init(count: Int) {
        free = Array((0..<count).reversed())
    }

    func acquire() async -> Int {
        if let slot = free.popLast() { return slot }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ slot: Int) {
        if waiters.isEmpty {
            free.append(slot)
        } else {
            waiters.removeFirst().resume(returning: slot)
        }
    }
}

/// How many of the store's connections are lent out right now, for `/metrics`.
final class UsageCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0

    var current: Int { lock.withLock { value } }

    func using<T>(_ body: () async throws -> T) async rethrows -> T {
        lock.withLock { value += 1 }
        defer { lock.withLock { value -= 1 } }
        return try await body()
    }
}

/// SQLite: one writer connection (SQLite has one writer at a time) and a few readers beside it (WAL lets readers run
/// while the writer writes, each seeing the last commit).
///
/// The connections run on threads of their own: SQLite blocks its thread while a writer waits for another process's
/// lock (`busy_timeout`), and on a shared pool that wait could hold up the very commit it waits for.
final class SQLiteConnections: Sendable {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writerSlot = SlotPool(count: 1)
    private let readerSlots: SlotPool
    private let threads: NIOThreadPool

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threads: NIOThreadPool) {
        self.writer = writer
        self.readers = readers
        self.readerSlots = SlotPool(count: readers.count)
        self.threads = threads
    }

    /// Opens `1 + readers` connections to the file at `path`, each set up for WAL and full sync; a lock held by another
    /// process is waited for `busyTimeout` at most (none: 10 seconds).
    static func open(path: String, readers: Int, busyTimeout: Duration?, logger: Logger) async throws -> SQLiteConnections {
        let busyMilliseconds = Int((busyTimeout ?? .seconds(10)).components.seconds * 1000)
        let count = 1 + max(1, readers)
        let threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
        var opened: [SQLiteConnection] = []
        do {
            for _ in 0..<count {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
                opened.append(connection)
                let db = connection.sql()
                // WAL lets readers run beside the writer; FULL sync makes every acknowledged commit survive a crash.
                try await db.raw("PRAGMA journal_mode = WAL").run()
                try await db.raw("PRAGMA synchronous = FULL").run()
                try await db.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyMilliseconds))").run()
                try await db.raw("PRAGMA foreign_keys = ON").run()
                // The savepoints of a batch journal in memory, not in a temporary file.
                try await db.raw("PRAGMA temp_store = MEMORY").run()
            }
        } catch {
            // Not an SQLite database, or unreadable: what was opened is closed before the error goes up.
            for connection in opened { try? await connection.close() }
            try? await threads.shutdownGracefully()
            throw StoreError.cannotOpen(path, underlying: "\(error)")
        }
        return SQLiteConnections(writer: opened[0], readers: Array(opened.dropFirst()), threads: threads)
    }

    var size: Int { 1 + readers.count }

    /// A store dropped without ``close()`` (a task that ended on an error) still closes its files: each close holds
    /// its connection until done.
    deinit {
        let open = ([writer] + readers).filter { !$0.isClosed }
        guard !open.isEmpty else { return }
        let threads = threads
        EventLoopFuture.andAllComplete(open.map { $0.close() }, on: MultiThreadedEventLoopGroup.singleton.any())
            .whenComplete { _ in threads.shutdownGracefully { _ in } }
    }

    func withWriter<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        _ = await writerSlot.acquire()
        defer { Task { await writerSlot.release(0) } }
        return try await body(writer.sql())
    }

    func withReader<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let slot = await readerSlots.acquire()
        defer { Task { await readerSlots.release(slot) } }
        return try await body(readers[slot].sql())
    }

    /// Closes every connection (each once, whatever happens to the others).
    func close() async throws {
        var failure: (any Error)?
        for connection in [writer] + readers where !connection.isClosed {
            do { try await connection.close() } catch { failure = failure ?? error }
        }
        try? await threads.shutdownGracefully()
        if let failure { throw failure }
    }
}

/// PostgreSQL: postgres-nio's connection pool, at most `size` connections, opened again when the server closed them
/// (a restart, a failover), so that an instance outlives its database server's restarts.
final class PostgresPool: Sendable {
    private let client: PostgresClient
    private let guards = ConnectionGuards()
    private let runner: Task<Void, Never>
    let size: Int
    private let location: String

    private init(client: PostgresClient, size: Int, location: String) {
        self.client = client
        self.size = size
        self.location = location
        let started = self.started
        runner = Task {
            started.withLockedValue { $0 = true }
            await client.run()
        }
    }

    /// Set when the pool's task is about to run it: connections are lent only once it runs.
    private let started = NIOLockedValueBox(false)

    /// Waits until the pool's task has started.
    func waitUntilRunning() async {
        while !started.withLockedValue({ $0 }) { await Task.yield() }
        await Task.yield()
    }

    /// Checks that the server at `url` answers (so that a wrong address fails at once, with the server's reason),
    /// then starts a pool of at most `size` connections.
    /// `timeout`, when given, sets PostgreSQL's `statement_timeout` on every connection to nine tenths of it (so that a
    /// server that answers stops a long statement itself, before the store gives up on it), and twice it the
    /// `idle_in_transaction_session_timeout` (so that a connection given up in the middle of a transaction does not
    /// hold its locks for long).
    static func open(url: String, size: Int, location: String, timeout: Duration?, logger: Logger) async throws -> PostgresPool {
        let probe: SQLPostgresConfiguration
        do {
            probe = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.unsupportedURL(location)
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: probe.coreConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw StoreError.cannotOpen(location, underlying: "\(String(reflecting: error))")
        }
        guard let parts = URLComponents(string: url), let host = parts.host, let user = parts.user else {
            throw StoreError.unsupportedURL(location)
        }
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? query["tlsmode"] ?? "disable" {
        case "require", "verify-ca", "verify-full":
            tls = .require(.makeClientConfiguration())
        case "prefer", "allow":
            tls = .prefer(.makeClientConfiguration())
        default:
            tls = .disable
        }
        var database = parts.path
        if database.hasPrefix("/") { database.removeFirst() }
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = size
        configuration.options.minimumConnections = 0
        if let timeout {
            let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            configuration.options.additionalStartupParameters = [
                ("statement_timeout", String(ms * 9 / 10)), ("idle_in_transaction_session_timeout", String(2 * ms)),
            ]
            // A connection to a server that does not answer is given up as fast as a statement would be.
            configuration.options.connectTimeout = timeout
        }
        let pool = PostgresPool(client: PostgresClient(configuration: configuration, backgroundLogger: logger), size: size, location: location)
        await pool.waitUntilRunning()
        return pool
    }

    /// Runs `body` on a connection of the pool, waiting for one when all are lent out, with postgres-nio's connection
    /// beside it (for statements prepared once per connection).
    ///
    /// With a `timeout`, the wait for a connection and `body` together get that long: past it, a wait for a connection
    /// is given up, and a connection lent out is closed — which fails the statement waiting on it at once, whatever
    /// the server does, and takes the connection out of the pool (the pool opens another when needed) — and the call
    /// throws ``StoreError/unavailable(_:detail:)`` with ``StoreFault/timeout``. Unless `body` finished anyway: then its
    /// result is returned.
    ///
    /// Every statement `body` sends through the database or the guard it is given ends when the connection closes.
    func withConnection<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase, ConnectionGuard) async throws -> T) async throws -> T {
        let client = client
        let guards = guards
        guard let timeout else {
            return try await client.withConnection { connection in
                let watched = guards.of(connection)
                return try await body(GuardedSQLDatabase(base: connection.sql(), connectionGuard: watched), watched)
            }
        }
        return try await withoutActuallyEscaping(body) { body in
            // The task group below awaits its children before it returns: `body` does not outlive this call.
            let work = UncheckedSendable(body)
            let lent = NIOLockedValueBox<PostgresConnection?>(nil)
            return try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
                group.addTask {
                    do {
                        return .done(try await client.withConnection { connection in
                            lent.withLockedValue { $0 = connection }
                            defer { lent.withLockedValue { $0 = nil } }
                            let watched = guards.of(connection)
                            return try await work.value(GuardedSQLDatabase(base: connection.sql(), connectionGuard: watched), watched)
                        })
                    } catch {
                        return .failed(error)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return .timedOut
                }
                let first = try await group.next() ?? .timedOut
                switch first {
                case .done(let value):
                    group.cancelAll()
                    return value
                case .failed(let error):
                    group.cancelAll()
                    throw error
                case .timedOut:
                    break
                }
                // Past the deadline: stop waiting for a connection, close the one lent out, and hear how `body` ended.
                group.cancelAll()
                let connection = lent.withLockedValue { $0 }
                connection?.close().whenComplete { _ in }
                while let next = try await group.next() {
                    switch next {
                    case .done(let value): return value
                    case .failed(let error):
                        let waited = "\(timeout.components.seconds) giây"
                        throw StoreError.unavailable(
                            .timeout,
                            detail: connection == nil ? "không có kết nối nào trong \(waited) (\(StoreFault.detail(of: error)))"
                                : "không trả lời trong \(waited); kết nối đã đóng (\(StoreFault.detail(of: error)))")
                    case .timedOut: continue
                    }
                }
                throw StoreError.unavailable(.timeout, detail: "không trả lời trong \(timeout.components.seconds) giây")
            }
        }
    }

    /// How a call of ``withConnection(timeout:_:)`` ended, or its timer.
    private enum Outcome<T: Sendable>: Sendable {
        case done(T)
        case failed(any Error)
        case timedOut
    }

    func close() async {
        runner.cancel()
        await runner.value
    }
}

/// A PostgreSQL connection whose statements all end when it closes.
///
/// postgres-nio writes a statement to its channel without a promise for the write: a statement written just as the
/// connection closes (the server restarting sends its last error and hangs up) never reaches the connection's
/// handler, and its caller would wait for ever. Each statement the store sends is tracked here instead, and failed
/// when the connection's channel closes, or at once when it has closed already; closing a connection (a deadline
/// passed) so ends every statement waiting on it.
final class ConnectionGuard: @unchecked Sendable {
    // @unchecked: `closed`, `pending` and `next` are only touched under `lock`.
    let connection: PostgresConnection
    private let lock = NSLock()
    private var closed = false
    private var pending: [Int: @Sendable (any Error) -> Void] = [:]
    private var next = 0
    private let onClose: @Sendable () -> Void

    init(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) {
        self.connection = connection
        self.onClose = onClose
        connection.closeFuture.whenComplete { _ in self.failAll() }
    }

    /// Whether the connection's channel has closed.
    var isClosed: Bool { lock.withLock { closed } }

    static var closedError: StoreError { .unavailable(.connection, detail: "kết nối tới PostgreSQL đã đóng") }

    /// `start`'s future, or a failure as soon as the connection closes (`start` is not run when it has closed).
    func guarded<T: Sendable>(future start: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let promise = connection.eventLoop.makePromise(of: T.self)
        let id: Int? = lock.withLock {
            if closed { return nil }
            next += 1
            pending[next] = { promise.fail($0) }
            return next
        }
        guard let id else {
            promise.fail(Self.closedError)
            return promise.futureResult
        }
        start().whenComplete { result in
            // Whoever takes the entry out completes the promise: the statement, or the close.
            if self.lock.withLock({ self.pending.removeValue(forKey: id) != nil }) { promise.completeWith(result) }
        }
        return promise.futureResult
    }

    /// `body` run in a task of its own, ended as ``guarded(future:)`` ends a statement (for postgres-nio's async calls).
    func guarded<T: Sendable>(task body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await guarded(future: { () -> EventLoopFuture<T> in
            let promise = connection.eventLoop.makePromise(of: T.self)
            // On the write queue's own thread when a batch runs it, as the batch's other statements.
            Task(executorPreference: WriterExecutor.current ?? globalConcurrentExecutor) {
                do { promise.succeed(try await body()) } catch { promise.fail(error) }
            }
            return promise.futureResult
        }).get()
    }

    private func failAll() {
        let waiting: [@Sendable (any Error) -> Void] = lock.withLock {
            closed = true
            defer { pending = [:] }
            return Array(pending.values)
        }
        for fail in waiting { fail(Self.closedError) }
        onClose()
    }
}

/// The guards of a pool's connections, one per connection, dropped when it closes.
final class ConnectionGuards: @unchecked Sendable {
    // @unchecked: `guards` is only touched under `lock`.
    private let lock = NSLock()
    private var guards: [ObjectIdentifier: ConnectionGuard] = [:]

    func of(_ connection: PostgresConnection) -> ConnectionGuard {
        // A guard holds its connection: while it is listed here, no other connection can take its identifier.
        let key = ObjectIdentifier(connection)
        if let existing = lock.withLock({ guards[key] }) { return existing }
        // Made outside the lock: the close may be reported at once, and its report takes the lock.
        let made = ConnectionGuard(connection) { [weak self] in self?.drop(key) }
        let listed = lock.withLock {
            if let existing = guards[key] { return existing }
            guards[key] = made
            return made
        }
        if listed.isClosed { drop(key) }
        return listed
    }

    private func drop(_ key: ObjectIdentifier) {
        lock.withLock { _ = guards.removeValue(forKey: key) }
    }
}

/// SQLKit over a guarded PostgreSQL connection: every statement ends when the connection closes.
struct GuardedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let connectionGuard: ConnectionGuard

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        connectionGuard.guarded(future: { base.execute(sql: query, onRow) })
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }
}
