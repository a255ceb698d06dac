import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// Feeds that never show stale data: every change reaches a client that revalidates, Last-Modified is the feed's own
/// and never goes back, weak validators, no alarm on cancelled events, exact addresses, secrets kept out of the
/// database. On SQLite, and on PostgreSQL when `REVIEWCAL_TEST_POSTGRES` is set.
@Suite struct FeedTruthTests {
    static let w50 = ISOWeek(iso: "2023-W50")!

    static let original = RegistrationInput(
        unit: "cb-ban-to-chuc", kind: "cap-uy",
        options: [.init(start: "2023-12-12T07:30", end: "2023-12-12T11:30"), .init(start: "2023-12-14T07:30", end: "2023-12-14T11:30")],
        draftSent: "2023-12-07", contactName: "Nguyễn Văn Tâm", contactPhone: "0912 000 111", note: "Họp tại hội trường tầng 2")

    /// A world with one published session of the Organisation Committee's cell (member m04), and its request id.
    static func published() async throws -> (TestWorld, String) {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        let answer = try await world.service.register(original, by: .office("vp"), idempotencyKey: nil)
        let id = try JSONDecoder().decode(FeedTests.Probe.self, from: Data(answer.body.utf8)).request.id
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        try await world.service.publish(week: w50, by: "office:vp")
        return (world, id)
    }

    static func link(_ service: ReviewService, _ kind: FeedToken.Kind = .member, _ subject: String = "m04") async throws -> ReviewService.FeedLink {
        try #require(try await service.ensureFeedTokens(by: "office:vp").first { $0.kind == kind && $0.subject == subject })
    }

    /// What a calendar client keeps of a feed.
    struct Fetched {
        var etag: String
        var lastModified: String
        var body: String

        /// The body with its folded lines joined again.
        var unfolded: String { body.replacingOccurrences(of: "\r\n ", with: "") }

        /// The lines of the event with this UID, unfolded.
        func event(_ uid: String) -> [String]? {
            let lines = unfolded.components(separatedBy: "\r\n")
            var current: [String] = []
            var inside = false
            for line in lines {
                if line == "BEGIN:VEVENT" {
                    inside = true
                    current = []
                } else if line == "END:VEVENT" {
                    inside = false
                    if current.contains("UID:\(uid)") { return current }
                } else if inside {
                    current.append(line)
                }
            }
            return nil
        }

        func sequence(_ uid: String) -> Int? {
            event(uid)?.first { $0.hasPrefix("SEQUENCE:") }.flatMap { Int($0.dropFirst(9)) }
        }

        func modified(_ uid: String) -> String? {
            event(uid)?.first { $0.hasPrefix("LAST-MODIFIED:") }.map { String($0.dropFirst(14)) }
        }
    }

    static func fetch(_ client: some TestClientProtocol, _ path: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, Fetched?) {
        try await client.execute(uri: path, method: .get, headers: headers) { r in
            guard r.status == .ok else { return (r.status, nil) }
            return (
                r.status,
                Fetched(
                    etag: try #require(r.headers[.eTag]), lastModified: try #require(r.headers[.lastModified]),
                    body: String(decoding: r.body.readableBytesView, as: UTF8.self)))
        }
    }

    /// A calendar client fetches the member's feed, the unit changes one field, the client revalidates with its ETag
    /// and with its Last-Modified, and gets the new text with a higher SEQUENCE and a newer LAST-MODIFIED each time;
    /// revalidating again with the new validators gives 304.
    @Test func everyFieldChangeReachesARevalidatingClient() async throws {
        let (world, id) = try await Self.published()
        defer { Task { await world.close() } }
        let link = try await Self.link(world.service)
        let uid = "\(id)@\(world.service.district.id)"
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            var (status, kept) = try await Self.fetch(client, link.path)
            #expect(status == .ok)
            var last = try #require(kept)
            #expect(last.unfolded.contains("Nguyễn Văn Tâm"))
            let changes: [(field: String, change: (inout RegistrationInput) -> Void, shows: String)] = [
                ("contactName", { $0.contactName = "Trần Thị Mai" }, "Trần Thị Mai"),
                ("contactPhone", { $0.contactPhone = "0987 654 321" }, "0987 654 321"),
                ("note", { $0.note = "Họp tại phòng 305" }, "Họp tại phòng 305"),
                ("draftSent", { $0.draftSent = "2023-12-06" }, "đã gửi ngày 06/12/2023"),
                ("draftSent removed", { $0.draftSent = nil }, "Dự thảo báo cáo: chưa gửi"),
            ]
            var input = Self.original
            var minute = 1
            for (field, change, shows) in changes {
                world.set("2023-12-07T10:\(String(format: "%02d", minute))")
                minute += 1
                change(&input)
                _ = try await world.service.change(id: id, input, by: .office("vp"), idempotencyKey: nil)
                // Revalidation with the ETag.
                (status, kept) = try await Self.fetch(client, link.path, headers: [.ifNoneMatch: last.etag])
                #expect(status == .ok, "\(field): the old ETag must not match")
                let byETag = try #require(kept)
                #expect(byETag.unfolded.contains(shows), "\(field)")
                #expect(byETag.etag != last.etag, "\(field)")
                #expect(try #require(byETag.sequence(uid)) > (try #require(last.sequence(uid))), "\(field): SEQUENCE")
                #expect(try #require(byETag.modified(uid)) > (try #require(last.modified(uid))), "\(field): LAST-MODIFIED")
                // Revalidation with the date.
                (status, kept) = try await Self.fetch(client, link.path, headers: [.ifModifiedSince: last.lastModified])
                #expect(status == .ok, "\(field): If-Modified-Since must see the change")
                #expect(kept?.body == byETag.body)
                // Nothing changed since: 304 by either validator, and by the weak form of the ETag.
                for headers: HTTPFields in [[.ifNoneMatch: byETag.etag], [.ifNoneMatch: "W/" + byETag.etag], [.ifModifiedSince: byETag.lastModified]] {
                    try await client.execute(uri: link.path, method: .get, headers: headers) { r in #expect(r.status == .notModified, "\(field) \(headers)") }
                }
                last = byETag
            }
            // A note in the office's progress book is not in any event: the feed stays the same.
            world.set("2023-12-07T10:30")
            try await world.service.addNote(unit: "cb-ban-to-chuc", text: "Đã gọi điện nhắc", by: "office:vp")
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: last.etag]) { r in #expect(r.status == .notModified) }
        }
    }

    /// A change that comes from the configuration (a member's title), seen by a server started on it, raises the
    /// SEQUENCE of the events that show it.
    @Test func configurationChangeRaisesTheSequence() async throws {
        let (world, id) = try await Self.published()
        defer { Task { await world.close() } }
        let uid = "\(id)@\(world.service.district.id)"
        let link = try await Self.link(world.service)
        guard case .feed(let before) = try await world.service.feed(token: link.token) else { Issue.record("no feed"); return }
        var district = world.service.district
        let index = try #require(district.members.firstIndex { $0.id == "m04" })
        district.members[index].title = "Phó Bí thư Thường trực Huyện ủy"
        world.set("2023-12-07T11:00")
        let restarted = try await ReviewService(district: district, store: world.service.store, clock: world.clock, feedKey: world.service.feedKey)
        guard case .feed(let after) = try await restarted.feed(token: link.token) else { Issue.record("no feed"); return }
        let old = Fetched(etag: before.etag, lastModified: "", body: String(decoding: before.body, as: UTF8.self))
        let new = Fetched(etag: after.etag, lastModified: "", body: String(decoding: after.body, as: UTF8.self))
        #expect(new.unfolded.contains("Phó Bí thư Thường trực Huyện ủy"))
        #expect(try #require(new.sequence(uid)) == (try #require(old.sequence(uid))) + 1)
        #expect(after.etag != before.etag)
        #expect(after.lastModified > before.lastModified)
        // The same server asked again: nothing new, nothing raised.
        guard case .feed(let again) = try await restarted.feed(token: link.token) else { Issue.record("no feed"); return }
        #expect(again.body == after.body)
    }

    /// Last-Modified is the feed's: when its newest event leaves (here a withdrawn session, once its time is past), the
    /// date moves on instead of back, and If-Modified-Since with the old date gets the new feed.
    @Test func lastModifiedMovesOnWhenAnEventLeaves() async throws {
        let (world, id) = try await Self.published()
        defer { Task { await world.close() } }
        let uid = "\(id)@\(world.service.district.id)"
        let link = try await Self.link(world.service)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            world.set("2023-12-08T09:00")
            _ = try await world.service.withdraw(id: id, by: .office("vp"))
            let (_, cancelledFeed) = try await Self.fetch(client, link.path)
            let cancelled = try #require(cancelledFeed)
            let event = try #require(cancelled.event(uid))
            #expect(event.contains("STATUS:CANCELLED"))
            #expect(!event.contains("BEGIN:VALARM"), "a cancelled event carries no alarm")
            // After the session's original end the cancelled event leaves the feed.
            world.set("2023-12-12T12:00")
            let (status, goneFeed) = try await Self.fetch(client, link.path, headers: [.ifModifiedSince: cancelled.lastModified])
            #expect(status == .ok)
            let gone = try #require(goneFeed)
            #expect(gone.event(uid) == nil)
            let before = try #require(HTTPDateProbe.parse(cancelled.lastModified))
            let after = try #require(HTTPDateProbe.parse(gone.lastModified))
            #expect(after > before, "Last-Modified never goes back: \(cancelled.lastModified) → \(gone.lastModified)")
            try await client.execute(uri: link.path, method: .get, headers: [.ifModifiedSince: gone.lastModified]) { r in #expect(r.status == .notModified) }
        }
    }

    /// A live session of a member carries its alarm; the same session cancelled by the office carries none.
    @Test func cancelledEventsHaveNoAlarm() async throws {
        let (world, id) = try await Self.published()
        defer { Task { await world.close() } }
        let uid = "\(id)@\(world.service.district.id)"
        let link = try await Self.link(world.service)
        guard case .feed(let live) = try await world.service.feed(token: link.token) else { Issue.record("no feed"); return }
        #expect(Fetched(etag: "", lastModified: "", body: String(decoding: live.body, as: UTF8.self)).event(uid)?.contains("BEGIN:VALARM") == true)
        world.set("2023-12-08T09:00")
        try await world.service.cancel(request: id, reason: "Đơn vị xin lùi lịch", by: "office:vp")
        guard case .feed(let cancelled) = try await world.service.feed(token: link.token) else { Issue.record("no feed"); return }
        let event = try #require(Fetched(etag: "", lastModified: "", body: String(decoding: cancelled.body, as: UTF8.self)).event(uid))
        #expect(event.contains("STATUS:CANCELLED"))
        #expect(!event.contains("BEGIN:VALARM"))
    }

    /// The token opens only its own kind and file name; other methods get 405 with Allow.
    @Test func addressIsExact() async throws {
        let (world, _) = try await Self.published()
        defer { Task { await world.close() } }
        let link = try await Self.link(world.service)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            try await client.execute(uri: link.path, method: .get) { r in #expect(r.status == .ok) }
            for kind in ["teams", "units", "district"] {
                try await client.execute(uri: "/feeds/\(kind)/\(link.token)/\(link.fileName)", method: .get) { r in #expect(r.status == .notFound, "\(kind)") }
            }
            try await client.execute(uri: "/feeds/members/\(link.token)/someone-else.ics", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/feeds/members/\(link.token)/\(link.fileName)x", method: .head) { r in #expect(r.status == .notFound) }
            for method: HTTPRequest.Method in [.post, .put, .delete, .patch, .options] {
                try await client.execute(uri: link.path, method: method) { r in
                    #expect(r.status == .methodNotAllowed, "\(method)")
                    #expect(r.headers[.allow] == "GET, HEAD")
                }
            }
            // A rotated token is gone under its own kind, unknown under another.
            _ = try await world.service.rotateFeed(kind: .member, subject: "m04", by: "office:vp")
            try await client.execute(uri: link.path, method: .get) { r in #expect(r.status == .gone) }
            try await client.execute(uri: "/feeds/teams/\(link.token)/\(link.fileName)", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    /// A rotation answers 410 at once where it was made and within one second on another instance over the same
    /// database; listing the links never brings a revoked feed back.
    @Test func revocationReachesEveryInstanceAndStays() async throws {
        let (world, _) = try await Self.published()
        defer { Task { await world.close() } }
        let link = try await Self.link(world.service)
        let otherClock = AdjustableClock(startingAt: world.clock.now(), base: FrozenClock())
        let other = try await ReviewService(district: world.service.district, store: world.service.store, clock: otherClock, feedKey: world.service.feedKey)
        guard case .feed = try await other.feed(token: link.token) else { Issue.record("the other instance serves the feed"); return }
        try await world.service.revokeFeed(kind: .member, subject: "m04", by: "office:vp")
        guard case .gone = try await world.service.feed(token: link.token) else { Issue.record("410 at once where revoked"); return }
        otherClock.set(otherClock.now().addingTimeInterval(1))
        guard case .gone = try await other.feed(token: link.token) else { Issue.record("410 within a second elsewhere"); return }
        // `reviewcal feeds list` issues links for feeds that never had one, not for a revoked one.
        let listed = try await world.service.ensureFeedTokens(by: "office:vp")
        #expect(!listed.contains { $0.kind == .member && $0.subject == "m04" })
        let again = try await other.ensureFeedTokens(by: "office:vp")
        #expect(!again.contains { $0.kind == .member && $0.subject == "m04" })
        guard case .gone = try await world.service.feed(token: link.token) else { Issue.record("still 410"); return }
        // Only a rotation gives it a new link.
        let rotated = try await world.service.rotateFeed(kind: .member, subject: "m04", by: "office:vp")
        #expect(rotated.token != link.token)
        guard case .feed = try await world.service.feed(token: rotated.token) else { Issue.record("the new link works"); return }
    }

    /// No feed token is in the database: its file holds none of them, and a server with another key derives other
    /// tokens, under which the old addresses open nothing; the same key gives the same links after a restart.
    @Test func feedSecretsAreNotInTheDatabase() async throws {
        let (world, _) = try await Self.published()
        defer { Task { await world.close() } }
        let links = try await world.service.ensureFeedTokens(by: "office:vp")
        #expect(links.count == (try await world.service.feedDirectory()).count)
        if !world.storeURL.hasPrefix("postgres") {
            try await world.service.store.close()
            let folder = URL(fileURLWithPath: world.storeURL).deletingLastPathComponent()
            var bytes = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                bytes.append(try Data(contentsOf: folder.appendingPathComponent(file)))
            }
            #expect(bytes.count > 10_000)
            for link in links { #expect(bytes.range(of: Data(link.token.utf8)) == nil, "\(link.fileName)") }
            return
        }
        let thief = try await ReviewService(district: world.service.district, store: world.service.store, clock: world.clock, feedKey: .random())
        let theirs = try await thief.feedLinks()
        #expect(Set(theirs.map(\.token)).isDisjoint(with: links.map(\.token)))
        for link in links.prefix(5) {
            guard case .notFound = try await thief.feed(token: link.token) else { Issue.record("a copy with another key opens nothing"); return }
        }
        let restarted = try await ReviewService(district: world.service.district, store: world.service.store, clock: world.clock, feedKey: world.service.feedKey)
        #expect(try await restarted.feedLinks().map(\.token) == links.map(\.token))
    }

    /// The key file: created with mode 0600 on first use, read back the same, refused when others may read it or when
    /// it holds no key, and not created where it must already exist.
    @Test func feedKeyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedkey-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("feed.key")
        #expect(throws: FeedKey.Problem.self) { try FeedKey.load(at: url, create: false) }
        let made = try FeedKey.load(at: url, create: true)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        let read = try FeedKey.load(at: url, create: true)
        let sample = (district: "d", kind: FeedToken.Kind.member, subject: "m04", generation: 1)
        #expect(made.token(district: sample.district, kind: sample.kind, subject: sample.subject, generation: 1)
            == read.token(district: sample.district, kind: sample.kind, subject: sample.subject, generation: 1))
        #expect(made.token(district: "d", kind: .member, subject: "m04", generation: 1) != made.token(district: "d", kind: .member, subject: "m04", generation: 2))
        #expect(made.token(district: "d", kind: .member, subject: "m04", generation: 1) != made.token(district: "d", kind: .team, subject: "m04", generation: 1))
        #expect(made.token(district: "d", kind: .member, subject: "m04", generation: 1).count == 32)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
        let open = #expect(throws: FeedKey.Problem.self) { try FeedKey.load(at: url, create: true) }
        #expect(open?.description.contains("chmod 600") == true)
        try "không phải khóa\n".write(to: url, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        #expect(throws: FeedKey.Problem.self) { try FeedKey.load(at: url, create: true) }
    }
}

/// Parses the IMF-fixdate of a Last-Modified header.
enum HTTPDateProbe {
    static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text)
    }
}
