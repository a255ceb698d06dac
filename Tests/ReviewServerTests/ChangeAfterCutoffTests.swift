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

/// After the weekly cutoff a unit still changes its request's draft date, contact, phone and note (as
/// `reviewcal change --help` says and `schedule run` asks); only its time options (and where and in which order) are
/// closed — exactly at Thursday 15:00:00, Vietnam time, whatever the machine's zone.
@Suite struct ChangeAfterCutoffTests {
    static let tuesday = OptionInput(start: "2023-12-12T07:30", end: "2023-12-12T11:30")
    static let wednesday = OptionInput(start: "2023-12-13T13:30", end: "2023-12-13T17:00")
    static let thursday = OptionInput(start: "2023-12-14T07:30", end: "2023-12-14T11:30")
    let unit = Principal.unit("cb-ban-to-chuc")

    func decode(_ answer: ReviewService.Answer) throws -> RequestView {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8))
    }

    func stored(_ world: TestWorld, _ id: String) async throws -> ReviewRequest {
        try #require(try await world.service.store.read { tx in try await tx.request(id: id, district: world.service.district.id) })
    }

    @Test(arguments: TestDatabase.backends)
    func draftContactPhoneAndNoteStayOpenAfterTheCutoff(_ backend: String) async throws {
        // Week 2023-W50 closes on Thursday 07/12/2023 at 15:00 (Asia/Ho_Chi_Minh).
        let world = try await TestWorld.make(at: "2023-12-06T10:00", backend: backend)
        defer { Task { await world.close() } }
        let id = try decode(try await world.service.register(
            .init(kind: "cap-uy", options: [Self.tuesday, Self.wednesday], contactName: "Lê Văn Tâm"), by: unit, idempotencyKey: nil)).request.id

        // 14:59:59: the times still change.
        world.set("2023-12-07T14:59", second: 59)
        let moved = try decode(try await world.service.change(
            id: id, .init(kind: "cap-uy", options: [Self.wednesday, Self.thursday], contactName: "Lê Văn Tâm"), by: unit, idempotencyKey: nil))
        #expect(moved.request.options.map(\.start.iso) == ["2023-12-13T13:30", "2023-12-14T07:30"])

        // 15:00:00: the times are closed, and the refusal changes nothing stored.
        world.set("2023-12-07T15:00")
        let before = try await stored(world, id)
        await #expect {
            _ = try await world.service.change(
                id: id, .init(kind: "cap-uy", options: [Self.tuesday], contactName: "Lê Văn Tâm"), by: unit, idempotencyKey: nil)
        } throws: { e in
            guard let f = e as? ReviewError, f.code.rawValue == "late" else { return false }
            return f.message.contains("đã khóa lúc Thứ Năm 07/12/2023 15:00")
                && f.message.contains("Ngày gửi dự thảo, người liên hệ, số điện thoại và ghi chú vẫn sửa được")
        }
        // Nor the place.
        await #expect {
            _ = try await world.service.change(
                id: id, .init(kind: "cap-uy", options: [Self.wednesday, Self.thursday], location: "ubnd-huyen", contactName: "Lê Văn Tâm"),
                by: unit, idempotencyKey: nil)
        } throws: { e in (e as? ReviewError)?.code.rawValue == "late" }
        #expect(try await stored(world, id) == before)

        // 15:00:00: the draft date, contact, phone and note change, through the service…
        let declared = try decode(try await world.service.change(
            id: id,
            .init(kind: "cap-uy", options: [Self.wednesday, Self.thursday], draftSent: "2023-12-07", contactName: "Trần Thị Hoa", contactPhone: "0912 345 678", note: "Đã gửi dự thảo."),
            by: unit, idempotencyKey: nil))
        #expect(declared.request.draftSent == LocalDate(iso: "2023-12-07"))
        #expect(declared.request.contactName == "Trần Thị Hoa")
        #expect(declared.request.contactPhone == "0912 345 678")
        #expect(declared.request.note == "Đã gửi dự thảo.")
        #expect(declared.request.options == before.options)
        #expect(declared.request.version == before.version + 1)

        // … and through the API, as `reviewcal change` sends it, a day later.
        world.set("2023-12-08T09:00")
        let (_, token) = try await world.service.issueToken(unit: "cb-ban-to-chuc", label: "t", by: "office:test")
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            let input = RegistrationInput(
                kind: "cap-uy", options: [Self.wednesday, Self.thursday], location: before.location, draftSent: "2023-12-08",
                contactName: "Trần Thị Hoa", contactPhone: "0912 345 678", note: "Dự thảo gửi lại.", after: [])
            try await client.execute(
                uri: "/v1/requests/\(id)", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(data: try JSONEncoder().encode(input))
            ) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
        }
        let last = try await stored(world, id)
        #expect(last.draftSent == LocalDate(iso: "2023-12-08"))
        #expect(last.note == "Dự thảo gửi lại.")
        #expect(last.options == before.options)
    }

    @Test(arguments: TestDatabase.backends)
    func movingIntoAClosedWeekIsLateEvenFromAnOpenOne(_ backend: String) async throws {
        // A request for W51 (open until 14/12 15:00) cannot move its times back into W50, closed at 07/12 15:00.
        let world = try await TestWorld.make(at: "2023-12-07T15:00", backend: backend)
        defer { Task { await world.close() } }
        let id = try decode(try await world.service.register(
            .init(kind: "cap-uy", options: [.init(start: "2023-12-19T07:30", end: "2023-12-19T11:30")], draftSent: "2023-12-07"), by: unit,
            idempotencyKey: nil)).request.id
        await #expect {
            _ = try await world.service.change(id: id, .init(kind: "cap-uy", options: [Self.tuesday], draftSent: "2023-12-07"), by: unit, idempotencyKey: nil)
        } throws: { e in
            guard let f = e as? ReviewError, f.code.rawValue == "late" else { return false }
            return f.message.contains("Tuần sớm nhất còn nhận đăng ký là")
        }
        #expect(try await stored(world, id).week == ISOWeek(iso: "2023-W51"))
    }
}
