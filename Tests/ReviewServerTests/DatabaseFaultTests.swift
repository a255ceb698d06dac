import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ReviewClient
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// What a client sees while the database cannot take a write (its write lock held elsewhere past the store's
/// deadline): a 503 with `Retry-After` and the Vietnamese refusal within seconds, nothing stored, `/readyz` 503 until
/// writes go through again, the failure counted in `/metrics`; then the same request, sent again with its key, is
/// stored once. The office's pages answer the same way. On SQLite, and on PostgreSQL when a server is given.
@Suite(.serialized) struct DatabaseFaultTests {
    static let registration = RegistrationInput(
        kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30")], draftSent: "2023-12-07", contactName: "Nguyễn Văn Tâm")

    @Test(arguments: TestDatabase.backends)
    func aWriteTheDatabaseCannotTakeIs503WithRetryAfterAndNothingIsStored(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend, storeTimeout: .seconds(1))
        defer { Task { await world.close() } }
        let service = world.service
        let (_, unit) = try await service.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:vp")
        let (_, office) = try await service.issueToken(unit: nil, label: "test", by: "office:vp")
        let app = buildDeployment(
            sites: [DistrictSite(service: service, office: OfficeConfiguration())], configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            readiness: Readiness(stores: [service.store]), logger: Logger(label: "test"))
        let body = String(decoding: try JSONEncoder().encode(Self.registration), as: UTF8.self)
        let post: HTTPFields = [.authorization: "Bearer \(unit)", .contentType: "application/json", HTTPField.Name("Idempotency-Key")!: "fault-1"]
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await DeploymentTests.send(port, host: "localhost", "/readyz").status == .ok)
            let lock = try await HeldWriteLock.hold(world.storeURL, key: service.district.id)
            let started = ContinuousClock.now
            let refused = try await DeploymentTests.send(port, host: "localhost", "/v1/requests", method: .post, headers: post, body: body)
            let waited = ContinuousClock.now - started
            #expect(refused.status == .serviceUnavailable, "\(refused.body)")
            #expect(waited < .seconds(4), "answered after \(waited)")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let refusal = try JSONDecoder().decode(ReviewError.self, from: Data(refused.body.utf8))
            #expect(refusal.code == .busy || refusal.code == .unavailable)
            #expect(refusal.message.contains("chưa được lưu"), "\(refusal.message)")
            if backend == "sqlite" {
                // The file is locked: no write can go through, so the instance is not ready.
                let readyz = try await DeploymentTests.send(port, host: "localhost", "/readyz")
                #expect(readyz.status == .serviceUnavailable)
                #expect(readyz.body.contains("cơ sở dữ liệu"), "\(readyz.body)")
            }
            await lock.release()
            // Ready again as soon as a write goes through.
            var ready = false
            for _ in 0..<50 where !ready {
                ready = try await DeploymentTests.send(port, host: "localhost", "/readyz").status == .ok
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready)
            // Nothing was stored; the same request sent again is stored once.
            let again = try await DeploymentTests.send(port, host: "localhost", "/v1/requests", method: .post, headers: post, body: body)
            #expect(again.status == .created, "\(again.body)")
            let list = try await DeploymentTests.send(port, host: "localhost", "/v1/requests?week=2023-W50", headers: [.authorization: "Bearer \(office)"])
            #expect(list.status == .ok)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            #expect(try decoder.decode([RequestView].self, from: Data(list.body.utf8)).count == 1)
            let metrics = try await DeploymentTests.send(port, host: "localhost", "/metrics").body
            let kind = backend == "sqlite" ? "busy" : "timeout"
            #expect(metrics.contains("reviewcal_db_errors_total{kind=\"\(kind)\"}"), "\(metrics.prefix(200))")
            #expect(metrics.contains("# HELP reviewcal_db_write_queue_oldest_seconds"))
            #expect(metrics.contains("reviewcal_db_write_transactions_total{outcome=\"failed\"}"))
        }
    }

    /// An office action while the database cannot take it: the page says in words that nothing was stored, with a
    /// 503 and `Retry-After`; once the database is free the same action goes through.
    @Test(arguments: TestDatabase.backends)
    func anOfficeActionTheDatabaseCannotTakeSaysNothingWasStored(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend, storeTimeout: .seconds(1))
        defer { Task { await world.close() } }
        _ = try await world.service.addUser(login: "thu-ha", name: "Thu Hà", role: .office, password: OfficeWorld.password, by: "office:test")
        let office = OfficeWorld(world: world, office: OfficeConfiguration())
        try await office.browse { browser in
            try await browser.get("/office/feeds")
            let lock = try await HeldWriteLock.hold(world.storeURL, key: world.service.district.id)
            let refused = try await browser.post("/office/feeds/issue-missing", [])
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(browser.html.contains("Chưa lưu được") || browser.html.contains("Máy chủ đang bận"), "\(browser.html.prefix(400))")
            #expect(browser.html.contains("chưa được lưu"))
            await lock.release()
            try await browser.get("/office/feeds")
            let done = try await browser.post("/office/feeds/issue-missing", [])
            #expect(done.status == .seeOther, "\(browser.html.prefix(300))")
        }
    }

    /// The cells' client hears 503 while the database is locked, waits the `Retry-After` it was given and sends the
    /// same registration again with the same key: once the lock is gone it is stored, once.
    @Test func theCellsClientSendsAgainAfterA503WithTheSameKey() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", storeTimeout: .seconds(1))
        defer { Task { await world.close() } }
        let service = world.service
        let (_, unit) = try await service.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:vp")
        let app = buildDeployment(
            sites: [DistrictSite(service: service, office: OfficeConfiguration())], configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            readiness: Readiness(stores: [service.store]), logger: Logger(label: "test"))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let lock = try await HeldWriteLock.hold(world.storeURL, key: service.district.id)
            let released = Task {
                try await Task.sleep(for: .milliseconds(1500))
                await lock.release()
            }
            let cell = ReviewClient(server: URL(string: "http://127.0.0.1:\(port)")!, token: unit)
            let view = try await cell.register(Self.registration, idempotencyKey: "cell-retry-1")
            try await released.value
            #expect(view.request.unitId == "cb-ban-to-chuc")
            let stored = try await service.store.read { tx in try await tx.requests(district: service.district.id, week: ISOWeek(iso: "2023-W50")!) }
            #expect(stored.count == 1)
            let metrics = try await DeploymentTests.send(port, host: "localhost", "/metrics").body
            #expect(metrics.contains("reviewcal_http_requests_total{district=\"huyen-sen-hong\",route=\"/v1/requests\",method=\"POST\",status=\"503\"}"), "\(metrics.prefix(300))")
        }
    }
}
