import Foundation
import Logging
import PostgresKit
import SQLKit

/// One PostgreSQL connection that is opened again when the server closed it (a restart, a failover), so that an
/// instance outlives its database server's restarts. Used only inside the store's gate, one caller at a time.
final class PostgresLink: @unchecked Sendable {
    // @unchecked: `current` is only read and written by callers holding the store's gate (one at a time), and in
    // `close()`, which the owner calls when no one else uses the store.
    private var current: PostgresConnection?
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let location: String

    init(configuration: PostgresConnection.Configuration, logger: Logger, location: String) {
        self.configuration = configuration
        self.logger = logger
        self.location = location
    }

    /// The SQL database over a live connection, connecting when there is none.
    func database() async throws -> any SQLDatabase {
        if let current, !current.isClosed { return current.sql() }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            current = connection
            return connection.sql()
        } catch {
            throw StoreError.cannotOpen(location, underlying: "\(String(reflecting: error))")
        }
    }

    func close() async throws {
        if let current, !current.isClosed { try await current.close() }
        current = nil
    }

    /// Whether a failed transaction may succeed if run again: another instance's concurrent write made it fail.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        // 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation (a key taken meanwhile).
        return state == "40001" || state == "40P01" || state == "23505"
    }
}
