import Foundation
import Logging
import PostgresKit

/// The database a test uses: a new SQLite file, or a new database on the PostgreSQL server named by the environment
/// variable `REVIEWCAL_TEST_POSTGRES` (`postgres://user@host:port/db`), so that the same tests run on both stores
/// (`scripts/test.sh` starts a throwaway server and runs them on PostgreSQL too when it is installed).
public enum TestDatabase {
    /// The store's deadline in tests that are not about deadlines: the suites run side by side on two cores, and a
    /// batch of two hundred writes behind a busy PostgreSQL can take longer than the servers' five seconds. The
    /// tests of the deadlines themselves (StoreFaultTests, DatabaseFaultTests) give their own, short ones.
    public static let timeout: Duration = .seconds(60)

    /// The PostgreSQL server to use, if any.
    public static var postgresServer: String? {
        ProcessInfo.processInfo.environment["REVIEWCAL_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backends to run a storage test on: SQLite always, PostgreSQL when a server is given.
    public static var backends: [String] { postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"] }

    /// A store URL for a new, empty database of `backend`, with files under `directory`.
    public static func makeURL(_ backend: String = postgresServer == nil ? "sqlite" : "postgres", in directory: URL) async throws -> String {
        guard backend == "postgres", let server = postgresServer else {
            return directory.appendingPathComponent("data/reviewcal.sqlite").path
        }
        let name = "rc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(server) { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var parts = URLComponents(string: server)!
        parts.path = "/" + name
        return parts.string!
    }

    /// Drops a database made by ``makeURL(_:in:)`` (nothing to do for SQLite: its folder is removed).
    public static func drop(_ url: String) async {
        guard let server = postgresServer, url.hasPrefix("postgres"), let name = URLComponents(string: url)?.path.dropFirst() else { return }
        try? await admin(server) { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run() }
    }

    private static func admin(_ server: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        let configuration = try SQLPostgresConfiguration(url: server)
        let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 0, logger: Logger(label: "test.admin"))
        do {
            try await body(connection.sql())
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
