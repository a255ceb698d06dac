import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Backup and restore on each database, and from one to the other: fill, back up, wipe, restore, everything equal —
/// requests, sessions, pins, audit, accounts, tokens, feed grants. On SQLite, and on PostgreSQL when
/// `REVIEWCAL_TEST_POSTGRES` is set.
@Suite struct BackupTests {
    static let w50 = ISOWeek(iso: "2023-W50")!

    /// A world with a published week, a pinned session, an office account, API tokens and feed links.
    static func filled(_ backend: String) async throws -> (TestWorld, feedPath: String, token: String) {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        let s = world.service
        for (unit, day) in [("cb-ban-to-chuc", "2023-12-12"), ("cb-ban-tuyen-giao", "2023-12-13"), ("cb-ban-dan-van", "2023-12-14")] {
            let input = RegistrationInput(
                unit: unit, kind: "cap-uy", options: [.init(start: "\(day)T07:30", end: "\(day)T11:30")], draftSent: "2023-12-07",
                contactName: "Lê Thị Hoa", contactPhone: "0912 345 678", note: "Hội trường \"A\"; tầng 2")
            _ = try await s.register(input, by: .office("vp"), idempotencyKey: "k-\(unit)")
        }
        _ = try await s.runSchedule(week: w50, by: "office:vp")
        let first = try #require(try await s.sessions(week: w50).first { $0.proposal != nil })
        try await s.pin(request: first.requestId, option: nil, member: nil, team: nil, by: "office:vp")
        try await s.publish(week: w50, by: "office:vp")
        _ = try await s.addUser(login: "thu-ha", name: "Thu Hà", role: .office, password: "mat-khau-dai-1", by: "office:test")
        _ = try await s.addAbsence(
            subject: .team, id: "to-02", start: LocalDateTime(iso: "2023-12-13T12:00")!, end: LocalDateTime(iso: "2023-12-14T00:00")!,
            reason: "Tập huấn nghiệp vụ", by: "office:vp")
        let (_, token) = try await s.issueToken(unit: "cb-ban-to-chuc", label: "máy văn phòng", by: "office:vp")
        let link = try #require(try await s.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == "m04" })
        let parts = link.path.split(separator: "/").map(String.init)
        _ = try await s.feed(token: parts[2], segment: parts[1], name: parts[3])
        return (world, link.path, token)
    }

    /// Rows of every table, sorted, for comparing two databases whatever order they return rows in.
    static func content(_ backup: StoreBackup) -> [String: [[StoreBackup.Value]]] {
        Dictionary(uniqueKeysWithValues: backup.tables.map { table in
            let order = table.columns.enumerated().sorted { $0.element < $1.element }.map(\.offset)
            return (table.name, table.rows.map { row in order.map { row[$0] } }.sorted { $0.lexicographicallyPrecedes($1) })
        })
    }

    @Test(arguments: TestDatabase.backends)
    func restoreGivesBackEverything(_ backend: String) async throws {
        let (world, feedPath, token) = try await Self.filled(backend)
        defer { Task { await world.close() } }
        let store = world.service.store
        let original = try await store.backup()
        #expect(original.schemaVersion == ReviewStore.schemaVersion)
        let counts = Dictionary(uniqueKeysWithValues: original.tables.map { ($0.name, $0.rows.count) })
        for table in ["requests", "sessions", "absences", "audit", "api_tokens", "office_users", "feed_grants", "feed_items", "idempotency", "districts"] {
            #expect((counts[table] ?? 0) > 0, "\(table) is empty: the test fills it")
        }
        // Through the file format.
        let decoded = try StoreBackup.decode(try original.encoded())
        #expect(decoded == original)

        // A restore over data is refused without --replace, and changes nothing.
        await #expect(throws: StoreBackup.Problem.self) { try await store.restore(decoded, replace: false) }
        #expect(Self.content(try await store.backup()) == Self.content(original))

        // Wipe (restore an empty copy over everything), then restore.
        var empty = original
        for i in empty.tables.indices { empty.tables[i].rows = [] }
        try await store.restore(empty, replace: true)
        #expect(try await store.backup().rowCount == 0)
        try await store.restore(decoded, replace: true)
        #expect(Self.content(try await store.backup()) == Self.content(original))

        // The restored database serves as before: the same requests, the same sessions and pins, the token and the feed.
        let reopened = try await ReviewService(
            district: world.service.district, store: store, clock: world.clock, logger: world.service.logger, passwordCost: 4, feedKey: world.service.feedKey)
        #expect(try await reopened.sessions(week: Self.w50).filter(\.pinned).count == 1)
        #expect(try await reopened.sessions(week: Self.w50).compactMap(\.published).count == 3)
        #expect(try await reopened.authenticate(token).isOffice == false)
        #expect(try await reopened.absences(week: Self.w50).map(\.reason) == ["Tập huấn nghiệp vụ"])
        let parts = feedPath.split(separator: "/").map(String.init)
        guard case .feed(let feed) = try await reopened.feed(token: parts[2], segment: parts[1], name: parts[3]) else {
            Issue.record("the feed is not served after the restore")
            return
        }
        #expect(String(decoding: feed.body, as: UTF8.self).contains("BEGIN:VEVENT"))
        #expect(try await reopened.signIn(login: "thu-ha", password: "mat-khau-dai-1").login == "thu-ha")
    }

    @Test func aBackupMovesBetweenTheTwoDatabases() async throws {
        guard TestDatabase.postgresServer != nil else { return }
        for (from, to) in [("sqlite", "postgres"), ("postgres", "sqlite")] {
            let (world, _, _) = try await Self.filled(from)
            let target = try await TestWorld.make(at: "2023-12-07T10:00", backend: to)
            let original = try await world.service.store.backup()
            try await target.service.store.restore(try StoreBackup.decode(try original.encoded()), replace: true)
            #expect(Self.content(try await target.service.store.backup()) == Self.content(original), "\(from) → \(to)")
            await world.close()
            await target.close()
        }
    }

    @Test func aFileThatIsNotABackupIsRefusedWithItsReason() throws {
        #expect(throws: StoreBackup.Problem.notABackup("không phải JSON hợp lệ")) { try StoreBackup.decode(Data("{".utf8)) }
        #expect(throws: StoreBackup.Problem.notABackup("thiếu \"format\": \"reviewcal-backup\"")) { try StoreBackup.decode(Data("{}".utf8)) }
        let wrongRow = #"{"format":"reviewcal-backup","formatVersion":1,"schemaVersion":9,"engine":"sqlite","createdAt":"2023-12-07T03:00:00.000Z","tables":[{"name":"districts","columns":["id","name"],"rows":[["a"]]}]}"#
        #expect(throws: StoreBackup.Problem.notABackup("bảng 'districts' có dòng không đủ 2 cột")) { try StoreBackup.decode(Data(wrongRow.utf8)) }
    }

    @Test func aBackupOfAnotherSchemaIsRefusedAndNothingChanges() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        var backup = try await world.service.store.backup()
        let before = Self.content(backup)
        backup.schemaVersion += 1
        await #expect(throws: StoreBackup.Problem.otherSchema(found: ReviewStore.schemaVersion + 1, known: ReviewStore.schemaVersion)) {
            try await world.service.store.restore(backup, replace: true)
        }
        #expect(Self.content(try await world.service.store.backup()) == before)
    }
}
