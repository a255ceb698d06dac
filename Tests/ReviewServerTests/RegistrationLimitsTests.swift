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

/// What a unit may register: the review kinds of its unit kind (`registrableKinds`), time options that make sense (no
/// option twice, no session shorter than the campaign's minimum or longer than a working period), and dates outside a
/// campaign reported against the campaign they were meant for. Refusals store nothing.
@Suite struct RegistrationLimitsTests {
    static let w50a = OptionInput(start: "2023-12-12T07:30", end: "2023-12-12T11:30")
    static let w50b = OptionInput(start: "2023-12-13T13:30", end: "2023-12-13T17:00")
    let office = Principal.office("vp")
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// The refusal `body` ends with, as the API answers it.
    func refusal(_ body: () async throws -> Void) async -> ReviewError? {
        do {
            try await body()
            return nil
        } catch let f as ReviewError {
            return f
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    func count(_ world: TestWorld) async throws -> Int {
        try await world.service.store.read { tx in try await tx.requests(district: world.service.district.id).count }
    }

    func register(_ world: TestWorld, _ input: RegistrationInput, by principal: Principal) async throws {
        _ = try await world.service.register(input, by: principal, idempotencyKey: nil)
    }

    // MARK: 8. Who may register what

    @Test(arguments: TestDatabase.backends)
    func aUnitRegistersOnlyTheKindsOfItsUnitKind(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let (_, token) = try await world.service.issueToken(unit: "cb-ban-to-chuc", label: "t", by: "office:test")
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        // A party cell cannot register the Standing Committee's own review, through the API…
        try await app.test(.router) { client in
            let input = RegistrationInput(kind: "ban-thuong-vu", options: [Self.w50a], draftSent: "2023-12-07")
            let e = JSONEncoder()
            try await client.execute(
                uri: "/v1/requests", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(data: try e.encode(input))
            ) { r in
                #expect(r.status == .unprocessableContent)
                let body = try JSONDecoder().decode(ReviewError.self, from: Data(r.body.readableBytesView))
                #expect(body.code == "kind-not-allowed")
                #expect(body.message.contains("Chi bộ Ban Tổ chức Huyện ủy (Chi bộ cơ quan) không đăng ký được \"Kiểm điểm tập thể Ban Thường vụ Huyện ủy\""))
                #expect(body.message.contains("đăng ký được: cap-uy (Kiểm điểm tập thể cấp ủy, tổ chức đảng), dang-vien"))
                #expect(!body.message.contains("ban-thuong-vu ("))
            }
        }
        // … nor through the office registering for it; a People's Committee does not register a party members' review.
        let forCell = await refusal {
            try await register(world, .init(unit: "cb-ban-to-chuc", kind: "ban-thuong-vu", options: [Self.w50a], draftSent: "2023-12-07"), by: office)
        }
        #expect(forCell?.code == "kind-not-allowed")
        let people = await refusal {
            try await register(world, .init(unit: "ubnd-tan-may", kind: "dang-vien", options: [Self.w50a], draftSent: "2023-12-07"), by: office)
        }
        #expect(people?.code == "kind-not-allowed")
        #expect(people?.message.contains("đăng ký được: co-quan (Kiểm điểm tập thể cơ quan, đơn vị), lanh-dao") == true)
        #expect(try await count(world) == 0)
        // The Standing Committee registers its own review; the cell its committee's.
        try await register(world, .init(unit: "ban-thuong-vu", kind: "ban-thuong-vu", options: [Self.w50a], draftSent: "2023-12-07"), by: office)
        try await register(world, .init(kind: "cap-uy", options: [Self.w50b], draftSent: "2023-12-07"), by: .unit("cb-ban-to-chuc"))
        // And the Standing Committee nothing else.
        let other = await refusal {
            try await register(world, .init(unit: "ban-thuong-vu", kind: "cap-uy", options: [Self.w50b], draftSent: "2023-12-07"), by: office)
        }
        #expect(other?.message.contains("đăng ký được: ban-thuong-vu (Kiểm điểm tập thể Ban Thường vụ Huyện ủy).") == true)
        #expect(try await count(world) == 2)
    }

    @Test(arguments: TestDatabase.backends)
    func configuredKindsReplaceTheDefaultsAndAStoredRequestStaysEditable(_ backend: String) async throws {
        // The cell registers its members' review; then the district stops allowing that kind to cells.
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let answer = try await world.service.register(
            .init(unit: "cb-ban-to-chuc", kind: "dang-vien", options: [Self.w50a]), by: office, idempotencyKey: nil)
        let id = try Self.decoder.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
        let restricted = try await ReviewService(
            district: { var d = world.service.district; d.registrableKinds[.agencyCell] = [.partyCollective]; return d }(),
            store: world.service.store, clock: world.clock, logger: world.service.logger, passwordCost: 4, feedKey: world.service.feedKey)
        let refused = await refusal {
            _ = try await restricted.register(.init(unit: "cb-ubkt", kind: "dang-vien", options: [Self.w50a]), by: office, idempotencyKey: nil)
        }
        #expect(refused?.message.hasSuffix("đăng ký được: cap-uy (Kiểm điểm tập thể cấp ủy, tổ chức đảng).") == true)
        // The stored request is not lost: its draft date can still be declared.
        let changed = try await restricted.change(
            id: id, .init(kind: "dang-vien", options: [Self.w50a], draftSent: "2023-12-07"), by: .unit("cb-ban-to-chuc"), idempotencyKey: nil)
        #expect(changed.status == 200)
    }

    // MARK: 10. Options that make sense

    @Test(arguments: TestDatabase.backends)
    func optionsTwiceTooShortOrTooLongAreRefused(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend)
        defer { Task { await world.close() } }
        let unit = Principal.unit("cb-ban-to-chuc")
        func refused(_ options: [OptionInput]) async -> ReviewError? {
            await refusal { try await register(world, .init(kind: "cap-uy", options: options, draftSent: "2023-12-07"), by: unit) }
        }
        let twice = await refused([Self.w50a, Self.w50b, Self.w50a])
        #expect(twice?.code == "duplicate-option")
        #expect(twice?.details.first?.field == "options[2]")
        #expect(twice?.message == "Phương án 3 (Thứ Ba 12/12/2023 07:30–11:30) trùng với phương án 1. Mỗi phương án phải là một thời gian khác; bỏ phương án trùng.")
        let short = await refused([.init(start: "2023-12-12T07:30", end: "2023-12-12T08:15")])
        #expect(short?.code == "session-too-short")
        #expect(short?.message == "Phương án 1 (Thứ Ba 12/12/2023 07:30–08:15) chỉ dài 45 phút: buổi kiểm điểm phải dài ít nhất 1 giờ.")
        let day = await refused([.init(start: "2023-12-12T07:30", end: "2023-12-12T17:00")])
        #expect(day?.code == "session-too-long")
        #expect(day?.message.hasPrefix("Phương án 1 (Thứ Ba 12/12/2023 07:30–17:00) dài 9 giờ 30 phút, dài hơn một buổi làm việc (dài nhất 4 giờ; giờ làm việc: 07:30–11:30 hoặc 13:30–17:00).") == true)
        #expect(try await count(world) == 0)
        // Exactly the minimum is fine.
        try await register(world, .init(kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T08:30")], draftSent: "2023-12-07"), by: unit)
        #expect(try await count(world) == 1)
    }

    @Test(arguments: TestDatabase.backends)
    func theMinimumComesFromTheCampaign(_ backend: String) async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", backend: backend) { d in
            d.campaigns = d.campaigns.map { var c = $0; c.minSessionMinutes = 90; return c }
        }
        defer { Task { await world.close() } }
        let e = await refusal {
            try await register(world, .init(kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T08:30")], draftSent: "2023-12-07"), by: .unit("cb-ubkt"))
        }
        #expect(e?.message.hasSuffix("phải dài ít nhất 1 giờ 30 phút.") == true)
        try await register(world, .init(kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T09:00")], draftSent: "2023-12-07"), by: .unit("cb-ubkt"))
    }

    // MARK: 14. A date outside a campaign names the campaign it was meant for

    @Test(arguments: TestDatabase.backends)
    func aDateBeforeACampaignNamesThatCampaign(_ backend: String) async throws {
        // A week before the 2026 campaign starts (02/11/2026): long after 2023's ended, so not 2023's.
        let world = try await TestWorld.make(at: "2026-10-19T10:00", backend: backend)
        defer { Task { await world.close() } }
        let unit = Principal.unit("cb-ban-to-chuc")
        let early = await refusal {
            try await register(world, .init(kind: "cap-uy", options: [.init(start: "2026-10-27T07:30", end: "2026-10-27T11:30")], draftSent: "2026-10-19"), by: unit)
        }
        #expect(early?.code == "outside-campaign")
        #expect(early?.message == "Phương án 1: ngày 27/10/2026 nằm ngoài đợt Kiểm điểm, đánh giá, xếp loại chất lượng tập thể, cá nhân năm 2026 (02/11/2026–07/01/2027).")
        #expect(early?.message.contains("2023") == false)
        // Before the first campaign: that campaign, not "no campaign at all".
        world.set("2023-11-13T10:00")
        let first = await refusal {
            try await register(world, .init(kind: "cap-uy", options: [.init(start: "2023-11-21T07:30", end: "2023-11-21T11:30")], draftSent: "2023-11-13"), by: unit)
        }
        #expect(first?.code == "outside-campaign")
        #expect(first?.message.contains("năm 2023 (27/11/2023–07/01/2024)") == true)
        #expect(try await count(world) == 0)
    }
}
