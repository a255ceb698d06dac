import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Every registration rule and error path, through the HTTP API.
@Suite struct RegistrationTests {
    static let w50a = OptionInput(start: "2023-12-12T07:30", end: "2023-12-12T11:30")
    static let w50b = OptionInput(start: "2023-12-13T13:30", end: "2023-12-13T17:00")

    func body(_ input: RegistrationInput) -> ByteBuffer {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return ByteBuffer(data: try! e.encode(input))
    }

    func headers(_ token: String, key: String? = nil) -> HTTPFields {
        var h: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        if let key { h[HTTPField.Name("Idempotency-Key")!] = key }
        return h
    }

    /// The error body of an answer; an empty one (failing every check on it) when it is not one.
    func error(_ buffer: ByteBuffer) -> ReviewError {
        (try? JSONDecoder().decode(ReviewError.self, from: Data(buffer.readableBytesView))) ?? ReviewError(ErrorCode(rawValue: ""), "")
    }

    /// The request view of an answer, if it is one.
    func view(_ buffer: ByteBuffer) -> RequestView? {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try? d.decode(RequestView.self, from: Data(buffer.readableBytesView))
    }

    /// A world at `now`, a token for the unit, and the router app.
    func setUp(_ now: String, second: Int = 0, unit: String = "cb-ban-to-chuc") async throws -> (TestWorld, String, some ApplicationProtocol) {
        let world = try await TestWorld.make(at: now, second: second)
        let (_, token) = try await world.service.issueToken(unit: unit, label: "t", by: "office:test")
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        return (world, token, app)
    }

    func count(_ world: TestWorld) async throws -> Int {
        try await world.service.store.read { tx in try await tx.requests(district: world.service.district.id).count }
    }

    @Test(arguments: [(59, true), (60, false)])
    func cutoffToTheSecond(second: Int, accepted: Bool) async throws {
        // 14:59:59 is accepted for W50; 15:00:00 is late.
        let (world, token, app) = try await setUp("2023-12-07T14:59", second: second == 60 ? 0 : second)
        if second == 60 { world.set("2023-12-07T15:00") }
        defer { Task { await world.close() } }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/requests", method: .post, headers: headers(token),
                body: body(RegistrationInput(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07"))
            ) { response in
                if accepted {
                    #expect(response.status == .created)
                } else {
                    #expect(response.status == .unprocessableContent)
                    let e = error(response.body)
                    #expect(e.code == "late")
                    #expect(e.message.contains("Thứ Năm 07/12/2023 15:00"))
                    #expect(e.message.contains("tuần 51/2023"))
                }
            }
        }
        #expect(try await count(world) == (accepted ? 1 : 0))
    }

    /// The clock override: refused on a server with the real clock; on a rehearsal server, office only, and recorded.
    @Test func rehearsalClockOnlyWhenStartedWithOne() async throws {
        let (world, unitToken, plain) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let (_, officeToken) = try await world.service.issueToken(unit: nil, label: "vp", by: "office:test")
        let move = ByteBuffer(string: "{\"now\":\"2023-12-07T14:59:59\"}")
        try await plain.test(.router) { client in
            try await client.execute(uri: "/v1/admin/clock", method: .post, headers: headers(officeToken), body: move) { r in
                #expect(r.status == .forbidden)
                #expect(error(r.body).code == "clock-locked")
            }
        }
        let rehearsal = AdjustableClock(startingAt: world.service.clock.now(), base: FrozenClock())
        let service = try await ReviewService(district: world.service.district, store: world.service.store, clock: rehearsal, feedKey: world.service.feedKey)
        let app = Application(router: buildRouter(service: service, rehearsalClock: rehearsal))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/admin/clock", method: .post, headers: headers(unitToken), body: move) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/v1/admin/clock", method: .post, headers: headers(officeToken), body: ByteBuffer(string: "{\"now\":\"hôm qua\"}")) { r in
                #expect(r.status == .badRequest)
                #expect(error(r.body).code == "invalid-time")
            }
            try await client.execute(uri: "/v1/admin/clock", method: .post, headers: headers(officeToken), body: move) { r in
                #expect(r.status == .ok)
            }
            // The rules read the moved clock: one second before the cutoff W50 is still open, at it the first open week is W51.
            try await client.execute(uri: "/v1/whoami", method: .get, headers: headers(unitToken)) { r in
                #expect(String(buffer: r.body).contains("\"firstOpenWeek\":\"2023-W50\""))
            }
            try await client.execute(
                uri: "/v1/admin/clock", method: .post, headers: headers(officeToken), body: ByteBuffer(string: "{\"now\":\"2023-12-07T15:00:00\"}")
            ) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/whoami", method: .get, headers: headers(unitToken)) { r in
                #expect(String(buffer: r.body).contains("\"firstOpenWeek\":\"2023-W51\""))
            }
        }
        let trail = try await world.service.auditTrail(entityId: "rehearsal")
        #expect(trail.map(\.action) == ["clock.set", "clock.set"])
        #expect(trail.first?.actor == "office:vp")
        #expect(trail.last?.after == "\"2023-12-07T08:00:00.000Z\"")
    }

    @Test func officeAdmitsLateAndItIsRecorded() async throws {
        let (world, _, app) = try await setUp("2023-12-08T09:00")
        defer { Task { await world.close() } }
        let (_, office) = try await world.service.issueToken(unit: nil, label: "vp", by: "office:test")
        try await app.test(.router) { client in
            var input = RegistrationInput(unit: "cb-ban-to-chuc", kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(office), body: body(input)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/requests?admitLate=true", method: .post, headers: headers(office), body: body(input)) { r in
                #expect(r.status == .created)
                #expect(view(r.body)?.request.admittedLate == true)
            }
            input.unit = nil
            let (_, unitToken) = try await world.service.issueToken(unit: "cb-ubkt", label: "t", by: "office:test")
            try await client.execute(uri: "/v1/requests?admitLate=true", method: .post, headers: headers(unitToken), body: body(input)) { r in
                #expect(r.status == .forbidden)
            }
        }
        let trail = try await world.service.auditTrail()
        #expect(trail.contains { $0.action == "request.create-late" && $0.actor == "office:vp" })
        // The lead time still holds for the office: a draft sent on Monday 11/12 allows Wednesday 13/12 at the earliest.
        world.set("2023-12-11T09:00")
        let early = RegistrationInput(unit: "cb-ubkt", kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-11")
        await #expect {
            _ = try await world.service.register(early, by: .office("vp"), idempotencyKey: nil, admitLate: true)
        } throws: { e in
            (e as? ReviewError)?.code.rawValue == "lead-time" && (e as? ReviewError)?.message.contains("sớm nhất là ngày 13/12/2023") == true
        }
    }

    @Test func optionRules() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let cases: [(RegistrationInput, String, String)] = [
            (.init(kind: "cap-uy", options: [.init(start: "2023-12-12T06:30", end: "2023-12-12T09:00")], draftSent: "2023-12-07"), "outside-hours", "07:30–11:30"),
            (.init(kind: "cap-uy", options: [.init(start: "2023-12-12T11:00", end: "2023-12-12T14:00")], draftSent: "2023-12-07"), "outside-hours", "13:30–17:00"),
            (.init(kind: "cap-uy", options: [.init(start: "2023-12-17T07:30", end: "2023-12-17T11:30")], draftSent: "2023-12-07"), "not-working-day", "Chủ nhật"),
            (.init(kind: "cap-uy", options: [Self.w50a, .init(start: "2023-12-19T07:30", end: "2023-12-19T11:30")], draftSent: "2023-12-07"), "mixed-weeks", "cùng tuần"),
            (.init(kind: "cap-uy", options: [.init(start: "2023-12-12T11:30", end: "2023-12-12T07:30")]), "end-before-start", "không sau bắt đầu"),
            (.init(kind: "cap-uy", options: [.init(start: "2023-12-12 7:30", end: "2023-12-12T11:30")]), "invalid-time", "YYYY-MM-DDTHH:MM"),
            (.init(kind: "cap-uy", options: []), "option-count", "từ 1 đến 3"),
            (.init(kind: "cap-uy", options: [Self.w50a, Self.w50b, Self.w50a, Self.w50b]), "option-count", "từ 1 đến 3"),
            (.init(kind: "hop-mat", options: [Self.w50a]), "invalid-kind", "cap-uy"),
            (.init(kind: "cap-uy", options: [Self.w50a], draftSent: "07/12/2023"), "invalid-date", "YYYY-MM-DD"),
            (.init(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-09"), "draft-in-future", "tương lai"),
            (.init(kind: "cap-uy", options: [Self.w50a], location: "mat-trang"), "unknown-location", "mat-trang"),
            (.init(kind: "cap-uy", options: [Self.w50a], contactName: "Lê Văn\r\nTâm"), "control-character", "U+000D"),
            (.init(kind: "cap-uy", options: [Self.w50a], contactName: "Tab\there"), "control-character", "U+0009"),
            (.init(kind: "cap-uy", options: [Self.w50a], note: String(repeating: "ư", count: 1001)), "too-long", "tối đa 1000"),
            (.init(kind: "cap-uy", options: [Self.w50a], contactPhone: "0912-abc"), "invalid-phone", "chữ số"),
            (.init(kind: "cap-uy", options: [Self.w50a], after: ["r-khongco"]), "unknown-predecessor", "r-khongco"),
        ]
        try await app.test(.router) { client in
            for (input, code, text) in cases {
                try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(input)) { r in
                    #expect(r.status.code == 422, "\(code)")
                    let e = error(r.body)
                    let codes = [e.code.rawValue] + e.details.map(\.code)
                    #expect(codes.contains(code), "\(code): \(e)")
                    #expect(e.description.contains(text), "\(code): \(e)")
                }
            }
        }
        #expect(try await count(world) == 0)
    }

    @Test func deadlineAndHoliday() async throws {
        // Individual reviews are due 22/12/2023: 23/12 (Saturday, W51) is after it.
        let (world, token, app) = try await setUp("2023-12-13T10:00")
        defer { Task { await world.close() } }
        try await app.test(.router) { client in
            let late = RegistrationInput(kind: "ca-nhan", options: [.init(start: "2023-12-23T07:30", end: "2023-12-23T11:30")], draftSent: "2023-12-13")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(late)) { r in
                let e = error(r.body)
                #expect(e.code == "after-deadline")
                #expect(e.message.contains("22/12/2023"))
            }
        }
        world.set("2026-12-20T10:00")
        try await app.test(.router) { client in
            let holiday = RegistrationInput(kind: "cap-uy", options: [.init(start: "2027-01-01T07:30", end: "2027-01-01T11:30")], draftSent: "2026-12-20")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(holiday)) { r in
                let e = error(r.body)
                #expect(([e.code.rawValue] + e.details.map(\.code)).contains("holiday"))
                #expect(e.description.contains("Tết Dương lịch"))
            }
        }
        #expect(try await count(world) == 0)
    }

    @Test func draftNotYetSentIsAcceptedWithAWarningAndNotScheduled() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let id = try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/requests", method: .post, headers: headers(token), body: body(.init(kind: "cap-uy", options: [Self.w50a]))
            ) { r in
                #expect(r.status == .created)
                let v = try #require(view(r.body))
                #expect(v.state == "cho-du-thao")
                #expect(v.warnings.first?.contains("Chưa khai báo ngày gửi dự thảo") == true)
                return v.request.id
            }
        }
        let run = try await world.service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:test")
        #expect(run.scheduled == 0)
        #expect(run.unscheduled.first?.request == id)
        #expect(run.unscheduled.first?.reason.contains("chưa có ngày gửi dự thảo") == true)
    }

    @Test func duplicatesRefusedUnlessTheOfficeAllows() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let input = RegistrationInput(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07")
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(input)) { r in #expect(r.status == .created) }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(input)) { r in
                #expect(r.status == .conflict)
                #expect(error(r.body).code == "duplicate")
            }
            try await world.service.allowExtra(unit: "cb-ban-to-chuc", kind: .partyCollective, campaign: "2023", extra: 1, by: "office:test")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(input)) { r in #expect(r.status == .created) }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: body(input)) { r in #expect(r.status == .conflict) }
        }
        #expect(try await count(world) == 2)
    }

    @Test func retriedCallsReturnTheFirstAnswer() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let input = RegistrationInput(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07")
        try await app.test(.router) { client in
            var first: RequestView?
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token, key: "k-1"), body: body(input)) { r in
                    #expect(r.status == .created)
                    let v = try #require(view(r.body))
                    if let first { #expect(v.request == first.request) } else { first = v }
                }
            }
            var other = input
            other.note = "khác"
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token, key: "k-1"), body: body(other)) { r in
                #expect(error(r.body).code == "idempotency-key-reused")
            }
            // A late answer is also replayed as it was, even after the office allowed more.
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token, key: "k-2"), body: body(input)) { r in #expect(r.status == .conflict) }
            // With room for another request, a retry of the first is still its first answer, and stores nothing more.
            try await world.service.allowExtra(unit: "cb-ban-to-chuc", kind: .partyCollective, campaign: "2023", extra: 1, by: "office:test")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token, key: "k-1"), body: body(input)) { r in
                #expect(r.status == .created)
                #expect(view(r.body)?.request == first?.request)
            }
        }
        #expect(try await count(world) == 1)
    }

    @Test func unitsSeeOnlyTheirOwnRequests() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let (other, otherToken) = try await world.service.issueToken(unit: "cb-ubkt", label: "t", by: "office:test")
        try await app.test(.router) { client in
            let id = try await client.execute(
                uri: "/v1/requests", method: .post, headers: headers(token), body: body(.init(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07"))
            ) { r in try #require(view(r.body)).request.id }
            try await client.execute(uri: "/v1/requests/\(id)", method: .get, headers: headers(otherToken)) { r in
                #expect(r.status == .notFound)
                #expect(!String(buffer: r.body).contains("cb-ban-to-chuc"))
            }
            try await client.execute(uri: "/v1/requests/r-doesnotexist", method: .get, headers: headers(otherToken)) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/v1/requests/\(id)/withdraw", method: .post, headers: headers(otherToken)) { r in #expect(r.status == .notFound) }
            try await client.execute(
                uri: "/v1/requests/\(id)", method: .put, headers: headers(otherToken), body: body(.init(kind: "cap-uy", options: [Self.w50b], draftSent: "2023-12-07"))
            ) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/v1/requests", method: .get, headers: headers(otherToken)) { r in #expect(String(buffer: r.body) == "[]") }
            try await client.execute(
                uri: "/v1/requests", method: .post, headers: headers(otherToken),
                body: body(.init(unit: "cb-ban-to-chuc", kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07"))
            ) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/v1/requests", method: .get, headers: [:]) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/v1/requests", method: .get, headers: headers("rcu_wrong")) { r in #expect(r.status == .unauthorized) }
            try await world.service.revokeToken(id: other.id, by: "office:test")
            try await client.execute(uri: "/v1/requests", method: .get, headers: headers(otherToken)) { r in
                #expect(r.status == .unauthorized)
                #expect(error(r.body).code == "token-revoked")
            }
        }
        // Tokens are stored hashed.
        let stored = try await world.service.store.read { tx in try await tx.token(hash: Secrets.sha256(token)) }
        #expect(stored?.subject == "cb-ban-to-chuc")
    }

    @Test func malformedBodies() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        try await app.test(.router) { client in
            var bad = ByteBuffer(string: "{\"kind\":\"cap-uy\",\"note\":\"")
            bad.writeBytes([0xC3, 0x28, 0xFF])
            bad.writeString("\",\"options\":[]}")
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: bad) { r in
                #expect(r.status == .badRequest)
                #expect(error(r.body).code == "invalid-utf8")
            }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: ByteBuffer(string: "{not json")) { r in
                #expect(r.status == .badRequest)
                #expect(error(r.body).code == "invalid-json")
            }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: ByteBuffer(string: "{\"kind\":\"cap-uy\"}")) { r in
                #expect(r.status == .badRequest)
                #expect(error(r.body).message.contains("options"))
            }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token), body: ByteBuffer(string: "{\"kind\":3,\"options\":[]}")) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/v1/requests?week=2023-50", method: .get, headers: headers(token)) { r in
                #expect(r.status == .badRequest)
                #expect(error(r.body).code == "invalid-week")
            }
            try await client.execute(uri: "/v1/requests", method: .post, headers: headers(token, key: "has space"), body: body(.init(kind: "cap-uy", options: [Self.w50a]))) { r in
                #expect(r.status == .badRequest)
            }
        }
        #expect(try await count(world) == 0)
    }

    @Test func changeWithdrawAndTheAuditTrail() async throws {
        let (world, token, app) = try await setUp("2023-12-07T10:00")
        defer { Task { await world.close() } }
        let id = try await app.test(.router) { client in
            let id = try await client.execute(
                uri: "/v1/requests", method: .post, headers: headers(token), body: body(.init(kind: "cap-uy", options: [Self.w50a]))
            ) { r in try #require(view(r.body)).request.id }
            try await client.execute(
                uri: "/v1/requests/\(id)", method: .put, headers: headers(token, key: "c1"),
                body: body(.init(kind: "cap-uy", options: [Self.w50b, Self.w50a], draftSent: "2023-12-07"))
            ) { r in
                #expect(r.status == .ok)
                let v = try #require(view(r.body))
                #expect(v.request.version == 2)
                #expect(v.request.options.first?.start == LocalDateTime(iso: "2023-12-13T13:30"))
            }
            world.set("2023-12-07T15:00")
            try await client.execute(
                uri: "/v1/requests/\(id)", method: .put, headers: headers(token), body: body(.init(kind: "cap-uy", options: [Self.w50a], draftSent: "2023-12-07"))
            ) { r in
                #expect(r.status == .unprocessableContent)
                #expect(error(r.body).code == "late")
            }
            try await client.execute(uri: "/v1/requests/\(id)/withdraw", method: .post, headers: headers(token)) { r in
                #expect(r.status == .ok)
                #expect(view(r.body)?.state == "da-rut")
            }
            try await client.execute(uri: "/v1/requests/\(id)/withdraw", method: .post, headers: headers(token)) { r in #expect(r.status == .conflict) }
            return id
        }
        let trail = try await world.service.auditTrail(entityId: id)
        #expect(trail.map(\.action) == ["request.create", "request.change", "request.withdraw"])
        #expect(trail.allSatisfy { $0.actor == "unit:cb-ban-to-chuc" })
        #expect(trail[1].before?.contains("2023-12-12T07:30") == true)
        #expect(trail[1].after?.contains("2023-12-13T13:30") == true)
        // Nothing is deleted: the withdrawn request is still stored.
        let stored = try await world.service.store.read { tx in try await tx.request(id: id, district: world.service.district.id) }
        #expect(stored?.status == .withdrawn)
    }
}
