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
/// Each store holds one connection and lets one transaction through it at a time. Writes of one district never
/// interleave, whichever instance makes them: on SQLite, `BEGIN IMMEDIATE` makes writers of other processes wait
/// their turn; on PostgreSQL, a write first takes a transaction lock named after its district, so every statement
/// after it sees what the previous writer committed, and different districts write in parallel. A write that fails
/// because of another one all the same (a deadlock, a unique key taken meanwhile) is retried.
public final class ReviewStore: Sendable {
    /// The database behind a store.
    public enum Dialect: String, Sendable {
        /// One SQLite file (the default: nothing to install).
        case sqlite
        /// A PostgreSQL server, shared by several instances.
        case postgres
    }

    private let connection: Connection
    private let gate = AsyncGate()
    private let rows = RowCache()
    /// Where the data lives, for messages (a file path, or the server without its password).
    public let location: String
    /// Which database.
    public let dialect: Dialect
    /// Attempts for a PostgreSQL write that a concurrent instance made fail.
    static let writeAttempts = 8

    private init(connection: Connection, location: String, dialect: Dialect) {
        self.connection = connection
        self.location = location
        self.dialect = dialect
    }

    /// Opens the store named by `url`: `postgres://user:password@host:port/database` (or `postgresql://`), else a
    /// path to an SQLite file.
    public static func open(_ url: String, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return try await openPostgres(url: url, logger: logger) }
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
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw StoreError.cannotOpen(path, underlying: "\(error)")
        }
        let db = connection.sql()
        do {
            // WAL lets readers run beside the writer; FULL sync makes every acknowledged commit survive a crash.
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = FULL").run()
            try await db.raw("PRAGMA busy_timeout = 10000").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
        } catch {
            // Not an SQLite database, or unreadable: closed before the error goes up.
            try? await connection.close()
            throw StoreError.cannotOpen(path, underlying: "\(error)")
        }
        let store = ReviewStore(connection: .sqlite(db, close: { try await connection.close() }), location: path, dialect: .sqlite)
        try await store.migrateOrClose()
        return store
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date (one instance at a time).
    public static func openPostgres(url: String, logger: Logger = Logger(label: "reviewcal.store")) async throws -> ReviewStore {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.unsupportedURL(Self.redacted(url))
        }
        let postgres = PostgresLink(configuration: configuration.coreConfiguration, logger: logger, location: Self.redacted(url))
        _ = try await postgres.database()
        let store = ReviewStore(connection: .postgres(postgres), location: Self.redacted(url), dialect: .postgres)
        try await store.migrateOrClose()
        return store
    }

    /// `url` without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "…"
        return parts.string ?? "postgres://…"
    }

    /// Closes the connection.
    public func close() async throws {
        switch connection {
        case .sqlite(_, let close): try await close()
        case .postgres(let link): try await link.close()
        }
    }

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

    private func database() async throws -> any SQLDatabase {
        switch connection {
        case .sqlite(let db, _): db
        case .postgres(let link): try await link.database()
        }
    }

    /// Brings the schema up to date; on failure the connection is closed before the error goes up.
    private func migrateOrClose() async throws {
        do {
            try await migrate()
        } catch {
            try? await close()
            throw error
        }
    }

    private func migrate() async throws {
        try await gate.run {
            let database = try await database()
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
    /// (reviewcal uses the district's id) run one after another across every instance on the database. On PostgreSQL
    /// `body` may run again when a concurrent write made the transaction fail, so it must not act outside the store.
    ///
    /// - Throws: ``StoreError/busy`` when concurrent writes kept failing it, or what `body` throws.
    public func write<T: Sendable>(serializedOn key: String = "", _ body: (StoreTransaction) async throws -> T) async throws -> T {
        try await gate.run {
            var attempt = 1
            while true {
                let database = try await database()
                try await database.raw(begin).run()
                do {
                    if dialect == .postgres { try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.lockNumber(key)))").run() }
                    let result = try await body(StoreTransaction(db: database, rows: rows))
                    try await database.raw("COMMIT").run()
                    return result
                } catch {
                    try? await database.raw("ROLLBACK").run()
                    guard dialect == .postgres, PostgresLink.isRetryable(error) else { throw error }
                    guard attempt < Self.writeAttempts else { throw StoreError.busy }
                    // Back off a little, more each time, so that the instances do not collide again at once.
                    try await Task.sleep(nanoseconds: UInt64(attempt * attempt) * 2_000_000 + UInt64.random(in: 0..<2_000_000))
                    attempt += 1
                }
            }
        }
    }

    /// Runs read-only `body`.
    public func read<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        try await gate.run { try await body(StoreTransaction(db: try await database(), rows: rows)) }
    }
}

/// The store's connection, per database.
private enum Connection: Sendable {
    case sqlite(any SQLDatabase, close: @Sendable () async throws -> Void)
    case postgres(PostgresLink)
}

/// Formats instants for text columns: ISO 8601 in UTC with milliseconds, which sorts as text.
///
/// Written and read by hand rather than through `ISO8601FormatStyle`: every stored row carries a few, and the
/// formatter's cost showed when a page reads a thousand rows. The text has the formatter's shape (milliseconds
/// truncated), an instant read from a text writes that same text again, and anything else ISO 8601 is still parsed
/// by the formatter.
public enum Timestamp {
    /// `2023-12-07T08:00:00.000Z`.
    public static func string(_ date: Date) -> String {
        // Whole seconds, then the milliseconds cut; half a microsecond added first, so that an instant read back from
        // a stored text (a binary fraction a hair below the millisecond) gives that same text again.
        let t = date.timeIntervalSince1970
        var whole = t.rounded(.down)
        var ms = Int(((t - whole) * 1000 + 0.0005).rounded(.down))
        if ms == 1000 {
            whole += 1
            ms = 0
        }
        let seconds = Int(whole)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let d = LocalDate(daysSinceEpoch: days)
        let rest = seconds - days * 86400
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ n: Int, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var v = n
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            out += digits
        }
        put(d.year, 4); out.append(0x2D); put(d.month, 2); out.append(0x2D); put(d.day, 2); out.append(0x54)
        put(rest / 3600, 2); out.append(0x3A); put(rest / 60 % 60, 2); out.append(0x3A); put(rest % 60, 2); out.append(0x2E)
        put(ms, 3); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `string(_:)`'s output (and, more slowly, any other ISO 8601 instant).
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A,
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
            let ms = num(20, 3), h < 24, mi < 60, s < 60, let date = LocalDate(year: y, month: mo, day: d)
        else {
            return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        }
        // Counted from 2001 as `Date` stores it, so that the value is the formatter's to within a nanosecond.
        let seconds = date.daysSinceEpoch * 86400 + h * 3600 + mi * 60 + s - 978_307_200
        return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(ms) / 1000)
    }
}
