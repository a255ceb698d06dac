import Foundation
import SQLKit

/// A copy of every stored row, the same on both databases: a backup taken on SQLite restores on PostgreSQL and the
/// other way round. Written as JSON: `{"format": "reviewcal-backup", "formatVersion": 1, "schemaVersion": …,
/// "engine": …, "createdAt": …, "tables": [{"name": …, "columns": […], "rows": [[…], …]}, …]}`, each value a
/// string, an integer or null.
public struct StoreBackup: Sendable, Equatable {
    /// One table's rows.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [String]
        public var rows: [[Value]]
    }

    /// One stored value.
    public enum Value: Sendable, Hashable, Comparable {
        case null
        case integer(Int)
        case text(String)
    }

    /// The schema version the rows were written under.
    public var schemaVersion: Int
    /// The database they came from (`sqlite` or `postgres`).
    public var engine: String
    /// When the copy was taken.
    public var createdAt: Date
    /// Every table but the schema's own record, in the order they are restored.
    public var tables: [Table]

    /// Rows in all.
    public var rowCount: Int { tables.reduce(0) { $0 + $1.rows.count } }

    /// What is wrong with a file given as a backup.
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case notABackup(String)
        case otherSchema(found: Int, known: Int)
        case unknownTable(String)
        case columnsDiffer(table: String)
        case notEmpty(rows: Int)

        public var description: String {
            switch self {
            case .notABackup(let why): "tệp này không phải bản sao lưu của reviewcal: \(why)"
            case .otherSchema(let found, let known):
                "bản sao lưu có lược đồ phiên bản \(found), chương trình này dùng phiên bản \(known): khôi phục bằng reviewcal cùng phiên bản với bản sao lưu"
            case .unknownTable(let name): "bản sao lưu có bảng '\(name)' mà cơ sở dữ liệu không có"
            case .columnsDiffer(let table): "các cột của bảng '\(table)' trong bản sao lưu khác với cơ sở dữ liệu"
            case .notEmpty(let rows): "cơ sở dữ liệu đang có \(rows) dòng dữ liệu; thêm --replace để xóa hết và thay bằng bản sao lưu"
            }
        }
    }

    /// The JSON text of the backup.
    public func encoded() throws -> Data {
        var out = Data()
        func put(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
        func json(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
        }
        put("{\"format\":\"reviewcal-backup\",\"formatVersion\":1,\"schemaVersion\":\(schemaVersion),")
        put("\"engine\":\(try json(engine)),\"createdAt\":\(try json(Timestamp.string(createdAt))),\"tables\":[")
        for (t, table) in tables.enumerated() {
            put(t == 0 ? "\n" : ",\n")
            put("{\"name\":\(try json(table.name)),\"columns\":\(try json(table.columns)),\"rows\":[")
            for (r, row) in table.rows.enumerated() {
                put(r == 0 ? "\n" : ",\n")
                put(try json(row.map { value -> Any in
                    switch value {
                    case .null: NSNull()
                    case .integer(let n): n
                    case .text(let s): s
                    }
                }))
            }
            put("]}")
        }
        put("\n]}\n")
        return out
    }

    /// Reads a backup written by ``encoded()``.
    public static func decode(_ data: Data) throws -> StoreBackup {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem.notABackup("không phải JSON hợp lệ")
        }
        guard let top = object as? [String: Any], top["format"] as? String == "reviewcal-backup" else {
            throw Problem.notABackup("thiếu \"format\": \"reviewcal-backup\"")
        }
        guard top["formatVersion"] as? Int == 1 else { throw Problem.notABackup("phiên bản định dạng không được hỗ trợ") }
        guard let schema = top["schemaVersion"] as? Int, let engine = top["engine"] as? String,
            let created = (top["createdAt"] as? String).flatMap(Timestamp.date), let tables = top["tables"] as? [[String: Any]]
        else { throw Problem.notABackup("thiếu schemaVersion, engine, createdAt hoặc tables") }
        var result: [Table] = []
        for table in tables {
            guard let name = table["name"] as? String, let columns = table["columns"] as? [String], let rows = table["rows"] as? [[Any]] else {
                throw Problem.notABackup("một bảng thiếu name, columns hoặc rows")
            }
            var values: [[Value]] = []
            values.reserveCapacity(rows.count)
            for row in rows {
                guard row.count == columns.count else { throw Problem.notABackup("bảng '\(name)' có dòng không đủ \(columns.count) cột") }
                values.append(try row.map { cell in
                    if cell is NSNull { return .null }
                    if let text = cell as? String { return .text(text) }
                    if let number = cell as? NSNumber, number.stringValue == String(number.int64Value) {
                        return .integer(Int(number.int64Value))
                    }
                    throw Problem.notABackup("bảng '\(name)' có giá trị không phải chuỗi, số nguyên hay null")
                })
            }
            result.append(Table(name: name, columns: columns, rows: values))
        }
        return StoreBackup(schemaVersion: schema, engine: engine, createdAt: created, tables: result)
    }
}

extension ReviewStore {
    /// Tables restored first, in this order (the others refer to them); the rest follow by name.
    static let leadingTables = ["districts", "requests"]

    /// The tables of the schema and their columns (name, and whether it holds integers), in restore order.
    private func layout(_ db: any SQLDatabase) async throws -> [(name: String, columns: [(String, Bool)])] {
        let names: [String]
        switch dialect {
        case .sqlite:
            names = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                .map { try $0.decode(column: "name", as: String.self) }
        case .postgres:
            names = try await db.raw(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            ).all().map { try $0.decode(column: "name", as: String.self) }
        }
        let ordered = Self.leadingTables.filter(names.contains) + names.filter { !Self.leadingTables.contains($0) && $0 != "schema_migrations" }.sorted()
        var result: [(String, [(String, Bool)])] = []
        for name in ordered {
            let rows: [any SQLRow]
            switch dialect {
            case .sqlite:
                rows = try await db.raw("SELECT name, type FROM pragma_table_info(\(bind: name)) ORDER BY cid").all()
            case .postgres:
                rows = try await db.raw("""
                    SELECT column_name AS name, data_type AS type FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = \(bind: name) ORDER BY ordinal_position
                    """).all()
            }
            result.append((name, try rows.map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "type", as: String.self).lowercased().contains("int")) }))
        }
        return result
    }

    /// A consistent copy of every row of every district, taken while others read and write: the copy is one snapshot
    /// (a read transaction on SQLite, REPEATABLE READ on PostgreSQL).
    public func backup(now: Date = Date()) async throws -> StoreBackup {
        let dialect = dialect
        return try await withReader(timeout: nil) { db in
            try await db.raw(dialect == .postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN").run()
            do {
                // A large database takes longer to copy than a statement is otherwise allowed.
                if dialect == .postgres {
                    try await db.raw("SET LOCAL statement_timeout = 0").run()
                    try await db.raw("SET LOCAL idle_in_transaction_session_timeout = 0").run()
                }
                let versionRows = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
                let version = try versionRows.first.map { try $0.decode(column: "v", as: Int.self) } ?? 0
                var tables: [StoreBackup.Table] = []
                for (name, columns) in try await layout(db) {
                    let list = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
                    let order = (1...columns.count).map(String.init).joined(separator: ", ")
                    let rows = try await db.raw("SELECT \(unsafeRaw: list) FROM \(unsafeRaw: name) ORDER BY \(unsafeRaw: order)").all()
                    let values: [[StoreBackup.Value]] = try rows.map { row in
                        try columns.map { column, integer in
                            if try row.decodeNil(column: column) { return .null }
                            return integer ? .integer(try row.decode(column: column, as: Int.self)) : .text(try row.decode(column: column, as: String.self))
                        }
                    }
                    tables.append(StoreBackup.Table(name: name, columns: columns.map(\.0), rows: values))
                }
                try await db.raw("COMMIT").run()
                return StoreBackup(schemaVersion: version, engine: dialect.rawValue, createdAt: Timestamp.date(Timestamp.string(now)) ?? now, tables: tables)
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Puts `backup` in place of what is stored, in one transaction: all of it, or nothing. Refused when the database
    /// holds any row and `replace` is false.
    ///
    /// Restore while no instance serves from this database: a running instance keeps what it had in memory.
    public func restore(_ backup: StoreBackup, replace: Bool) async throws {
        guard backup.schemaVersion == Migrations.steps.count else {
            throw StoreBackup.Problem.otherSchema(found: backup.schemaVersion, known: Migrations.steps.count)
        }
        let begin: SQLQueryString = dialect == .postgres ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN IMMEDIATE"
        let dialect = dialect
        try await withWriter { db in
            try await db.raw(begin).run()
            do {
                // The migrations' lock: instances starting meanwhile wait for the restore, which may take longer than
                // a statement is otherwise allowed.
                if dialect == .postgres {
                    try await db.raw("SET LOCAL statement_timeout = 0").run()
                    try await db.raw("SET LOCAL idle_in_transaction_session_timeout = 0").run()
                    try await db.raw("SELECT pg_advisory_xact_lock(727201)").run()
                }
                let layout = try await layout(db)
                let known = Dictionary(uniqueKeysWithValues: layout.map { ($0.name, $0.columns.map(\.0)) })
                for table in backup.tables {
                    guard let columns = known[table.name] else { throw StoreBackup.Problem.unknownTable(table.name) }
                    guard Set(columns) == Set(table.columns) else { throw StoreBackup.Problem.columnsDiffer(table: table.name) }
                }
                var present = 0
                for (name, _) in layout {
                    present += try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: name)").all().first?.decode(column: "n", as: Int.self) ?? 0
                }
                if present > 0 && !replace { throw StoreBackup.Problem.notEmpty(rows: present) }
                for (name, _) in layout.reversed() {
                    try await db.raw("DELETE FROM \(unsafeRaw: name)").run()
                }
                let order = Dictionary(uniqueKeysWithValues: layout.enumerated().map { ($1.name, $0) })
                for table in backup.tables.sorted(by: { order[$0.name]! < order[$1.name]! }) where !table.rows.isEmpty {
                    let chunk = max(1, 4000 / max(1, table.columns.count))
                    var start = 0
                    while start < table.rows.count {
                        let rows = table.rows[start..<min(start + chunk, table.rows.count)]
                        try await db.insert(into: SQLIdentifier(table.name))
                            .columns(table.columns.map { SQLIdentifier($0) })
                            .rows(rows.map { row in
                                row.map { value -> any SQLExpression in
                                    switch value {
                                    case .null: SQLLiteral.null
                                    case .integer(let n): SQLBind(n)
                                    case .text(let s): SQLBind(s)
                                    }
                                }
                            })
                            .run()
                        start += chunk
                    }
                }
                try await db.raw("COMMIT").run()
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
