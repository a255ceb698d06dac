import Foundation
import ReviewCore
import SQLKit
import ReviewTestSupport
import Testing

@testable import ReviewStore

/// The storage contract, on SQLite always and on PostgreSQL when a server is given (``TestDatabase``): migrations,
/// all-or-nothing transactions, the unique rules, updates in place, the audit order, and two instances writing to
/// one database at once.
@Suite struct StoreTests {
    let district = "huyen-thu"

    /// A new empty database of `backend`, its URL, and a folder to remove afterwards.
    func fresh(_ backend: String) async throws -> (url: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (try await TestDatabase.makeURL(backend, in: folder), folder)
    }

    func cleanUp(_ url: String, _ folder: URL) async {
        await TestDatabase.drop(url)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` on a store over a new empty database of `backend`; the store is closed, even when `body` throws,
    /// and the database dropped.
    func withFreshStore(_ backend: String, _ body: (ReviewStore) async throws -> Void) async throws {
        let (url, folder) = try await fresh(backend)
        defer { Task { await cleanUp(url, folder) } }
        let store = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    func request(_ id: String, unit: String = "cb-a", status: RequestStatus = .open) -> ReviewRequest {
        let start = LocalDateTime(iso: "2023-12-12T07:30")!
        return ReviewRequest(
            id: id, districtId: district, campaignId: "2023", unitId: unit, kind: .partyCollective, week: ISOWeek(iso: "2023-W50")!,
            options: [TimeOption(start: start, end: start.adding(minutes: 240))], location: "huyen-uy", draftSent: nil, contactName: "Lê Văn Tâm",
            contactPhone: nil, note: "ghi chú; có dấu, \"ngoặc\"", after: [], status: status, admittedLate: false,
            createdAt: Date(timeIntervalSince1970: 1_701_900_000), updatedAt: Date(timeIntervalSince1970: 1_701_900_000), version: 1)
    }

    func audit(_ n: Int, actor: String = "office:vp") -> AuditEntry {
        AuditEntry(
            id: "a-\(UUID().uuidString)", districtId: district, at: Date(), actor: actor, action: "test.\(n)", entity: "test", entityId: "\(n)",
            before: nil, after: "{\"n\":\(n)}")
    }

    @Test(arguments: TestDatabase.backends)
    func migrationsRunOnceAndDataSurvivesReopening(_ backend: String) async throws {
        let (url, folder) = try await fresh(backend)
        defer { Task { await cleanUp(url, folder) } }
        let store = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        #expect(store.dialect.rawValue == backend)
        try await store.write { tx in
            try await tx.ensureDistrict(id: district, name: "Huyện Thử")
            try await tx.insertRequest(request("r-1"), slot: 0)
            try await tx.bumpRevision(district: district)
        }
        try await store.close()
        let again = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        let (stored, revision) = try await again.read { tx in
            (try await tx.request(id: "r-1", district: district), try await tx.revision(district: district))
        }
        #expect(stored == request("r-1"))
        #expect(revision == 1)
        try await again.close()
    }

    @Test(arguments: TestDatabase.backends)
    func aSchemaFromANewerProgramIsRefused(_ backend: String) async throws {
        let (url, folder) = try await fresh(backend)
        defer { Task { await cleanUp(url, folder) } }
        let store = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        let newer = ReviewStore.schemaVersion + 5
        try await store.write { tx in
            try await tx.db.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: newer), 'later')").run()
        }
        try await store.close()
        await #expect {
            _ = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        } throws: { error in
            guard case .newerSchema(let found, let known) = error as? StoreError else { return false }
            return found == ReviewStore.schemaVersion + 5 && known == ReviewStore.schemaVersion
        }
    }

    @Test(arguments: TestDatabase.backends)
    func aFailedTransactionLeavesNothing(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await store.write { tx in
                    try await tx.ensureDistrict(id: district, name: "Huyện Thử")
                    try await tx.insertRequest(request("r-1"), slot: 0)
                    try await tx.audit(audit(1))
                    throw Refused()
                }
            }
            let (requests, trail) = try await store.read { tx in
                (try await tx.requests(district: district), try await tx.auditTrail(district: district))
            }
            #expect(requests.isEmpty)
            #expect(trail.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.backends)
    func oneOpenRequestPerUnitKindAndSlot(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            try await store.write { tx in
                try await tx.ensureDistrict(id: district, name: "Huyện Thử")
                try await tx.insertRequest(request("r-1"), slot: 0)
            }
            await #expect(throws: (any Error).self) {
                try await store.write { tx in try await tx.insertRequest(request("r-2"), slot: 0) }
            }
            // A second slot (the office's allowance), a withdrawn one, another unit: all allowed.
            try await store.write { tx in
                try await tx.insertRequest(request("r-3"), slot: 1)
                try await tx.insertRequest(request("r-4", status: .withdrawn), slot: 0)
                try await tx.insertRequest(request("r-5", unit: "cb-b"), slot: 0)
            }
            let ids = try await store.read { tx in try await tx.requests(district: district).map(\.id) }
            #expect(ids.sorted() == ["r-1", "r-3", "r-4", "r-5"])
        }
    }

    /// A new request goes in the lowest slot free under the allowance, in one statement; none is stored when every
    /// slot is taken, and a withdrawn request frees its slot.
    @Test(arguments: TestDatabase.backends)
    func aNewRequestTakesTheLowestFreeSlot(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            try await store.write { tx in try await tx.ensureDistrict(id: district, name: "Huyện Thử") }
            func insert(_ id: String) async throws -> Int? {
                try await store.write { tx in try await tx.insertRequestInFreeSlot(request(id)) }
            }
            #expect(try await insert("r-1") == 0)
            #expect(try await insert("r-2") == nil)
            try await store.write { tx in try await tx.setAllowance(district: district, campaign: "2023", unit: "cb-a", kind: .partyCollective, extra: 2) }
            #expect(try await insert("r-2") == 1)
            #expect(try await insert("r-3") == 2)
            #expect(try await insert("r-4") == nil)
            try await store.write { tx in
                var r2 = try #require(try await tx.request(id: "r-2", district: district))
                r2.status = .withdrawn
                try await tx.updateRequest(r2)
            }
            #expect(try await insert("r-4") == 1)
            let ids = try await store.read { tx in try await tx.requests(district: district, status: .open).map(\.id) }
            #expect(ids.sorted() == ["r-1", "r-3", "r-4"])
            // 30 at once for a unit allowed 5, committed in batches: 5 stored, in slots 0–4, the others refused.
            try await store.write { tx in try await tx.setAllowance(district: district, campaign: "2023", unit: "cb-b", kind: .partyCollective, extra: 4) }
            let slots = await withTaskGroup(of: Int?.self) { group in
                for i in 0..<30 {
                    group.addTask { (try? await store.write { tx in try await tx.insertRequestInFreeSlot(request("b-\(i)", unit: "cb-b")) }) ?? nil }
                }
                var all: [Int] = []
                for await slot in group { if let slot { all.append(slot) } }
                return all
            }
            #expect(slots.sorted() == [0, 1, 2, 3, 4])
        }
    }

    @Test(arguments: TestDatabase.backends)
    func rowsAreUpdatedInPlace(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            let start = LocalDateTime(iso: "2023-12-12T07:30")!
            var session = Session(
                requestId: "r-1", districtId: district, week: ISOWeek(iso: "2023-W50")!,
                proposal: Placement(option: 0, start: start, end: start.adding(minutes: 240), member: "m01", team: "to-01"), reason: nil,
                pinned: false, published: nil)
            try await store.write { tx in
                try await tx.ensureDistrict(id: district, name: "Huyện Thử")
                try await tx.insertRequest(request("r-1"), slot: 0)
                try await tx.saveSession(session)
                try await tx.setAllowance(district: district, campaign: "2023", unit: "cb-a", kind: .partyCollective, extra: 1)
                try await tx.saveCalendarCopy(district: district, owner: "member:m01", source: "a.ics", fetchedAt: Date(), body: "A")
            }
            session.pinned = true
            session.proposal?.member = nil
            try await store.write { tx in
                try await tx.saveSession(session)
                try await tx.setAllowance(district: district, campaign: "2023", unit: "cb-a", kind: .partyCollective, extra: 3)
                try await tx.saveCalendarCopy(district: district, owner: "member:m01", source: "b.ics", fetchedAt: Date(), body: "B")
            }
            let (sessions, extra, copy) = try await store.read { tx in
                (
                    try await tx.sessions(district: district),
                    try await tx.allowance(district: district, campaign: "2023", unit: "cb-a", kind: .partyCollective),
                    try await tx.calendarCopy(district: district, owner: "member:m01")
                )
            }
            #expect(sessions == [session])
            #expect(extra == 3)
            #expect(copy?.source == "b.ics" && copy?.body == "B")
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedAndLeftAlone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("reviewcal.sqlite")
        let text = String(repeating: "Đây không phải cơ sở dữ liệu.\n", count: 200)
        try text.write(to: file, atomically: true, encoding: .utf8)
        await #expect {
            _ = try await ReviewStore.open(file.path)
        } throws: { error in
            guard case .cannotOpen(let path, _) = error as? StoreError else { return false }
            return path == file.path && (error as? StoreError)?.description.hasPrefix("không mở được cơ sở dữ liệu") == true
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
        await #expect {
            _ = try await ReviewStore.open("mysql://localhost/reviewcal")
        } throws: { error in
            if case .unsupportedURL = error as? StoreError { return true }
            return false
        }
    }

    /// Two instances of the service on one database (two stores, as two servers behind a proxy would hold): every
    /// write of both is kept, the audit trail is numbered without a gap or a repeat, and no update is lost.
    struct Refused: Error {}

    /// Many writes at once share commits (group commit); one that fails is rolled back alone, its caller gets its
    /// error, and every other is stored, in order, each acknowledged only once committed.
    @Test(arguments: TestDatabase.backends)
    func concurrentWritesShareCommitsAndAFailureStaysAlone(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            try await store.write(serializedOn: district) { tx in try await tx.ensureDistrict(id: district, name: "Huyện thử") }
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for i in 0..<200 {
                    group.addTask {
                        do {
                            try await store.write(serializedOn: district) { tx in
                                try await tx.audit(audit(i))
                                // Written, then refused: the entry must not stay.
                                if i % 10 == 3 { throw Refused() }
                            }
                            return (i, true)
                        } catch is Refused {
                            return (i, false)
                        } catch {
                            Issue.record("write \(i) failed: \(error)")
                            return (i, false)
                        }
                    }
                }
                var all: [Int: Bool] = [:]
                for await (i, ok) in group { all[i] = ok }
                return all
            }
            let acknowledged = Set(outcomes.filter(\.value).map(\.key))
            #expect(acknowledged == Set((0..<200).filter { $0 % 10 != 3 }))
            let trail = try await store.read { tx in try await tx.auditTrail(district: district) }
            #expect(Set(trail.compactMap { Int($0.entityId) }) == acknowledged)
            #expect(trail.count == acknowledged.count)
        }
    }

    /// In a batch, audit entries and idempotency answers are kept back and inserted together before the commit: the
    /// entries are numbered 1, 2, 3 … within each district after those stored before; a write whose key another write
    /// of the same batch took is refused alone, and the other writes of its batch are stored.
    @Test(arguments: TestDatabase.backends)
    func batchedAuditEntriesAndAnswersGoInTogether(_ backend: String) async throws {
        try await withFreshStore(backend) { store in
            let other = "huyen-khac"
            try await store.write(serializedOn: district) { tx in
                try await tx.ensureDistrict(id: district, name: "Huyện thử")
                try await tx.ensureDistrict(id: other, name: "Huyện khác")
                try await tx.audit(audit(-1))
            }
            // 120 writes over two districts, each with an entry and a key of its own.
            let stored = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<120 {
                    group.addTask {
                        let d = i % 2 == 0 ? district : other
                        var entry = audit(i)
                        entry.districtId = d
                        do {
                            return try await store.write(serializedOn: d) { tx in
                                try await tx.audit(entry)
                                return try await tx.storeResponse(
                                    district: d, principal: "unit:x", key: "k\(i)", response: StoredResponse(fingerprint: "f", status: 201, body: "w\(i)"), at: Date())
                            }
                        } catch { return false }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 120)
            for (d, count) in [(district, 61), (other, 60)] {
                let seqs = try await store.read { tx in
                    try await tx.db.raw("SELECT seq FROM audit WHERE district_id = \(bind: d) ORDER BY seq").all().map { try $0.decode(column: "seq", as: Int.self) }
                }
                #expect(seqs == Array(1...count), "\(d)")
            }
            // 40 writes, two for each of 20 keys: one of each pair is stored, with its entry; the other is refused.
            struct KeyTaken: Error {}
            let acknowledged = await withTaskGroup(of: Int?.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        do {
                            try await store.write(serializedOn: district) { tx in
                                try await tx.audit(audit(1000 + i))
                                guard try await tx.storeResponse(
                                    district: district, principal: "unit:y", key: "dup\(i % 20)",
                                    response: StoredResponse(fingerprint: "f", status: 201, body: "w\(i)"), at: Date())
                                else { throw KeyTaken() }
                            }
                            return i
                        } catch { return error is KeyTaken ? nil : -1 }
                    }
                }
                var all: [Int] = []
                for await i in group { if let i { all.append(i) } }
                return all
            }
            #expect(!acknowledged.contains(-1))
            #expect(acknowledged.count == 20)
            #expect(Set(acknowledged.map { $0 % 20 }).count == 20)
            for i in acknowledged {
                let answer = try await store.read { tx in try await tx.storedResponse(district: district, principal: "unit:y", key: "dup\(i % 20)") }
                #expect(answer?.body == "w\(i)")
            }
            let trail = try await store.read { tx in try await tx.auditTrail(district: district) }
            #expect(Set(trail.compactMap { Int($0.entityId) }.filter { $0 >= 1000 }) == Set(acknowledged.map { 1000 + $0 }))
        }
    }

    /// A pool never lends more connections than its size, however many readers wait.
    @Test(arguments: TestDatabase.backends)
    func readsNeverUseMoreConnectionsThanThePool(_ backend: String) async throws {
        let (url, folder) = try await fresh(backend)
        defer { Task { await cleanUp(url, folder) } }
        let store = try await ReviewStore.open(url, poolSize: 3, timeout: TestDatabase.timeout)
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    _ = try? await store.read { tx in
                        peak.note(store.connectionsInUse)
                        return try await tx.auditTrail(district: district)
                    }
                }
            }
        }
        #expect(peak.value >= 1)
        #expect(peak.value <= store.poolSize)
        #expect(store.connectionsInUse == 0)
        if backend == "postgres" { #expect(store.poolSize == 3) }
        try await store.close()
    }

    final class Peak: @unchecked Sendable {
        private let lock = NSLock()
        private var highest = 0
        func note(_ n: Int) { lock.withLock { highest = max(highest, n) } }
        var value: Int { lock.withLock { highest } }
    }

    @Test(arguments: TestDatabase.backends)
    func twoInstancesWriteToOneDatabaseAtOnce(_ backend: String) async throws {
        let (url, folder) = try await fresh(backend)
        defer { Task { await cleanUp(url, folder) } }
        let first = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        let second = try await ReviewStore.open(url, timeout: TestDatabase.timeout)
        try await first.write { tx in try await tx.ensureDistrict(id: district, name: "Huyện Thử") }
        let perInstance = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in [first, second].enumerated() {
                for n in 0..<perInstance {
                    group.addTask {
                        try await store.write { tx in
                            try await tx.audit(audit(index * perInstance + n, actor: "office:instance-\(index)"))
                            try await tx.bumpRevision(district: district)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let (trail, revision) = try await first.read { tx in
            (try await tx.auditTrail(district: district), try await tx.revision(district: district))
        }
        #expect(trail.count == 2 * perInstance)
        #expect(Set(trail.map(\.entityId)).count == 2 * perInstance)
        #expect(revision == 2 * perInstance)
        #expect(trail.filter { $0.actor == "office:instance-1" }.count == perInstance)
        try await first.close()
        try await second.close()
    }
}
