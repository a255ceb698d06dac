import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Two districts on one deployment (one database, one feed key), chosen by host name: nothing of one reaches the
/// other; the weekly cutoff job runs once per district across instances; health, readiness and metrics; request ids
/// and logs without secrets. On SQLite, and on PostgreSQL when `REVIEWCAL_TEST_POSTGRES` is set.
@Suite struct DeploymentTests {
    static let w50 = ISOWeek(iso: "2023-W50")!
    static let hostA = "sen-hong.lich.example.vn"
    static let hostB = "hoa-ban.lich.example.vn"

    /// District A (the sample) and district B (the sample renamed) on one store.
    struct Province {
        let world: TestWorld
        let a: ReviewService
        let b: ReviewService

        static func make(at local: String = "2023-12-07T10:00", logger: Logger? = nil) async throws -> Province {
            let world = try await TestWorld.make(at: local)
            var other = try TestWorld.sampleDistrict()
            other.id = "huyen-hoa-ban"
            other.name = "Huyện ủy Hoa Ban"
            let a = try await ReviewService(
                district: world.service.district, store: world.service.store, clock: world.clock, logger: logger ?? world.service.logger,
                passwordCost: 4, feedKey: world.service.feedKey)
            let b = try await ReviewService(
                district: other, store: world.service.store, clock: world.clock, logger: logger ?? world.service.logger, passwordCost: 4,
                feedKey: world.service.feedKey)
            return Province(world: world, a: a, b: b)
        }

        /// The deployment: A on `localhost` (the test client's host) and hostA, B on hostB.
        func app(logger: Logger = Logger(label: "test"), readiness: Readiness? = nil) -> some ApplicationProtocol {
            buildDeployment(
                sites: [
                    DistrictSite(service: a, hosts: ["localhost", DeploymentTests.hostA], office: OfficeConfiguration(publicURL: "https://\(DeploymentTests.hostA)")),
                    DistrictSite(service: b, hosts: [DeploymentTests.hostB], office: OfficeConfiguration(publicURL: "https://\(DeploymentTests.hostB)")),
                ],
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), readiness: readiness, logger: logger)
        }
    }

    /// Sends one request to the live server at `port` with `host` as its Host.
    static func send(
        _ port: Int, host: String, _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(
                TestClient.Request(uri, method: method, authority: host, headers: headers, body: body.map { ByteBuffer(string: $0) }))
            return (response.head.status, response.head.headerFields, response.body.map { String(buffer: $0) } ?? "")
        }
    }

    static let registration = RegistrationInput(
        kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30")], draftSent: "2023-12-07", contactName: "Nguyễn Văn Tâm")

    static func json(_ input: RegistrationInput) throws -> String {
        String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
    }

    @Test func requestsTokensFeedsAndAuditStayInTheirDistrict() async throws {
        let p = try await Province.make()
        defer { Task { await p.world.close() } }
        let (_, unitTokenA) = try await p.a.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:vp")
        let (_, officeTokenA) = try await p.a.issueToken(unit: nil, label: "test", by: "office:vp")
        let (_, officeTokenB) = try await p.b.issueToken(unit: nil, label: "test", by: "office:vp")
        try await p.app().test(.live) { client in
            let port = try #require(client.port)
            let bearerA: HTTPFields = [.authorization: "Bearer \(unitTokenA)", .contentType: "application/json"]
            // A's unit registers at A's host.
            let created = try await Self.send(port, host: Self.hostA, "/v1/requests", method: .post, headers: bearerA, body: try Self.json(Self.registration))
            #expect(created.status == .created, "\(created.body)")
            let id = try JSONDecoder().decode(FeedTests.Probe.self, from: Data(created.body.utf8)).request.id
            // Its token is unknown at B's host, for reading and for writing.
            #expect(try await Self.send(port, host: Self.hostB, "/v1/whoami", headers: bearerA).status == .unauthorized)
            #expect(try await Self.send(port, host: Self.hostB, "/v1/requests", method: .post, headers: bearerA, body: try Self.json(Self.registration)).status == .unauthorized)
            #expect(try await Self.send(port, host: Self.hostB, "/v1/requests/\(id)", headers: [.authorization: "Bearer \(officeTokenA)"]).status == .unauthorized)
            // B's office sees none of A's requests, even by id.
            let officeB: HTTPFields = [.authorization: "Bearer \(officeTokenB)"]
            let listB = try await Self.send(port, host: Self.hostB, "/v1/requests?week=2023-W50", headers: officeB)
            #expect(listB.status == .ok)
            #expect(!listB.body.contains(id))
            #expect(try await Self.send(port, host: Self.hostB, "/v1/requests/\(id)", headers: officeB).status == .notFound)
            // Host names are matched without case and without the port.
            #expect(try await Self.send(port, host: Self.hostA.uppercased() + ":443", "/v1/whoami", headers: bearerA).status == .ok)
            // A host no district has is told so.
            let stray = try await Self.send(port, host: "khac.example.vn", "/v1/whoami", headers: bearerA)
            #expect(stray.status == .misdirectedRequest)
            #expect(stray.body.contains("không phục vụ huyện nào"))
            // A's published feed is served at A's host only.
            _ = try await p.a.runSchedule(week: Self.w50, by: "office:vp")
            try await p.a.publish(week: Self.w50, by: "office:vp")
            let link = try #require(try await p.a.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == "m04" })
            let feedA = try await Self.send(port, host: Self.hostA, link.path)
            #expect(feedA.status == .ok)
            #expect(feedA.body.contains("BEGIN:VEVENT"))
            #expect(try await Self.send(port, host: Self.hostB, link.path).status == .notFound)
            // B's own link for the same member (same id in both configs) has another token and shows B's (empty) week.
            let linkB = try #require(try await p.b.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == "m04" })
            #expect(linkB.token != link.token)
            let feedB = try await Self.send(port, host: Self.hostB, linkB.path)
            #expect(feedB.status == .ok)
            #expect(feedA.body.contains("@huyen-sen-hong"))
            #expect(!feedB.body.contains("@huyen-sen-hong"))
            #expect(feedB.body.components(separatedBy: "BEGIN:VEVENT").count < feedA.body.components(separatedBy: "BEGIN:VEVENT").count)
            #expect(try await Self.send(port, host: Self.hostA, linkB.path).status == .notFound)
        }
        // Each district's audit holds its own entries only.
        let auditA = try await p.a.auditTrail()
        let auditB = try await p.b.auditTrail()
        #expect(auditA.contains { $0.entityId == (auditA.first { $0.action == "request.create" }?.entityId ?? "?") })
        #expect(auditA.allSatisfy { $0.districtId == p.a.district.id })
        #expect(auditB.allSatisfy { $0.districtId == p.b.district.id })
        #expect(!auditB.contains { $0.action == "request.create" || $0.action == "schedule.run" })
    }

    @Test func anOfficeSessionOpensOnlyItsDistrictsPages() async throws {
        let p = try await Province.make()
        defer { Task { await p.world.close() } }
        _ = try await p.a.addUser(login: "thu-ha", name: "Thu Hà", role: .office, password: OfficeWorld.password, by: "office:test")
        _ = try await p.b.addUser(login: "thu-ha", name: "Thu Hà (Hoa Ban)", role: .office, password: "mat-khau-khac-2", by: "office:test")
        try await p.app().test(.live) { client in
            let port = try #require(client.port)
            let browser = OfficeBrowser(client)
            let signedIn = try await browser.signIn("thu-ha", OfficeWorld.password)
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(browser.cookies["rc_office"])
            let withCookie: HTTPFields = [.cookie: "rc_office=\(cookie)"]
            let atA = try await Self.send(port, host: Self.hostA, "/office/weeks/2023-W50", headers: withCookie)
            #expect(atA.status == .ok)
            #expect(atA.body.contains("Huyện ủy Sen Hồng") || atA.body.contains(p.a.district.name))
            // The same cookie at B's host: not signed in (the session lives in A's district only).
            let atB = try await Self.send(port, host: Self.hostB, "/office/weeks/2023-W50", headers: withCookie)
            #expect(atB.status == .seeOther)
            #expect(atB.headers[.location]?.hasPrefix("/office/sign-in") == true)
        }
        // A's password does not open B's account of the same name.
        await #expect(throws: (any Error).self) { try await p.b.signIn(login: "thu-ha", password: OfficeWorld.password) }
    }

    @Test func theCutoffJobRunsOncePerDistrictWhateverTheNumberOfInstances() async throws {
        let p = try await Province.make(at: "2023-12-07T14:00")
        defer { Task { await p.world.close() } }
        for (unit, day) in [("cb-ban-to-chuc", "2023-12-12"), ("cb-ban-tuyen-giao", "2023-12-13")] {
            var input = Self.registration.with(unit: unit)
            input.options = [.init(start: "\(day)T07:30", end: "\(day)T11:30")]
            _ = try await p.a.register(input, by: .office("vp"), idempotencyKey: nil)
        }
        // A second instance: its own store (connections) on the same database, the same district.
        let store2 = try await ReviewStore.open(p.world.storeURL, timeout: TestDatabase.timeout)
        defer { Task { try? await store2.close() } }
        let a2 = try await ReviewService(district: p.a.district, store: store2, clock: p.world.clock, logger: p.a.logger, passwordCost: 4, feedKey: p.a.feedKey)
        // One second before the cutoff (Thursday 2023-12-07 15:00 for week 50): only the week before is due (nothing in it).
        p.world.set("2023-12-07T14:59", second: 59)
        #expect(await p.a.runCutoffJob(instance: "i1")?.week != Self.w50)
        #expect(await a2.runCutoffJob(instance: "i2") == nil)
        // At the cutoff both instances look at once: exactly one runs the job.
        p.world.set("2023-12-07T15:00")
        async let first = p.a.runCutoffJob(instance: "i1")
        async let second = a2.runCutoffJob(instance: "i2")
        let results = [await first, await second].compactMap { $0 }
        #expect(results.count == 1)
        #expect(results.first?.week == Self.w50)
        #expect(results.first?.outcome == "succeeded")
        // Later looks find it done.
        p.world.set("2023-12-07T16:00")
        #expect(await p.a.runCutoffJob(instance: "i1") == nil)
        #expect(await a2.runCutoffJob(instance: "i2") == nil)
        let runs = try await p.a.store.read { tx in try await tx.jobRuns(district: p.a.district.id) }.filter { $0.week == Self.w50.iso }
        #expect(runs.count == 1)
        #expect(runs.first?.outcome == "succeeded")
        #expect(runs.first?.finishedAt != nil)
        let scheduled = try await p.a.auditTrail().filter { $0.action == "schedule.run" }
        #expect(scheduled.count == 1)
        #expect(scheduled.first?.actor == "system:cutoff")
        let proposals = try await p.a.sessions(week: Self.w50).compactMap(\.proposal)
        #expect(proposals.count == 2)
        // District B has its own run: nothing registered there, so it is skipped, once.
        let b = await p.b.runCutoffJob(instance: "i2")
        #expect(b?.outcome == "skipped")
        #expect(await p.b.runCutoffJob(instance: "i1") == nil)
        #expect(try await p.b.store.read { tx in try await tx.jobRuns(district: p.b.district.id) }.filter { $0.week == Self.w50.iso }.count == 1)
        // Once the office has scheduled a week itself, the job leaves it alone.
        p.world.set("2023-12-14T15:00")
        var late = Self.registration.with(unit: "cb-ban-dan-van")
        late.options = [.init(start: "2023-12-19T07:30", end: "2023-12-19T11:30")]
        _ = try await p.a.register(late, by: .office("vp"), idempotencyKey: nil, admitLate: true)
        _ = try await p.a.runSchedule(week: ISOWeek(iso: "2023-W51")!, by: "office:vp")
        let w51 = await p.a.runCutoffJob(instance: "i1")
        #expect(w51?.week == ISOWeek(iso: "2023-W51")!)
        #expect(w51?.outcome == "skipped")
        #expect(w51?.detail.contains("đã được xếp") == true)
    }

    @Test func aClaimLeftByADeadInstanceIsTakenOverLater() async throws {
        let p = try await Province.make(at: "2023-12-07T15:00")
        defer { Task { await p.world.close() } }
        let now = p.world.clock.now()
        // An instance claimed the run and died before finishing it.
        let claimed = try await p.a.store.write(serializedOn: p.a.district.id) { tx in
            try await tx.claimJob(district: p.a.district.id, job: ReviewService.cutoffJobName, week: "2023-W50", instance: "dead", now: now, staleBefore: now)
        }
        #expect(claimed)
        p.world.set("2023-12-07T15:14", second: 59)
        #expect(await p.a.runCutoffJob(instance: "alive") == nil)
        p.world.set("2023-12-07T15:15", second: 1)
        #expect(await p.a.runCutoffJob(instance: "alive")?.outcome == "skipped")
        let runs = try await p.a.store.read { tx in try await tx.jobRuns(district: p.a.district.id) }.filter { $0.week == "2023-W50" }
        #expect(runs.map(\.claimedBy) == ["alive"])
    }

    @Test func healthReadinessAndMetrics() async throws {
        let p = try await Province.make(at: "2023-12-07T15:00")
        defer { Task { await p.world.close() } }
        let readiness = Readiness(stores: [p.a.store])
        let (_, unitToken) = try await p.a.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:vp")
        try await p.app(readiness: readiness).test(.live) { client in
            let port = try #require(client.port)
            #expect(try await Self.send(port, host: "10.0.0.7", "/healthz").status == .ok)
            let ready = try await Self.send(port, host: Self.hostB, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.body == "ready\n")
            // A late registration (the week closed at 15:00) is refused and counted by its reason.
            let late = try await Self.send(
                port, host: Self.hostA, "/v1/requests", method: .post, headers: [.authorization: "Bearer \(unitToken)", .contentType: "application/json"],
                body: try Self.json(Self.registration))
            #expect(late.status == .unprocessableContent)
            #expect(try await Self.send(port, host: Self.hostA, "/feeds/members/khong-co/x.ics").status == .notFound)
            let metrics = try await Self.send(port, host: "127.0.0.1", "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.body
            #expect(text.contains("reviewcal_registrations_total{district=\"huyen-sen-hong\",outcome=\"refused\",reason=\"late\"}"))
            #expect(text.contains("reviewcal_feed_requests_total{district=\"huyen-sen-hong\",status=\"404\"}"))
            #expect(text.contains("reviewcal_http_requests_total{district=\"huyen-sen-hong\",route=\"/v1/requests\",method=\"POST\",status=\"422\"}"))
            #expect(text.contains("# TYPE reviewcal_http_request_duration_seconds histogram"))
            #expect(text.contains("# HELP reviewcal_db_pool_connections_in_use "))
            // Every metric says what it measures (promtool check metrics refuses one without help).
            let lines = text.split(separator: "\n").map(String.init)
            for (i, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).split(separator: " ").first.map(String.init) ?? ""
                #expect(i > 0 && lines[i - 1].hasPrefix("# HELP \(name) "), "\(name) has no help text")
            }
            #expect(text.contains("# TYPE reviewcal_mail_messages_total counter"))
            #expect(text.contains("reviewcal_db_pool_connections_max \(Double(p.a.store.poolSize))"))
            // Shutting down: not ready any more, still alive.
            readiness.stop()
            let stopping = try await Self.send(port, host: Self.hostA, "/readyz")
            #expect(stopping.status == .serviceUnavailable)
            #expect(stopping.body.contains("đang dừng"))
            #expect(try await Self.send(port, host: Self.hostA, "/healthz").status == .ok)
        }
    }

    @Test func notReadyWhenTheDatabaseIsGone() async throws {
        let p = try await Province.make()
        defer { Task { await p.world.close() } }
        let readiness = Readiness(stores: [p.a.store])
        try await p.app(readiness: readiness).test(.live) { client in
            let port = try #require(client.port)
            #expect(try await Self.send(port, host: Self.hostA, "/readyz").status == .ok)
            try await p.a.store.close()
            let gone = try await Self.send(port, host: Self.hostA, "/readyz")
            #expect(gone.status == .serviceUnavailable)
            #expect(gone.body.contains("cơ sở dữ liệu"))
        }
    }

    /// Collects log lines written by ``JSONLogHandler``.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func everyLogLineOfARequestCarriesItsIdAndNoSecret() async throws {
        let lines = Lines()
        var logger = Logger(label: "reviewcal") { label, provider in
            var handler = JSONLogHandler(label: label, metadataProvider: provider, write: { lines.append($0) })
            handler.logLevel = .trace
            return handler
        }
        logger.logLevel = .trace
        let p = try await Province.make(logger: logger)
        defer { Task { await p.world.close() } }
        _ = try await p.a.addUser(login: "thu-ha", name: "Thu Hà", role: .office, password: OfficeWorld.password, by: "office:test")
        let (_, unitToken) = try await p.a.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:vp")
        _ = try await p.a.register(Self.registration.with(unit: "cb-ban-tuyen-giao"), by: .office("vp"), idempotencyKey: nil)
        _ = try await p.a.runSchedule(week: Self.w50, by: "office:vp")
        try await p.a.publish(week: Self.w50, by: "office:vp")
        let link = try #require(try await p.a.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == "m04" })
        let ids: Set<String> = try await p.app(logger: logger).test(.live) { client in
            var ids: Set<String> = []
            let port = try #require(client.port)
            let auth: HTTPFields = [.authorization: "Bearer \(unitToken)", .contentType: "application/json"]
            for (uri, method, headers, body) in [
                ("/v1/requests", HTTPRequest.Method.post, auth, try Self.json(Self.registration)),
                ("/v1/requests", .post, auth, "{\"kind\": 1}"),
                ("/v1/whoami", .get, [.authorization: "Bearer sai-\(unitToken)"], nil),
                (link.path, .get, [:], nil),
            ] as [(String, HTTPRequest.Method, HTTPFields, String?)] {
                let r = try await Self.send(port, host: Self.hostA, uri, method: method, headers: headers, body: body)
                ids.insert(try #require(r.headers[HTTPField.Name("X-Request-Id")!]))
            }
            // An id sent by the proxy is kept; a malformed one is replaced.
            let given = try await Self.send(port, host: Self.hostA, "/healthz", headers: [HTTPField.Name("X-Request-Id")!: "nginx-abc123"])
            #expect(given.headers[HTTPField.Name("X-Request-Id")!] == "nginx-abc123")
            let bad = try await Self.send(port, host: Self.hostA, "/healthz", headers: [HTTPField.Name("X-Request-Id")!: "a b\"c"])
            #expect(bad.headers[HTTPField.Name("X-Request-Id")!] != "a b\"c")
            let browser = OfficeBrowser(client)
            #expect(try await browser.signIn("thu-ha", OfficeWorld.password).status == .seeOther)
            return ids
        }
        #expect(ids.count == 4)
        let all = lines.all
        let parsed = all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(parsed.count == all.count, "every line is one JSON object")
        // Each request's access line carries the id its response had.
        let accessIds = Set(parsed.filter { ($0["message"] as? String)?.contains(" /v1/") == true || ($0["message"] as? String)?.contains(" /feeds/") == true }
            .compactMap { $0["request_id"] as? String })
        #expect(ids.isSubset(of: accessIds))
        // Every line logged while serving a request (Hummingbird's own id) has our id too.
        for line in parsed where line["hb.request.id"] != nil {
            #expect(line["request_id"] != nil, "\(line)")
        }
        // No secret in any line.
        for line in all {
            #expect(!line.contains(unitToken))
            #expect(!line.contains(link.token))
            #expect(!line.contains(OfficeWorld.password))
        }
        #expect(all.contains { $0.contains("/feeds/members/…/") })
    }
}

extension RegistrationInput {
    func with(unit: String) -> RegistrationInput {
        var copy = self
        copy.unit = unit
        return copy
    }
}
