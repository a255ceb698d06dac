import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit

/// Errors of the storage layer.
public enum StoreError: Error, CustomStringConvertible {
    /// The database could not be opened or created.
    case cannotOpen(String, underlying: String)
    /// The database was written by a newer reviewcal (its schema version is higher than this program knows).
    case newerSchema(found: Int, known: Int)
    /// A stored row could not be read back.
    case corruptRow(table: String, id: String)
    /// A unique rule was broken (duplicate id or key).
    case conflict(String)
    /// The storage URL is not understood.
    case unsupportedURL(String)
    /// Concurrent writes kept making this one fail; nothing of it was stored, and it may be sent again.
    case busy
    /// The database cannot be used right now — the connection was lost, it did not answer within the store's
    /// deadline, its disk is full or read-only — and the call was given up: a write of it was not committed (or, when
    /// the connection was lost during the commit itself, may have been: sent again with the same idempotency key it is
    /// not stored twice). The detail is the database's own words, for the log.
    case unavailable(StoreFault, detail: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let underlying): "không mở được cơ sở dữ liệu \(path): \(underlying)"
        case .newerSchema(let found, let known): "cơ sở dữ liệu có lược đồ phiên bản \(found), chương trình này chỉ biết đến \(known): hãy cập nhật reviewcal"
        case .corruptRow(let table, let id): "dòng \(id) của bảng \(table) không đọc được"
        case .conflict(let what): "trùng lặp: \(what)"
        case .unsupportedURL(let url): "không hiểu địa chỉ lưu trữ '\(url)' (dùng đường dẫn tệp SQLite hoặc postgres://…)"
        case .busy: "cơ sở dữ liệu đang bận, chưa lưu được; gửi lại sau giây lát"
        case .unavailable(let fault, _): "\(fault.words); chưa lưu được gì, gửi lại sau ít giây"
        }
    }

    /// The fault when the store cannot be used right now (``unavailable(_:detail:)`` or ``busy``), else nil.
    public var fault: StoreFault? {
        switch self {
        case .unavailable(let fault, _): fault
        case .busy: .busy
        default: nil
        }
    }
}

/// Why the database cannot be used right now: the kinds counted by `reviewcal_db_errors_total{kind}`.
public enum StoreFault: String, Sendable, CaseIterable {
    /// The connection was lost or could not be made (the database restarting, stopped, or out of reach).
    case connection
    /// The database did not answer within the store's deadline (a connection, a statement or a transaction).
    case timeout
    /// Concurrent writes kept making this one fail (serialization failures, deadlocks) after every retry.
    case busy
    /// The database's disk is full.
    case diskFull = "disk_full"
    /// The database accepts no writes (a read-only file system, a standby after a failover).
    case readOnly = "read_only"
    /// The disk failed to read or write.
    case io

    /// In Vietnamese, for the person who sent the request and the office's pages.
    public var words: String {
        switch self {
        case .connection: "máy chủ mất kết nối tới cơ sở dữ liệu"
        case .timeout: "cơ sở dữ liệu không trả lời kịp"
        case .busy: "cơ sở dữ liệu đang bận"
        case .diskFull: "ổ đĩa của cơ sở dữ liệu đã đầy"
        case .readOnly: "cơ sở dữ liệu đang ở chế độ chỉ đọc"
        case .io: "ổ đĩa của cơ sở dữ liệu gặp lỗi đọc ghi"
        }
    }

    /// What an error of PostgreSQL, SQLite or the network says about the database, or nil when it is an ordinary
    /// error of the call (a refused write, a bad statement).
    public static func of(_ error: any Error) -> StoreFault? {
        if let error = error as? StoreError { return error.fault }
        if let error = error as? PSQLError { return of(postgres: error) }
        if let error = error as? SQLiteError { return of(sqlite: error) }
        if error is ChannelError || error is IOError || error is NIOConnectionError { return .connection }
        return nil
    }

    /// The database's own words about `error`, for the log: never the statement or its values.
    public static func detail(of error: any Error) -> String {
        if let error = error as? StoreError {
            if case .unavailable(_, let detail) = error { return detail }
            return error.description
        }
        if let error = error as? PSQLError {
            var words = "PostgreSQL: \(error.code)"
            if let state = error.serverInfo?[.sqlState] { words += " \(state)" }
            if let message = error.serverInfo?[.message] { words += " \(message)" }
            if let underlying = error.underlying { words += " (\(underlying))" }
            return words
        }
        if let error = error as? SQLiteError { return "SQLite: \(error.description)" }
        return String(describing: error)
    }

    static func of(postgres error: PSQLError) -> StoreFault? {
        if let state = error.serverInfo?[.sqlState] {
            switch state {
            case "40001", "40P01": return .busy
            case "57014", "55P03": return .timeout  // statement_timeout or lock_timeout: query_canceled, lock_not_available
            case "53100": return .diskFull
            case "25006": return .readOnly  // read_only_sql_transaction: a standby
            case "58030": return .io
            default:
                // 08: connection exceptions; 57P01–57P05: the server shutting down, crashed, not accepting yet, idle
                // session timeout; 53: out of connections or memory.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") { return .connection }
                return nil
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .messageDecodingFailure, .unexpectedBackendMessage:
            return .connection
        case .queryCancelled:
            return .timeout
        default:
            return nil
        }
    }

    static func of(sqlite error: SQLiteError) -> StoreFault? {
        // The extended result codes (ioErrorFailedWrite, readonlyDirectory, busyTimeout…) share their basic code's
        // name as a prefix.
        let name = "\(error.reason)".lowercased()
        if name == "full" { return .diskFull }
        if name.hasPrefix("ioerror") { return name == "ioerrornomem" ? nil : .io }
        if name.hasPrefix("readonly") { return .readOnly }
        if name.hasPrefix("busy") || name.hasPrefix("locked") { return .busy }
        if name.hasPrefix("cantopen") { return .io }
        return nil
    }
}
