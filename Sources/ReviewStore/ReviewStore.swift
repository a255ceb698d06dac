import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// The one storage implementation: SQL through SQLKit, on SQLite by default.
///
/// All SQL is written once and runs on every dialect SQLKit supports; rows keep the district id so
/// that many districts share one database. SQLite has a single writer, so its one connection lets
/// one transaction through at a time.
public final class ReviewStore: Sendable {
    private let database: any SQLDatabase
    private let gate = AsyncGate()
    private let closeConnection: @Sendable () async throws -> Void
    /// Where the data lives, for messages.
    public let location: String

    private init(database: any SQLDatabase, location: String, close: @escaping @Sendable () async throws -> Void) {
        self.database = database
        self.location = location
        self.closeConnection = close
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
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw StoreError.cannotOpen(path, underlying: "\(error)")
        }
        let db = connection.sql()
        // WAL lets readers run beside the writer; FULL sync makes every acknowledged commit survive a crash.
        try await db.raw("PRAGMA journal_mode = WAL").run()
        try await db.raw("PRAGMA synchronous = FULL").run()
        try await db.raw("PRAGMA busy_timeout = 10000").run()
        try await db.raw("PRAGMA foreign_keys = ON").run()
        let store = ReviewStore(database: db, location: path) { try await connection.close() }
        try await store.migrate()
        return store
    }

    /// Closes the connection.
    public func close() async throws {
        try await closeConnection()
    }

    /// The schema version this program writes.
    public static var schemaVersion: Int { Migrations.steps.count }

    private func migrate() async throws {
        try await gate.run {
            try await database.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)").run()
            let rows = try await database.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
            let current = try rows.first?.decodeNil(column: "v") == false ? try rows[0].decode(column: "v", as: Int.self) : 0
            if current > Migrations.steps.count {
                throw StoreError.newerSchema(found: current, known: Migrations.steps.count)
            }
            for (index, step) in Migrations.steps.enumerated() where index + 1 > current {
                try await database.raw("BEGIN IMMEDIATE").run()
                do {
                    for statement in step {
                        try await database.raw(SQLQueryString(statement)).run()
                    }
                    let version = index + 1
                    let now = Timestamp.string(Date())
                    try await database.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: version), \(bind: now))").run()
                    try await database.raw("COMMIT").run()
                } catch {
                    try? await database.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }

    /// Runs `body` in one transaction: everything it writes is stored, or nothing is.
    public func write<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        try await gate.run {
            try await database.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(StoreTransaction(db: database))
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Runs read-only `body`.
    public func read<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        try await gate.run { try await body(StoreTransaction(db: database)) }
    }
}

/// Formats instants for text columns: ISO 8601 in UTC with milliseconds, which sorts as text.
public enum Timestamp {
    /// `2023-12-07T08:00:00.000Z`.
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses `string(_:)`'s output.
    public static func date(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
