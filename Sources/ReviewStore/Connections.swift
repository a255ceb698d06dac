import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import SQLKit
import SQLiteKit

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

    /// Opens `1 + readers` connections to the file at `path`, each set up for WAL and full sync.
    static func open(path: String, readers: Int, logger: Logger) async throws -> SQLiteConnections {
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
                try await db.raw("PRAGMA busy_timeout = 10000").run()
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
    static func open(url: String, size: Int, location: String, logger: Logger) async throws -> PostgresPool {
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
        let pool = PostgresPool(client: PostgresClient(configuration: configuration, backgroundLogger: logger), size: size, location: location)
        await pool.waitUntilRunning()
        return pool
    }

    /// Runs `body` on a connection of the pool, waiting for one when all are lent out.
    func withConnection<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql()) }
    }

    /// The same, with postgres-nio's connection beside it (for statements prepared once per connection).
    func withConnection<T: Sendable>(_ body: (any SQLDatabase, PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql(), connection) }
    }

    func close() async {
        runner.cancel()
        await runner.value
    }
}
