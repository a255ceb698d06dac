import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ICalKit
import Logging
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Feed serving: caching headers, 304, HEAD, gzip on request, 404 and 410; content through reschedule and cancel.
@Suite struct FeedTests {
    let w50 = ISOWeek(iso: "2023-W50")!

    /// A world with one published session of the Organisation Committee's cell (member m04).
    func publishedWorld() async throws -> (TestWorld, String) {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        let input = RegistrationInput(
            unit: "cb-ban-to-chuc", kind: "cap-uy",
            options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30"), .init(start: "2023-12-14T07:30", end: "2023-12-14T11:30")],
            draftSent: "2023-12-07", contactName: "Nguyễn; Văn, \\Tâm")
        let answer = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil)
        let id = try JSONDecoder().decode(Probe.self, from: Data(answer.body.utf8)).request.id
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        return (world, id)
    }

    struct Probe: Decodable {
        struct R: Decodable { var id: String }
        var request: R
    }

    func memberLink(_ world: TestWorld, _ member: String = "m04") async throws -> ReviewService.FeedLink {
        try #require(try await world.service.ensureFeedTokens(by: "office:vp").first { $0.kind == .member && $0.subject == member })
    }

    @Test func conditionalGetHeadAndGzip() async throws {
        let (world, _) = try await publishedWorld()
        defer { Task { await world.close() } }
        let link = try await memberLink(world)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            let (etag, lastModified, length) = try await client.execute(uri: link.path, method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/calendar; charset=utf-8")
                #expect(r.headers[.cacheControl]?.hasPrefix("private, max-age=") == true)
                #expect(r.headers[.contentEncoding] == nil)
                let etag = try #require(r.headers[.eTag])
                #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
                return (etag, try #require(r.headers[.lastModified]), r.body.readableBytes)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.accept: "text/calendar"]) { r in
                #expect(r.status == .ok)
                #expect(r.body.readableBytes == length)
            }
            try await client.execute(uri: link.path, method: .head) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.eTag] == etag)
                #expect(r.body.readableBytes == 0)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: etag]) { r in
                #expect(r.status == .notModified)
                #expect(r.body.readableBytes == 0)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: "\"other\""]) { r in #expect(r.status == .ok) }
            try await client.execute(uri: link.path, method: .get, headers: [.ifModifiedSince: lastModified]) { r in #expect(r.status == .notModified) }
            try await client.execute(uri: link.path, method: .get, headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"]) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.acceptEncoding: "gzip, deflate"]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(Array(r.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
                #expect(r.body.readableBytes < length)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.acceptEncoding: "gzip;q=0"]) { r in
                #expect(r.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func unknownIs404AndRotatedIs410() async throws {
        let (world, _) = try await publishedWorld()
        defer { Task { await world.close() } }
        let link = try await memberLink(world)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            try await client.execute(uri: "/feeds/members/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x.ics", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/feeds/members/short/x.ics", method: .get) { r in #expect(r.status == .notFound) }
            let rotated = try await world.service.rotateFeed(kind: .member, subject: "m04", by: "office:vp")
            #expect(rotated.token != link.token)
            #expect(rotated.token.count * 5 >= 128)
            try await client.execute(uri: link.path, method: .get) { r in #expect(r.status == .gone) }
            try await client.execute(uri: rotated.path, method: .get) { r in #expect(r.status == .ok) }
            try await world.service.revokeFeed(kind: .member, subject: "m04", by: "office:vp")
            try await client.execute(uri: rotated.path, method: .get) { r in #expect(r.status == .gone) }
        }
    }

    /// Every log line of the server at trace level, with its metadata, while feeds and the API are called with secrets.
    @Test func tokensNeverReachTheLogs() async throws {
        let (world, _) = try await publishedWorld()
        defer { Task { await world.close() } }
        let link = try await memberLink(world)
        let (_, apiToken) = try await world.service.issueToken(unit: "cb-ban-to-chuc", label: "log test", by: "office:vp")
        let lines = LogCapture()
        var logger = Logger(label: "reviewcal.test") { _ in lines }
        logger.logLevel = .trace
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil), logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: link.path, method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: "\"x\""]) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/requests", method: .get, headers: [.authorization: "Bearer \(apiToken)"]) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/requests", method: .get, headers: [.authorization: "Bearer \(apiToken)x"]) { r in
                #expect(r.status == .unauthorized)
            }
            _ = try await world.service.rotateFeed(kind: .member, subject: "m04", by: "office:vp")
            try await client.execute(uri: link.path, method: .get) { r in #expect(r.status == .gone) }
        }
        let logged = lines.text
        #expect(logged.contains("/feeds/members/…/\(link.fileName)"), "the requests are logged, redacted: \(logged)")
        #expect(!logged.contains(link.token))
        #expect(!logged.contains(apiToken))
    }

    /// Names with `;` `,` `\` and even line breaks (which the configuration check refuses, set here directly): the
    /// feed escapes them, keeps them out of X-WR-CALNAME's separators, and stays well formed line by line.
    @Test func separatorsAndLineBreaksInUnitAndMemberNames() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00") { d in
            d.units[d.units.firstIndex { $0.id == "cb-ban-to-chuc" }!].name = "Chi bộ; Ban, Tổ\\chức\r\nHuyện ủy"
            d.members[d.members.firstIndex { $0.id == "m04" }!].name = "Nguyễn\nVăn; An, B"
        }
        defer { Task { await world.close() } }
        let input = RegistrationInput(
            unit: "cb-ban-to-chuc", kind: "cap-uy", options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30")], draftSent: "2023-12-07")
        _ = try await world.service.register(input, by: .office("vp"), idempotencyKey: nil)
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        let (text, evs) = try await events(world, try await memberLink(world))
        #expect(text.contains("\r\nSUMMARY:Kiểm điểm: Chi bộ\\; Ban\\, Tổ\\\\chức Huyện ủy\r\n"))
        #expect(text.contains("\r\nX-WR-CALNAME:Lịch kiểm điểm – Nguyễn Văn An B\r\n"))
        #expect(text.contains("\r\nNAME:Lịch kiểm điểm – Nguyễn Văn\\; An\\, B\r\n"))
        let event = try #require(evs.first)
        #expect(event.value(of: "SUMMARY") == .text("Kiểm điểm: Chi bộ; Ban, Tổ\\chức Huyện ủy"))
        let bytes = Array(text.utf8)
        var lineStart = 0
        for (i, byte) in bytes.enumerated() {
            if byte == 0x0A {
                #expect(i > 0 && bytes[i - 1] == 0x0D, "LF without CR at \(i)")
                #expect(i - 1 - lineStart <= 75, "line longer than 75 octets at \(lineStart)")
                lineStart = i + 1
            } else if byte == 0x0D {
                #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "CR without LF at \(i)")
            }
        }
    }

    func events(_ world: TestWorld, _ link: ReviewService.FeedLink) async throws -> (String, [ICalComponent]) {
        guard case .feed(let feed) = try await world.service.feed(token: link.token) else {
            Issue.record("no feed")
            return ("", [])
        }
        let text = String(decoding: feed.body, as: UTF8.self)
        return (text, try ICalComponent.parse(text).components(ofKind: "VEVENT"))
    }

    @Test func rescheduleAndCancelRaiseSequence() async throws {
        let (world, id) = try await publishedWorld()
        defer { Task { await world.close() } }
        let link = try await memberLink(world)
        let uid = "\(id)@\(world.service.district.id)"
        var (text, evs) = try await events(world, link)
        var ev = try #require(evs.first { $0.value(of: "UID") == .text(uid) })
        #expect(ev.value(of: "SEQUENCE") == .integer(0))
        #expect(text.contains("Nguyễn\\; Văn\\, \\\\Tâm"))
        // Rendering unchanged data twice gives identical bytes.
        let again = try await events(world, link).0
        #expect(again == text)

        world.set("2023-12-08T09:00")
        try await world.service.pin(request: id, option: 1, member: .some("m04"), team: "to-01", by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        (text, evs) = try await events(world, link)
        ev = try #require(evs.first { $0.value(of: "UID") == .text(uid) })
        #expect(ev.value(of: "SEQUENCE") == .integer(1))
        #expect(ev.value(of: "DTSTART") == .time(.zoned(LocalStamp(year: 2023, month: 12, day: 14, hour: 7, minute: 30), tzid: "Asia/Ho_Chi_Minh")))
        #expect(ev.value(of: "LAST-MODIFIED") == .time(.utc(LocalStamp(year: 2023, month: 12, day: 8, hour: 2, minute: 0))))

        world.set("2023-12-09T09:00")
        _ = try await world.service.withdraw(id: id, by: .unit("cb-ban-to-chuc"))
        (text, evs) = try await events(world, link)
        ev = try #require(evs.first { $0.value(of: "UID") == .text(uid) })
        #expect(ev.value(of: "SEQUENCE") == .integer(2))
        #expect(ev.value(of: "STATUS") == .status(.cancelled))
        #expect(ev.value(of: "SUMMARY") == .text("ĐÃ HỦY: Kiểm điểm: Chi bộ Ban Tổ chức Huyện ủy"))

        // After its original end the cancelled session leaves the feed.
        world.set("2023-12-14T11:31")
        (_, evs) = try await events(world, link)
        #expect(!evs.contains { $0.value(of: "UID") == .text(uid) })
    }

    @Test func unitFeedHasTheDraftDeadlineAndEveryFeedTheCampaignDeadlines() async throws {
        let (world, _) = try await publishedWorld()
        defer { Task { await world.close() } }
        let links = try await world.service.ensureFeedTokens(by: "office:vp")
        let unit = try #require(links.first { $0.kind == .unit && $0.subject == "cb-ban-to-chuc" })
        let (_, evs) = try await events(world, unit)
        let draft = try #require(evs.first { ($0.value(of: "SUMMARY").map { "\($0)" } ?? "").contains("Gửi dự thảo") })
        #expect(draft.value(of: "DTSTART") == .time(.date(DateStamp(year: 2023, month: 12, day: 10))))
        for link in links.prefix(5) {
            let (_, evs) = try await events(world, link)
            #expect(evs.contains { $0.value(of: "DTSTART") == .time(.date(DateStamp(year: 2023, month: 12, day: 20))) })
        }
    }

    @Test func exportWritesEveryFeedByteIdentically() async throws {
        let (world, _) = try await publishedWorld()
        defer { Task { await world.close() } }
        let out = world.directory.appendingPathComponent("calendars")
        let files = try await world.service.exportFeeds(to: out)
        #expect(files.count == world.service.district.members.count + world.service.district.teams.count + world.service.district.units.count + 1)
        let before = try files.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        _ = try await world.service.exportFeeds(to: out)
        let after = try files.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(before == after)
        let member = try #require(files.first { $0.hasPrefix("members/") })
        #expect(member.hasSuffix(".ics"))
    }
}

/// Many feeds rendered and served at once give the same bytes as one at a time (run under ThreadSanitizer in docs/quality.md).
@Suite struct ConcurrentFeedTests {
    @Test func concurrentRendersMatchSerialOnes() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let service = world.service
        for (i, unit) in ["cb-ban-to-chuc", "cb-ubkt", "ubnd-tan-may", "phong-tai-chinh"].enumerated() {
            let day = 11 + i
            _ = try await service.register(
                RegistrationInput(unit: unit, kind: unit.hasPrefix("cb") ? "cap-uy" : "co-quan", options: [.init(start: "2023-12-\(day)T07:30", end: "2023-12-\(day)T11:30")], draftSent: "2023-12-07"),
                by: .office("vp"), idempotencyKey: nil)
        }
        _ = try await service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:vp")
        try await service.publish(week: ISOWeek(iso: "2023-W50")!, by: "office:vp")
        let links = try await service.ensureFeedTokens(by: "office:vp")
        var serial: [String: [UInt8]] = [:]
        for link in links {
            guard case .feed(let f) = try await service.feed(token: link.token) else { Issue.record("missing feed"); return }
            serial[link.token] = f.body
        }
        // A change makes every feed render again, now from eight tasks at once.
        try await service.store.write { tx in try await tx.bumpRevision(district: service.district.id) }
        // Another process's change is seen once the cached revision is older than a second.
        world.set("2023-12-07T10:01")
        let concurrent = try await withThrowingTaskGroup(of: (String, [UInt8]).self) { group in
            for (i, link) in links.enumerated() {
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(i % 8) * 1000)
                    guard case .feed(let f) = try await service.feed(token: link.token) else { return (link.token, []) }
                    return (link.token, f.body)
                }
            }
            var all: [String: [UInt8]] = [:]
            for try await (token, body) in group { all[token] = body }
            return all
        }
        #expect(concurrent.count == links.count)
        #expect(concurrent == serial)
    }
}

/// Collects every log line with its metadata, as text.
final class LogCapture: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is only touched under `lock`.
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        lock.withLock { lines.append("\(event.level) \(event.message) \(all)") }
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
