import Foundation
import ReviewCore
import SQLKit

extension StoreTransaction {
    /// Keeps what undoing the week's last publish or cancellation needs (JSON), replacing the one kept before.
    public func saveWeekUndo(district: String, week: ISOWeek, json: String) async throws {
        try await db.raw("""
            INSERT INTO week_undo (district_id, week, data) VALUES (\(bind: district), \(bind: week.iso), \(bind: json))
            ON CONFLICT (district_id, week) DO UPDATE SET data = excluded.data
            """).run()
    }

    /// What undoing the week's last publish or cancellation needs (JSON), if anything is kept.
    public func weekUndo(district: String, week: ISOWeek) async throws -> String? {
        let rows = try await db.raw("SELECT data FROM week_undo WHERE district_id = \(bind: district) AND week = \(bind: week.iso)").all()
        return try rows.first?.decode(column: "data", as: String.self)
    }

    /// Forgets what undoing the week's last action needed (it was undone).
    public func deleteWeekUndo(district: String, week: ISOWeek) async throws {
        try await db.raw("DELETE FROM week_undo WHERE district_id = \(bind: district) AND week = \(bind: week.iso)").run()
    }
}
