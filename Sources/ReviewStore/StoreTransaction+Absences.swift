import Foundation
import ReviewCore
import SQLKit

extension StoreTransaction {
    // MARK: Absences

    /// Stores a new absence.
    public func insertAbsence(_ a: Absence) async throws {
        try await db.raw("""
            INSERT INTO absences (id, district_id, subject, starts, ends, data)
            VALUES (\(bind: a.id), \(bind: a.districtId), \(bind: a.personKey), \(bind: a.start.iso), \(bind: a.end.iso), \(bind: Self.json(a)))
            """).run()
    }

    /// Deletes an absence; false when there was none with this id (its record stays in the audit trail).
    public func deleteAbsence(id: String, district: String) async throws -> Bool {
        guard try await absence(id: id, district: district) != nil else { return false }
        try await db.raw("DELETE FROM absences WHERE id = \(bind: id) AND district_id = \(bind: district)").run()
        return true
    }

    /// One absence.
    public func absence(id: String, district: String) async throws -> Absence? {
        let rows = try await db.raw("SELECT id, data FROM absences WHERE id = \(bind: id) AND district_id = \(bind: district)").all()
        return try rows.first.map { try Self.absence(row: $0) }
    }

    /// The district's absences that share a minute with `[from, to)` (all when nil), in order of start, then person.
    public func absences(district: String, from: LocalDateTime? = nil, to: LocalDateTime? = nil) async throws -> [Absence] {
        // Local times as ISO text sort as the times do.
        var query = SQLQueryString("SELECT id, data FROM absences WHERE district_id = \(bind: district)")
        if let to { query.appendInterpolation(unsafeRaw: " AND starts < "); query.appendInterpolation(bind: to.iso) }
        if let from { query.appendInterpolation(unsafeRaw: " AND ends > "); query.appendInterpolation(bind: from.iso) }
        return try await db.raw(query).all().map(Self.absence(row:)).sorted { ($0.start, $0.personKey, $0.id) < ($1.start, $1.personKey, $1.id) }
    }

    private static func absence(row: any SQLRow) throws -> Absence {
        let id = try row.decode(column: "id", as: String.self)
        do {
            return try decoder.decode(Absence.self, from: Data(try row.decode(column: "data", as: String.self).utf8))
        } catch {
            throw StoreError.corruptRow(table: "absences", id: id)
        }
    }

    // MARK: Repair plans

    /// Stores the repairs last proposed for a week (JSON), replacing earlier ones.
    public func saveRepairPlan(district: String, week: ISOWeek, json: String) async throws {
        try await db.raw("""
            INSERT INTO repair_plans (district_id, week, data) VALUES (\(bind: district), \(bind: week.iso), \(bind: json))
            ON CONFLICT (district_id, week) DO UPDATE SET data = excluded.data
            """).run()
    }

    /// The repairs last proposed for a week (JSON), if any.
    public func repairPlan(district: String, week: ISOWeek) async throws -> String? {
        let rows = try await db.raw("SELECT data FROM repair_plans WHERE district_id = \(bind: district) AND week = \(bind: week.iso)").all()
        return try rows.first?.decode(column: "data", as: String.self)
    }

    /// Forgets the repairs proposed for a week (one was chosen, or the week changed).
    public func deleteRepairPlan(district: String, week: ISOWeek) async throws {
        try await db.raw("DELETE FROM repair_plans WHERE district_id = \(bind: district) AND week = \(bind: week.iso)").run()
    }
}
