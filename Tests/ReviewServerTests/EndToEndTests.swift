import Foundation
import Hummingbird
import HummingbirdTesting
import ICalKit
import ReviewClient
import ReviewCore
import ReviewServer
import ReviewService
import ReviewTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Register through the CLI's client over HTTP, schedule, publish, fetch the member's feed over HTTP,
/// parse it with libical and find the session at the right local time.
@Suite struct EndToEndTests {
    @Test func registerSchedulePublishAndSubscribe() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let service = world.service
        // The suite runs on PostgreSQL when a server is given (scripts/test.sh), else on SQLite.
        #expect(service.store.dialect == (TestDatabase.postgresServer == nil ? .sqlite : .postgres))
        let (_, token) = try await service.issueToken(unit: "cb-ban-to-chuc", label: "test", by: "office:test")
        let app = buildApplication(service: service, configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let cell = ReviewClient(server: URL(string: "http://127.0.0.1:\(port)")!, token: token)
            let who = try await cell.whoAmI()
            #expect(who.unit == "cb-ban-to-chuc")
            #expect(who.firstOpenWeek == ISOWeek(iso: "2023-W50"))
            let view = try await cell.register(RegistrationInput(
                kind: "cap-uy",
                options: [OptionInput(start: "2023-12-12T07:30", end: "2023-12-12T11:30"), OptionInput(start: "2023-12-13T13:30", end: "2023-12-13T17:00")],
                draftSent: "2023-12-07", contactName: "Đ/c Lê Văn Tâm", contactPhone: "0912 345 678"))
            #expect(view.request.week == ISOWeek(iso: "2023-W50"))
            #expect(view.state == "cho-xep-lich")
            let listed = try await cell.list()
            #expect(listed.map(\.request.id) == [view.request.id])

            world.set("2023-12-07T15:30")
            let run = try await service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:test")
            #expect(run.scheduled == 1)
            #expect(run.unscheduled.isEmpty)
            #expect(try await service.publish(week: ISOWeek(iso: "2023-W50")!, by: "office:test") == 1)

            let status = try await cell.show(id: view.request.id)
            #expect(status.state == "da-cong-bo")
            let placement = try #require(status.placement)
            // The member in charge of the Organisation Committee's cell attends (no penalty), at the first choice.
            #expect(placement.memberId == "m04")
            #expect(placement.start == LocalDateTime(iso: "2023-12-12T07:30"))

            let links = try await service.ensureFeedTokens(by: "office:test")
            let link = try #require(links.first { $0.kind == .member && $0.subject == "m04" })
            #expect(link.path.hasSuffix(".ics"))
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(link.path)")!)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/calendar; charset=utf-8")
            let text = try #require(String(data: data, encoding: .utf8))
            let calendar = try ICalComponent.parse(text)
            let events = calendar.components(ofKind: "VEVENT")
            let session = try #require(events.first { $0.value(of: "UID") == .text("\(view.request.id)@\(service.district.id)") })
            #expect(session.value(of: "DTSTART") == .time(.zoned(LocalStamp(year: 2023, month: 12, day: 12, hour: 7, minute: 30), tzid: "Asia/Ho_Chi_Minh")))
            #expect(session.value(of: "DTEND") == .time(.zoned(LocalStamp(year: 2023, month: 12, day: 12, hour: 11, minute: 30), tzid: "Asia/Ho_Chi_Minh")))
            #expect(session.value(of: "SUMMARY") == .text("Kiểm điểm: Chi bộ Ban Tổ chức Huyện ủy"))
            let tz = try #require(calendar.components(ofKind: "VTIMEZONE").first)
            #expect(tz.value(of: "TZID") == .text("Asia/Ho_Chi_Minh"))
            // Another member's feed has no session, only the campaign's deadlines.
            let other = try #require(links.first { $0.kind == .member && $0.subject != "m04" })
            let (otherData, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(other.path)")!)
            let otherEvents = try ICalComponent.parse(String(decoding: otherData, as: UTF8.self)).components(ofKind: "VEVENT")
            #expect(!otherEvents.isEmpty)
            #expect(otherEvents.allSatisfy { ($0.value(of: "UID").map { "\($0)" } ?? "").contains("dl-") })
        }
    }
}
