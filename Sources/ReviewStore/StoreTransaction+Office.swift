import Foundation
import SQLKit

extension StoreTransaction {
    // MARK: Office users

    /// Stores a new office user with the bcrypt hash of its password; false when the login is taken in the district.
    public func insertOfficeUser(_ u: OfficeUser, passwordHash: String) async throws -> Bool {
        guard try await officeUser(login: u.login, district: u.districtId) == nil else { return false }
        try await db.raw("""
            INSERT INTO office_users (district_id, login, name, role, password_hash, created_at, created_by, password_changed_at, disabled_at)
            VALUES (\(bind: u.districtId), \(bind: u.login), \(bind: u.name), \(bind: u.role.rawValue), \(bind: passwordHash),
                    \(bind: Timestamp.string(u.createdAt)), \(bind: u.createdBy), \(bind: Timestamp.string(u.passwordChangedAt)), NULL)
            """).run()
        return true
    }

    /// An office user and its password hash.
    public func officeUserWithHash(login: String, district: String) async throws -> (user: OfficeUser, hash: String)? {
        let rows = try await db.raw("SELECT * FROM office_users WHERE district_id = \(bind: district) AND login = \(bind: login)").all()
        return try rows.first.map { (try Self.officeUser(row: $0), try $0.decode(column: "password_hash", as: String.self)) }
    }

    /// An office user.
    public func officeUser(login: String, district: String) async throws -> OfficeUser? {
        try await officeUserWithHash(login: login, district: district)?.user
    }

    /// The district's office users, by login.
    public func officeUsers(district: String) async throws -> [OfficeUser] {
        try await db.raw("SELECT * FROM office_users WHERE district_id = \(bind: district) ORDER BY login").all().map(Self.officeUser(row:))
    }

    /// Replaces a user's name, role and disabled state (same login).
    public func updateOfficeUser(_ u: OfficeUser) async throws {
        try await db.raw("""
            UPDATE office_users SET name = \(bind: u.name), role = \(bind: u.role.rawValue),
                   disabled_at = \(bind: u.disabledAt.map(Timestamp.string))
            WHERE district_id = \(bind: u.districtId) AND login = \(bind: u.login)
            """).run()
    }

    /// Sets a user's password hash and the time it changed.
    public func setOfficePassword(login: String, district: String, hash: String, at: Date) async throws {
        try await db.raw("""
            UPDATE office_users SET password_hash = \(bind: hash), password_changed_at = \(bind: Timestamp.string(at))
            WHERE district_id = \(bind: district) AND login = \(bind: login)
            """).run()
    }

    private static func officeUser(row: any SQLRow) throws -> OfficeUser {
        let login = try row.decode(column: "login", as: String.self)
        guard let role = OfficeUser.Role(rawValue: try row.decode(column: "role", as: String.self)),
            let created = Timestamp.date(try row.decode(column: "created_at", as: String.self)),
            let changed = Timestamp.date(try row.decode(column: "password_changed_at", as: String.self))
        else { throw StoreError.corruptRow(table: "office_users", id: login) }
        return OfficeUser(
            districtId: try row.decode(column: "district_id", as: String.self), login: login, name: try row.decode(column: "name", as: String.self),
            role: role, createdAt: created, createdBy: try row.decode(column: "created_by", as: String.self), passwordChangedAt: changed,
            disabledAt: try row.decode(column: "disabled_at", as: String?.self).flatMap(Timestamp.date))
    }

    // MARK: Sign-in failures

    /// The failures counted for each subject (`name:…` for a login name, `addr:…` for a client address) that has some.
    public func signInFailures(subjects: [String], district: String) async throws -> [String: SignInFailures] {
        var result: [String: SignInFailures] = [:]
        for subject in subjects {
            let rows = try await db.raw("SELECT * FROM sign_in_throttle WHERE district_id = \(bind: district) AND subject = \(bind: subject)").all()
            if let row = rows.first, let last = Timestamp.date(try row.decode(column: "last_at", as: String.self)) {
                result[subject] = SignInFailures(failures: (try? row.decode(column: "failures", as: Int.self)) ?? 0, lastAt: last)
            }
        }
        return result
    }

    /// Stores the failures counted for a subject.
    public func setSignInFailures(_ f: SignInFailures, subject: String, district: String) async throws {
        try await db.raw("""
            INSERT INTO sign_in_throttle (district_id, subject, failures, last_at)
            VALUES (\(bind: district), \(bind: subject), \(bind: f.failures), \(bind: Timestamp.string(f.lastAt)))
            ON CONFLICT (district_id, subject) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at
            """).run()
    }

    /// Forgets the failures of a subject (a login name after a successful sign-in or a new password).
    public func clearSignInFailures(subject: String, district: String) async throws {
        try await db.raw("DELETE FROM sign_in_throttle WHERE district_id = \(bind: district) AND subject = \(bind: subject)").run()
    }

    /// Removes every district's failure rows whose last failure is before `before`; returns how many.
    @discardableResult
    public func purgeSignInFailures(before: Date) async throws -> Int {
        let stamp = Timestamp.string(before)
        let rows = try await db.raw("SELECT subject FROM sign_in_throttle WHERE last_at < \(bind: stamp)").all()
        if !rows.isEmpty {
            try await db.raw("DELETE FROM sign_in_throttle WHERE last_at < \(bind: stamp)").run()
        }
        return rows.count
    }

    /// How many failure rows the district has.
    public func signInFailureCount(district: String) async throws -> Int {
        try await db.raw("SELECT subject FROM sign_in_throttle WHERE district_id = \(bind: district)").all().count
    }

    // MARK: Rehearsal clock

    /// How far the rehearsal clock kept with the data reads from the real clock, in seconds; nil: the real clock.
    public func rehearsalOffset() async throws -> TimeInterval? {
        let rows = try await db.raw("SELECT offset_ms FROM rehearsal_clock WHERE id = 'clock'").all()
        return try rows.first.map { TimeInterval(try $0.decode(column: "offset_ms", as: Int.self)) / 1000 }
    }

    /// Keeps a rehearsal clock with the data (`offset` seconds from the real clock), or removes it (nil).
    public func setRehearsalOffset(_ offset: TimeInterval?, at: Date) async throws {
        guard let offset else {
            try await db.raw("DELETE FROM rehearsal_clock WHERE id = 'clock'").run()
            return
        }
        try await db.raw("""
            INSERT INTO rehearsal_clock (id, offset_ms, set_at) VALUES ('clock', \(bind: Int((offset * 1000).rounded())), \(bind: Timestamp.string(at)))
            ON CONFLICT (id) DO UPDATE SET offset_ms = excluded.offset_ms, set_at = excluded.set_at
            """).run()
    }

    // MARK: Web sessions

    /// A stored web session's value (JSON) and expiry, by the hash of its key.
    public func webSession(keyHash: String, district: String) async throws -> (value: String, expiresAt: Date?)? {
        let rows = try await db.raw("SELECT value, expires_at FROM web_sessions WHERE key_hash = \(bind: keyHash) AND district_id = \(bind: district)").all()
        return try rows.first.map { row in
            (try row.decode(column: "value", as: String.self), try row.decode(column: "expires_at", as: String?.self).flatMap(Timestamp.date))
        }
    }

    /// Stores a web session; `keepExpiry` keeps a stored session's expiry when `expiresAt` is nil.
    public func saveWebSession(keyHash: String, district: String, value: String, expiresAt: Date?, keepExpiry: Bool) async throws {
        let expires = expiresAt.map(Timestamp.string)
        if keepExpiry && expiresAt == nil {
            try await db.raw("""
                INSERT INTO web_sessions (key_hash, district_id, value, expires_at) VALUES (\(bind: keyHash), \(bind: district), \(bind: value), NULL)
                ON CONFLICT (key_hash) DO UPDATE SET value = excluded.value
                """).run()
        } else {
            try await db.raw("""
                INSERT INTO web_sessions (key_hash, district_id, value, expires_at) VALUES (\(bind: keyHash), \(bind: district), \(bind: value), \(bind: expires))
                ON CONFLICT (key_hash) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
                """).run()
        }
    }

    /// Whether a web session with this key hash exists.
    public func webSessionExists(keyHash: String) async throws -> Bool {
        try await !db.raw("SELECT key_hash FROM web_sessions WHERE key_hash = \(bind: keyHash)").all().isEmpty
    }

    /// Removes a web session.
    public func deleteWebSession(keyHash: String, district: String) async throws {
        try await db.raw("DELETE FROM web_sessions WHERE key_hash = \(bind: keyHash) AND district_id = \(bind: district)").run()
    }

    /// Removes the district's web sessions that expired before `now`; returns how many.
    @discardableResult
    public func deleteExpiredWebSessions(district: String, now: Date) async throws -> Int {
        let stamp = Timestamp.string(now)
        let rows = try await db.raw("SELECT key_hash FROM web_sessions WHERE district_id = \(bind: district) AND expires_at < \(bind: stamp)").all()
        if !rows.isEmpty {
            try await db.raw("DELETE FROM web_sessions WHERE district_id = \(bind: district) AND expires_at < \(bind: stamp)").run()
        }
        return rows.count
    }

    // MARK: Unit notes

    /// Stores a note.
    public func insertUnitNote(_ n: UnitNote) async throws {
        try await db.raw("""
            INSERT INTO unit_notes (id, district_id, campaign_id, unit_id, at, author, text)
            VALUES (\(bind: n.id), \(bind: n.districtId), \(bind: n.campaignId), \(bind: n.unitId), \(bind: Timestamp.string(n.at)),
                    \(bind: n.author), \(bind: n.text))
            """).run()
    }

    /// A campaign's notes, oldest first.
    public func unitNotes(district: String, campaign: String) async throws -> [UnitNote] {
        try await db.raw("SELECT * FROM unit_notes WHERE district_id = \(bind: district) AND campaign_id = \(bind: campaign)").all().map { row in
            let id = try row.decode(column: "id", as: String.self)
            guard let at = Timestamp.date(try row.decode(column: "at", as: String.self)) else { throw StoreError.corruptRow(table: "unit_notes", id: id) }
            return UnitNote(
                id: id, districtId: district, campaignId: campaign, unitId: try row.decode(column: "unit_id", as: String.self), at: at,
                author: try row.decode(column: "author", as: String.self), text: try row.decode(column: "text", as: String.self))
        }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }
}

// MARK: Background jobs

/// One run of a background job for a district and week.
public struct JobRun: Sendable, Equatable {
    public var districtId: String
    public var job: String
    public var week: String
    public var claimedBy: String
    public var claimedAt: Date
    public var finishedAt: Date?
    /// `succeeded`, `failed` or `skipped` once finished.
    public var outcome: String?
    public var detail: String?
}

extension StoreTransaction {
    /// Claims the run of `job` for the district's `week` for `instance`: true when this call inserted the claim, or
    /// took over a claim left unfinished since before `staleBefore` (its instance died). Runs inside a write
    /// serialised on the district, so two instances never both get true.
    public func claimJob(district: String, job: String, week: String, instance: String, now: Date, staleBefore: Date) async throws -> Bool {
        let rows = try await db.raw("""
            SELECT claimed_at, finished_at FROM job_runs WHERE district_id = \(bind: district) AND job = \(bind: job) AND week = \(bind: week)
            """).all()
        if let row = rows.first {
            guard try row.decodeNil(column: "finished_at"), let claimed = Timestamp.date(try row.decode(column: "claimed_at", as: String.self)),
                claimed < staleBefore
            else { return false }
            try await db.raw("""
                UPDATE job_runs SET claimed_by = \(bind: instance), claimed_at = \(bind: Timestamp.string(now))
                WHERE district_id = \(bind: district) AND job = \(bind: job) AND week = \(bind: week)
                """).run()
            return true
        }
        try await db.raw("""
            INSERT INTO job_runs (district_id, job, week, claimed_by, claimed_at, finished_at, outcome, detail)
            VALUES (\(bind: district), \(bind: job), \(bind: week), \(bind: instance), \(bind: Timestamp.string(now)), NULL, NULL, NULL)
            """).run()
        return true
    }

    /// Records how a claimed run ended.
    public func finishJob(district: String, job: String, week: String, outcome: String, detail: String, now: Date) async throws {
        try await db.raw("""
            UPDATE job_runs SET finished_at = \(bind: Timestamp.string(now)), outcome = \(bind: outcome), detail = \(bind: detail)
            WHERE district_id = \(bind: district) AND job = \(bind: job) AND week = \(bind: week)
            """).run()
    }

    /// The district's job runs, latest week first.
    public func jobRuns(district: String) async throws -> [JobRun] {
        try await db.raw("SELECT * FROM job_runs WHERE district_id = \(bind: district) ORDER BY week DESC, job").all().map { row in
            JobRun(
                districtId: try row.decode(column: "district_id", as: String.self), job: try row.decode(column: "job", as: String.self),
                week: try row.decode(column: "week", as: String.self), claimedBy: try row.decode(column: "claimed_by", as: String.self),
                claimedAt: Timestamp.date(try row.decode(column: "claimed_at", as: String.self)) ?? .distantPast,
                finishedAt: try row.decodeNil(column: "finished_at") ? nil : Timestamp.date(try row.decode(column: "finished_at", as: String.self)),
                outcome: try row.decodeNil(column: "outcome") ? nil : try row.decode(column: "outcome", as: String.self),
                detail: try row.decodeNil(column: "detail") ? nil : try row.decode(column: "detail", as: String.self))
        }
    }
}
