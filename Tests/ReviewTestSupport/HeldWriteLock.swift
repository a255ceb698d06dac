import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import ReviewStore
import SQLiteKit

/// The write lock of a database held from outside the store under test, as another process holding it would:
/// on SQLite the file's write lock (`BEGIN IMMEDIATE` on a connection of its own), on PostgreSQL the transaction lock
/// the store takes for writes serialised on `key`. Released by ``release()``.
public final class HeldWriteLock: @unchecked Sendable {
    // @unchecked: set once in `hold`, used by the one test that holds it.
    private var sqlite: SQLiteConnection?
    private var postgres: PostgresConnection?
    private var threads: NIOThreadPool?

    private init() {}

    /// Takes the lock of the database at `url` (a store URL of ``TestDatabase``) for writes serialised on `key`.
    public static func hold(_ url: String, key: String) async throws -> HeldWriteLock {
        let held = HeldWriteLock()
        let logger = Logger(label: "test.lock")
        if url.hasPrefix("postgres") {
            let configuration = try SQLPostgresConfiguration(url: url)
            let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: logger)
            held.postgres = connection
            try await connection.sql().raw("BEGIN").run()
            try await connection.sql().raw("SELECT pg_advisory_xact_lock(\(bind: ReviewStore.lockNumber(key)))").run()
        } else {
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            held.threads = threads
            let connection = try await SQLiteConnection.open(
                storage: .file(path: url), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
            held.sqlite = connection
            try await connection.sql().raw("BEGIN IMMEDIATE").run()
        }
        return held
    }

    /// Ends the transaction holding the lock and closes its connection.
    public func release() async {
        if let postgres {
            try? await postgres.sql().raw("ROLLBACK").run()
            try? await postgres.close()
        }
        if let sqlite {
            try? await sqlite.sql().raw("ROLLBACK").run()
            try? await sqlite.close()
        }
        try? await threads?.shutdownGracefully()
        postgres = nil
        sqlite = nil
        threads = nil
    }
}

/// Runs `body` and fails with `TimedOut` when it has not ended after `seconds`, without waiting for it: a body that
/// hangs (the bug a test looks for) leaves its task behind instead of the whole test run.
public func within<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = ResumeOnce(continuation)
        Task { once.resume(with: await Result(catching: body)) }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            once.resume(with: .failure(TimedOut(seconds: seconds)))
        }
    }
}

/// What ``within(_:_:)`` throws.
public struct TimedOut: Error, CustomStringConvertible {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public var description: String { "did not end within \(seconds) s" }
}

private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    // @unchecked: `continuation` is only touched under `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }
    func resume(with result: Result<T, any Error>) {
        let taken: CheckedContinuation<T, any Error>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(with: result)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
