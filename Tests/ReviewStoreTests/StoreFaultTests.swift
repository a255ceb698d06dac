import Foundation
import ReviewCore
import ReviewTestSupport
import SQLKit
import Testing

@testable import ReviewStore

/// The store when the database does not serve it: every call ends within the store's deadline with an error that says
/// why (``StoreError/unavailable(_:detail:)`` or ``StoreError/busy``), nothing of a failed write is stored, the write
/// queue goes on after a failed batch, a connection lost before the commit is replaced and the write run again, and a
/// statement on a closed connection fails at once. On SQLite always, on PostgreSQL when a server is given.
@Suite(.serialized) struct StoreFaultTests {
    let district = "huyen-thu"

    func withStore(_ backend: String, timeout: Duration = .seconds(1), _ body: (ReviewStore, String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = try await TestDatabase.makeURL(backend, in: folder)
        let store = try await ReviewStore.open(url, poolSize: 3, timeout: timeout)
        do {
            try await store.write { tx in try await tx.ensureDistrict(id: district, name: "Huyện Thử") }
            try await body(store, url)
        } catch {
            try? await store.close()
            await TestDatabase.drop(url)
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        try await store.close()
        await TestDatabase.drop(url)
        try? FileManager.default.removeItem(at: folder)
    }

    func entry(_ n: Int) -> AuditEntry {
        AuditEntry(
            id: "a-\(n)-\(UUID().uuidString)", districtId: district, at: Date(), actor: "office:test", action: "test.\(n)", entity: "test",
            entityId: "\(n)", before: nil, after: nil)
    }

    func stored(_ store: ReviewStore) async throws -> [String] {
        try await store.read { tx in try await tx.auditTrail(district: district) }.map(\.entityId)
    }

    /// Another process holds the write lock: the write waits for it no longer than the store's deadline, fails saying
    /// the database could not serve it, stores nothing, and the next write after the lock is released goes through
    /// (with the whole deadline: a database that answered is not out of reach).
    @Test(arguments: TestDatabase.backends)
    func aWriteWaitingForALockHeldElsewhereEndsInTime(_ backend: String) async throws {
        try await withStore(backend) { store, url in
            let lock = try await HeldWriteLock.hold(url, key: district)
            let started = ContinuousClock.now
            await #expect {
                try await store.write(serializedOn: district) { tx in try await tx.audit(entry(1)) }
            } throws: { error in
                // SQLite: the file stays locked past busy_timeout (busy); PostgreSQL: statement_timeout ends the wait
                // for the district's lock (timeout).
                (error as? StoreError)?.fault == (backend == "sqlite" ? .busy : .timeout)
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(900), "waited \(waited)")
            #expect(waited < .seconds(6), "waited \(waited)")
            #expect(store.callTimeout == store.timeout)
            await lock.release()
            try await store.write(serializedOn: district) { tx in try await tx.audit(entry(2)) }
            #expect(try await stored(store) == ["2"])
            #expect(store.connectionsInUse == 0)
            #expect(store.oldestWriteWait == nil)
        }
    }

    /// A statement the database does not answer in time: PostgreSQL's statement_timeout ends it; past the store's own
    /// deadline (the statement timeout lifted) the store closes the connection, and the next call gets another. A
    /// database that does not answer at all is out of reach: the next calls wait 1 s at most, until one is served.
    @Test func aReadTheDatabaseDoesNotAnswerEndsInTime() async throws {
        guard TestDatabase.postgresServer != nil else { return }
        try await withStore("postgres", timeout: .seconds(2)) { store, _ in
            for lifted in [false, true] {
                let started = ContinuousClock.now
                await #expect {
                    try await store.read { tx in
                        if lifted { try await tx.db.raw("SET statement_timeout = 0").run() }
                        try await tx.db.raw("SELECT pg_sleep(6)").run()
                    }
                } throws: { error in
                    (error as? StoreError)?.fault == .timeout
                }
                let waited = ContinuousClock.now - started
                #expect(waited < .seconds(5), "waited \(waited) (statement timeout lifted: \(lifted))")
                #expect(store.connectionsInUse == 0)
                // The server that stopped its statement answered; the one that did not is out of reach.
                #expect(store.callTimeout == (lifted ? ReviewStore.outageTimeout : .seconds(2)))
                // The next calls each end within the outage's wait; the first may meet the connection just closed
                // (refused at once), and one of the next few is served.
                var answer: Int?
                for _ in 0..<5 where answer == nil {
                    let asked = ContinuousClock.now
                    do {
                        answer = try await store.read { tx in try await tx.db.raw("SELECT 1 AS one").all().first?.decode(column: "one", as: Int.self) }
                    } catch {
                        #expect((error as? StoreError)?.fault != nil, "not a store fault: \(error)")
                    }
                    let took = ContinuousClock.now - asked
                    #expect(took < (lifted ? .milliseconds(1_900) : .seconds(3)), "a call waited \(took)")
                }
                #expect(answer == 1)
                #expect(store.callTimeout == .seconds(2))
            }
        }
    }

    /// The connection is lost in the middle of a write, before its commit: nothing of it can be stored, so the store
    /// runs it again on another connection, and it is stored once.
    @Test func aConnectionLostBeforeTheCommitIsReplacedAndTheWriteRunsAgain() async throws {
        guard TestDatabase.postgresServer != nil else { return }
        try await withStore("postgres", timeout: .seconds(5)) { store, _ in
            let runs = Counter()
            try await store.write(serializedOn: district) { tx in
                try await tx.audit(entry(7))
                if runs.next() == 1 {
                    // The server ends this very connection, as a restart would.
                    try await tx.db.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                }
            }
            #expect(runs.value == 2)
            #expect(try await stored(store) == ["7"])
            #expect(store.connectionsInUse == 0)
        }
    }

    /// A statement sent on a connection whose channel has closed fails at once (postgres-nio alone would lose it and
    /// its caller would wait for ever).
    @Test func aStatementOnAClosedConnectionFailsAtOnce() async throws {
        guard TestDatabase.postgresServer != nil else { return }
        try await withStore("postgres") { store, _ in
            let error = try await within(10) {
                try await store.withWriterSession(timeout: nil) { db, connection -> StoreError? in
                    try await connection?.connection.close()
                    do {
                        try await db.raw("SELECT 1").run()
                        return nil
                    } catch {
                        return error as? StoreError
                    }
                }
            }
            #expect(error?.fault == .connection)
            // The pool gives another connection.
            try await store.write(serializedOn: district) { tx in try await tx.audit(entry(3)) }
            #expect(try await stored(store) == ["3"])
        }
    }

    /// A write whose database fails (here: says its disk is full) fails with that error, nothing of it stored;
    /// `/readyz`'s probe then writes again and clears the failure; later writes go through.
    @Test(arguments: TestDatabase.backends)
    func aFailedWriteIsReportedUntilAProbeWriteSucceeds(_ backend: String) async throws {
        try await withStore(backend) { store, _ in
            #expect(await store.writeProblem() == nil)
            await #expect {
                try await store.write(serializedOn: district) { tx in
                    try await tx.audit(entry(1))
                    throw StoreError.unavailable(.diskFull, detail: "thử")
                }
            } throws: { error in
                (error as? StoreError)?.fault == .diskFull
            }
            #expect(store.writeProblemPending)
            // The disk is not full: the probe write succeeds, and nothing is reported — within the probe's pace of one
            // a second, as /readyz sees it.
            var problem = await store.writeProblem()
            for _ in 0..<3 where problem != nil {
                try await Task.sleep(for: .milliseconds(1100))
                problem = await store.writeProblem()
            }
            #expect(problem == nil)
            #expect(!store.writeProblemPending)
            try await store.write(serializedOn: district) { tx in try await tx.audit(entry(2)) }
            #expect(try await stored(store) == ["2"])
        }
    }

    /// The queue after a batch that failed because of the database: the writes queued behind it hear the same error at
    /// once, and the next write starts a batch of its own that goes through.
    @Test func theWriteQueueGoesOnAfterAFailedBatch() async throws {
        let gate = Gate()
        let batches = Counter()
        let unavailable = StoreError.unavailable(.timeout, detail: "thử")
        let queue = WriteQueue(maxBatch: 2) { batch in
            if batches.next() == 1 {
                await gate.wait()
                for write in batch { write.complete(.failure(unavailable)) }
                return unavailable
            }
            for write in batch { write.complete(.success(())) }
            return nil
        }
        let outcomes = Outcomes()
        func submit(_ name: String) {
            queue.submit(PendingWrite(run: { _ in }, finish: { outcomes.add(name, $0) }))
        }
        submit("a")
        // "a" runs alone; "b" and "c" wait behind it.
        try await waitUntil { queue.oldestWait != nil }
        submit("b")
        submit("c")
        try await Task.sleep(for: .milliseconds(50))
        #expect(outcomes.count == 0)
        #expect(queue.oldestWait ?? .zero >= .milliseconds(50))
        gate.open()
        try await waitUntil { outcomes.count == 3 }
        #expect(outcomes.failed == ["a", "b", "c"])
        #expect(batches.value == 1)
        submit("d")
        try await waitUntil { outcomes.count == 4 }
        #expect(outcomes.succeeded == ["d"])
        #expect(batches.value == 2)
        #expect(queue.oldestWait == nil)
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        let until = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < until else { throw TimedOut(seconds: 10) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// What each database says maps to a fault, and the rest is the call's own error.
    @Test func faultsAreToldFromTheCallsOwnErrors() {
        #expect(StoreFault.of(StoreError.busy) == .busy)
        #expect(StoreFault.of(StoreError.conflict("x")) == nil)
        #expect(StoreFault.of(StoreError.unavailable(.readOnly, detail: "")) == .readOnly)
        #expect(StoreFault.of(CancellationError()) == nil)
        #expect(StoreFault.diskFull.words.contains("đầy"))
        #expect(StoreError.unavailable(.connection, detail: "x").description.contains("chưa lưu được gì"))
        // The detail keeps the database's words, never a statement.
        #expect(StoreFault.detail(of: StoreError.unavailable(.timeout, detail: "PostgreSQL: server 57014")) == "PostgreSQL: server 57014")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.withLock { n += 1; return n } }
        var value: Int { lock.withLock { n } }
    }

    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var opened = false
        func open() { lock.withLock { opened = true } }
        func wait() async {
            while !lock.withLock({ opened }) { try? await Task.sleep(for: .milliseconds(2)) }
        }
    }

    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [(String, Bool)] = []
        func add(_ name: String, _ result: Result<Void, any Error>) {
            lock.withLock {
                if case .success = result { all.append((name, true)) } else { all.append((name, false)) }
            }
        }
        var count: Int { lock.withLock { all.count } }
        var failed: [String] { lock.withLock { all.filter { !$0.1 }.map(\.0).sorted() } }
        var succeeded: [String] { lock.withLock { all.filter { $0.1 }.map(\.0).sorted() } }
    }
}
