import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// A received message taken apart the way a mail client does: headers (RFC 2047 words decoded), and its leaf parts
/// with their content types and decoded bodies.
struct ParsedMail {
    var headers: [(String, String)] = []
    var parts: [(type: String, disposition: String?, body: String)] = []

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String? { parts.first { $0.type.hasPrefix("text/plain") }?.body }
    var calendars: [String] { parts.filter { $0.type.hasPrefix("text/calendar") }.map(\.body) }
    var attachments: [String] { parts.compactMap(\.disposition).filter { $0.hasPrefix("attachment") } }

    init(_ raw: String) {
        let (headers, body) = Self.split(raw)
        self.headers = headers.map { ($0.0, Self.decodeWords($0.1)) }
        parts = Self.leaves(headers: headers, body: body)
    }

    static func split(_ entity: String) -> ([(String, String)], String) {
        guard let end = entity.range(of: "\r\n\r\n") else { return ([], entity) }
        var headers: [(String, String)] = []
        for line in entity[..<end.lowerBound].components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return (headers, String(entity[end.upperBound...]))
    }

    static func leaves(headers: [(String, String)], body: String) -> [(type: String, disposition: String?, body: String)] {
        let type = headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "text/plain"
        if type.hasPrefix("multipart/"), let b = type.range(of: "boundary=\"") {
            let boundary = String(type[b.upperBound...].prefix { $0 != "\"" })
            let pieces = body.components(separatedBy: "--\(boundary)").dropFirst()
            return pieces.filter { !$0.hasPrefix("--") }.flatMap { piece -> [(type: String, disposition: String?, body: String)] in
                // "\r\n" is one Character.
                let trimmed = piece.hasPrefix("\r\n") ? String(piece.dropFirst()) : piece
                let (h, b) = split(trimmed)
                return leaves(headers: h, body: b)
            }
        }
        let encoded = headers.first { $0.0.lowercased() == "content-transfer-encoding" }?.1.lowercased()
        let text = encoded == "base64" ? String(decoding: Data(base64Encoded: body.filter { !$0.isWhitespace }) ?? Data(), as: UTF8.self) : body
        return [(type, headers.first { $0.0.lowercased() == "content-disposition" }?.1, text)]
    }

    static func decodeWords(_ value: String) -> String {
        guard value.contains("=?UTF-8?B?") else { return value }
        var out = ""
        var rest = Substring(value)
        while let start = rest.range(of: "=?UTF-8?B?") {
            out += rest[..<start.lowerBound].trimmingCharacters(in: .whitespaces)
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "?=") else { break }
            out += String(decoding: Data(base64Encoded: String(after[..<end.lowerBound])) ?? Data(), as: UTF8.self)
            rest = after[end.upperBound...]
        }
        return out + rest
    }
}

/// A sendmail-compatible command for tests: a shell script that stores each message it reads, or fails.
struct ScriptMailer {
    let directory: URL
    let transport: SendmailTransport

    /// Stores each message as a file in `directory/out`; with `failing`, says so on stderr and exits 75 instead.
    static func make(in root: URL, failing: Bool = false) throws -> ScriptMailer {
        let dir = root.appendingPathComponent("mailer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("sendmail")
        let body =
            failing
            ? "#!/bin/sh\ncat > /dev/null\necho 'msmtp: cannot connect to 127.0.0.1, port 2525: Connection refused' >&2\nexit 75\n"
            : "#!/bin/sh\n[ \"$1\" = -t ] && [ \"$2\" = -i ] || exit 64\ncat > \"\(dir.path)/out/$$-$(date +%s%N).eml\"\n"
        try body.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return ScriptMailer(directory: dir, transport: try SendmailTransport(command: "'\(script.path)' -t -i"))
    }

    /// Every message received so far.
    func received() throws -> [ParsedMail] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path).sorted().map {
            ParsedMail(try String(contentsOf: directory.appendingPathComponent("out").appendingPathComponent($0), encoding: .utf8))
        }
    }
}

/// E-mail of every published change: who gets what, the messages' form (MIME, RFC 2047, iTIP with the feed's UID and
/// SEQUENCE), the outbox's delivery, retries, giving up, resending, and two servers delivering each message once.
/// On SQLite, and on PostgreSQL when `REVIEWCAL_TEST_POSTGRES` is set.
@Suite struct MailTests {
    let w50 = ISOWeek(iso: "2023-W50")!
    let office = Principal.office("vp")

    func register(_ world: TestWorld, _ unit: String, _ options: [(String, String)], email: String? = nil, kind: String = "cap-uy") async throws -> String {
        let input = RegistrationInput(
            unit: unit, kind: kind, options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: "2023-12-07", contactName: "Lê Văn Tâm",
            contactEmail: email)
        let answer = try await world.service.register(input, by: office, idempotencyKey: nil, admitLate: true)
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    /// Two sessions published: the Organisation Committee's cell (member m04, team to-01) with a contact address, and
    /// the Inspection Committee's (m05).
    func publishedWeek(adjust: (inout District) -> Void = { _ in }) async throws -> (TestWorld, a: String, b: String) {
        let world = try await TestWorld.make(at: "2023-12-07T10:00", adjust: adjust)
        let a = try await register(
            world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")], email: "tam.lv@donvi.example.vn")
        let b = try await register(world, "cb-ubkt", [("2023-12-13T13:30", "2023-12-13T17:00")])
        _ = try await world.service.runSchedule(week: w50, by: "office:vp")
        #expect(try await world.service.publish(week: w50, by: "office:vp") == 2)
        return (world, a, b)
    }

    func feedEvent(_ s: ReviewService, member: String, uid: String) async throws -> String? {
        let links = try await s.ensureFeedTokens(by: "office:vp")
        let link = try #require(links.first { $0.kind == .member && $0.subject == member })
        let parts = link.path.split(separator: "/").map(String.init)
        guard case .feed(let f) = try await s.feed(token: parts[2], segment: parts[1], name: parts[3]) else { return nil }
        let text = String(decoding: f.body, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        return text.components(separatedBy: "BEGIN:VEVENT").first { $0.contains("UID:\(uid)\r\n") }
    }

    func property(_ name: String, in text: String) -> String? {
        text.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ":") || $0.hasPrefix(name + ";") }
    }

    @Test func aPublishQueuesOneMessagePerPersonWithEveryChangeOfTheirs() async throws {
        let (world, a, b) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        let messages = try await s.outbox(week: w50)
        let sessions = try await s.sessions(week: w50)
        let pa = try #require(sessions.first { $0.requestId == a }?.published?.placement)
        let pb = try #require(sessions.first { $0.requestId == b }?.published?.placement)
        // Members and teams with an address (delivery not none), and the contact of the unit that gave one.
        var expected: Set<String> = ["unit:cb-ban-to-chuc/tam.lv@donvi.example.vn"]
        for m in [pa.member, pb.member].compactMap({ $0 }) where s.district.member(m)?.email != nil && s.district.member(m)?.delivery != Delivery.none {
            expected.insert("member:\(m)")
        }
        for t in [pa.team, pb.team] where s.district.team(t)?.email != nil { expected.insert("team:\(t)") }
        #expect(Set(messages.map(\.person)) == expected)
        #expect(messages.count == expected.count, "one message per person")
        #expect(Set(messages.map(\.batch)).count == 1)
        #expect(messages.allSatisfy { $0.status == .queued && $0.attempts == 0 })
        // A team with both sessions gets one message listing both.
        if pa.team == pb.team, let both = messages.first(where: { $0.person == "team:\(pa.team)" }) {
            #expect(both.summary.split(separator: "\n").count == 2)
            #expect(both.subject.hasPrefix("Lịch kiểm điểm: 2 thay đổi"))
        }
        // The audit says how many were queued.
        #expect(try await s.auditTrail().contains { $0.action == "schedule.publish" && $0.after?.contains("\"mail\":\(expected.count)") == true })
    }

    @Test func anInvitationCarriesTheFeedsUIDAndSequenceInVietnamese() async throws {
        let (world, a, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        let mailer = try ScriptMailer.make(in: world.directory)
        let round = try await s.deliverOutbox(transport: mailer.transport, instance: "test")
        let messages = try await s.outbox(week: w50)
        #expect(round.sent == messages.count && round.retrying == 0)
        #expect(try await s.outbox(week: w50).allSatisfy { $0.status == .sent && $0.sentAt != nil })
        let received = try mailer.received()
        #expect(received.count == messages.count)
        let member = try #require(try await s.sessions(week: w50).first { $0.requestId == a }?.published?.placement.member)
        let name = try #require(s.district.member(member)?.name)
        let email = try #require(s.district.member(member)?.email)
        let mail = try #require(received.first { $0.header("To")?.contains(email) == true })
        // Headers: the office as sender, the member by name, a Vietnamese subject, a date in +0700, a Message-ID.
        #expect(mail.header("From") == "Văn phòng Huyện ủy Sen Hồng <vanphong@huyenuy-senhong.example.vn>")
        #expect(mail.header("To") == "\(name) <\(email)>")
        #expect(mail.header("Subject")?.hasPrefix("Mời dự: kiểm điểm Chi bộ Ban Tổ chức Huyện ủy, sáng thứ Ba 12/12 (07:30)") == true)
        #expect(mail.header("Date")?.hasSuffix("+0700") == true)
        #expect(mail.header("Message-ID")?.hasPrefix("<ob-") == true)
        #expect(mail.header("Content-Type")?.hasPrefix("multipart/mixed") == true)
        let text = try #require(mail.text)
        #expect(text.contains("Kính gửi đồng chí \(name),"))
        #expect(text.contains("MỜI DỰ: Kiểm điểm Chi bộ Ban Tổ chức Huyện ủy"))
        #expect(text.contains("07:30–11:30 sáng thứ Ba 12/12/2023"))
        // The invitation: inline and attached, METHOD:REQUEST, the feed's UID and SEQUENCE, local time with its zone.
        #expect(mail.calendars.count == 1)
        #expect(mail.attachments == ["attachment; filename=\"invite.ics\""])
        let whole = try #require(mail.calendars.first).replacingOccurrences(of: "\r\n ", with: "")
        #expect(whole.contains("METHOD:REQUEST\r\n"))
        #expect(whole.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\n"))
        let ics = try #require(whole.components(separatedBy: "BEGIN:VEVENT").last)
        #expect(mail.parts.contains { $0.type == "text/calendar; method=REQUEST; charset=UTF-8" })
        #expect(ics.contains("UID:\(a)@huyen-sen-hong\r\n"))
        #expect(ics.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20231212T073000\r\n"))
        #expect(ics.contains("ORGANIZER;CN=Văn phòng Huyện ủy Sen Hồng:mailto:vanphong@huyenuy-senhong.example.vn"))
        #expect(ics.contains("RSVP=FALSE:mailto:\(email)"))
        let event = try #require(try await feedEvent(s, member: member, uid: "\(a)@huyen-sen-hong"))
        #expect(property("SEQUENCE", in: ics) == property("SEQUENCE", in: event))
        #expect(property("DTSTART", in: ics) == property("DTSTART", in: event))
        #expect(property("SUMMARY", in: ics) == property("SUMMARY", in: event))
        // A notice: text only, with the feed link when the server's address is known (none here: the text says so).
        let noticeMember = s.district.members.first { $0.delivery == .notice }
        if let noticeMember, let notice = received.first(where: { $0.header("To")?.contains(noticeMember.email ?? "-") == true }) {
            #expect(notice.calendars.isEmpty && notice.header("Content-Type") == "text/plain; charset=UTF-8")
            #expect(notice.text?.contains("theo đường dẫn lịch Văn phòng đã gửi") == true)
        }
    }

    @Test func aMemberMovedOffASessionGetsItsCancellationAndTheNewOneItsInvitation() async throws {
        let (world, a, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        _ = try await s.deliverOutbox(transport: try ScriptMailer.make(in: world.directory).transport, instance: "test")
        let old = try #require(try await s.sessions(week: w50).first { $0.requestId == a }?.published?.placement)
        let oldMember = try #require(old.member)
        let newMember = try #require(s.district.members.first { $0.id != oldMember && $0.email != nil && $0.delivery == .invitation }?.id)
        world.set("2023-12-08T09:00")
        try await s.reschedule(
            request: a, to: .init(option: old.option, member: newMember, team: old.team), reason: "Đồng chí \(oldMember) đi công tác", by: "office:vp")
        let batch = try await s.outbox(week: w50).filter { $0.status == .queued }
        #expect(Set(batch.map(\.person)) == ["member:\(oldMember)", "member:\(newMember)", "team:\(old.team)", "unit:cb-ban-to-chuc/tam.lv@donvi.example.vn"])
        let mailer = try ScriptMailer.make(in: world.directory)
        #expect(try await s.deliverOutbox(transport: mailer.transport, instance: "test").sent == 4)
        let received = try mailer.received()
        let leaving = try #require(received.first { $0.header("To")?.contains(s.district.member(oldMember)!.email!) == true })
        let coming = try #require(received.first { $0.header("To")?.contains(s.district.member(newMember)!.email!) == true })
        let cancel = try #require(leaving.calendars.first).replacingOccurrences(of: "\r\n ", with: "")
        #expect(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"))
        #expect(leaving.parts.contains { $0.type == "text/calendar; method=CANCEL; charset=UTF-8" })
        #expect(leaving.header("Subject")?.hasPrefix("Không còn dự: kiểm điểm Chi bộ Ban Tổ chức Huyện ủy") == true)
        #expect(leaving.text?.contains("Lý do: Đồng chí \(oldMember) đi công tác") == true)
        let invite = try #require(coming.calendars.first).replacingOccurrences(of: "\r\n ", with: "")
        #expect(invite.contains("METHOD:REQUEST\r\n"))
        // Both carry the SEQUENCE the feeds show from now on, raised from the first publish.
        let event = try #require(try await feedEvent(s, member: newMember, uid: "\(a)@huyen-sen-hong"))
        #expect(property("SEQUENCE", in: event) == "SEQUENCE:1")
        #expect(property("SEQUENCE", in: invite) == "SEQUENCE:1" && property("SEQUENCE", in: cancel) == "SEQUENCE:1")
        #expect(try await feedEvent(s, member: oldMember, uid: "\(a)@huyen-sen-hong") == nil)
        // The team and the unit: an update (REQUEST) of the same UID.
        let unit = try #require(received.first { $0.header("To")?.contains("tam.lv@donvi.example.vn") == true })
        #expect(unit.calendars.first?.contains("METHOD:REQUEST") == true)
        #expect(unit.text?.contains("ĐỔI LỊCH: Kiểm điểm Chi bộ Ban Tổ chức Huyện ủy") == true)

        // A cancellation: CANCEL to everyone concerned, SEQUENCE raised again.
        try await s.cancel(request: a, reason: "Đơn vị đề nghị lùi sang năm sau", by: "office:vp")
        let mailer2 = try ScriptMailer.make(in: world.directory)
        #expect(try await s.deliverOutbox(transport: mailer2.transport, instance: "test").sent == 3)
        for mail in try mailer2.received() {
            let ics = try #require(mail.calendars.first)
            #expect(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED") && ics.contains("SEQUENCE:2"))
            #expect(mail.text?.contains("Lý do: Đơn vị đề nghị lùi sang năm sau") == true)
        }
    }

    @Test func aFailedDeliveryWaitsWithItsErrorIsRetriedAndGivenUpThenSentAgain() async throws {
        let (world, _, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        let total = try await s.outbox(week: w50).count
        let failing = try ScriptMailer.make(in: world.directory, failing: true)
        let first = try await s.deliverOutbox(transport: failing.transport, instance: "test", retryAfter: 60)
        #expect(first == .init(sent: 0, retrying: total, failed: 0))
        var messages = try await s.outbox(week: w50)
        #expect(messages.allSatisfy { $0.status == .queued && $0.attempts == 1 && $0.lastError?.contains("Connection refused") == true })
        #expect(messages.allSatisfy { $0.lastError?.contains("mã 75") == true })
        // Not due again before its backoff.
        #expect(try await s.deliverOutbox(transport: failing.transport, instance: "test", retryAfter: 60) == .init())
        world.set("2023-12-07T10:01", second: 1)
        #expect(try await s.deliverOutbox(transport: failing.transport, instance: "test", retryAfter: 60).retrying == total)
        messages = try await s.outbox(week: w50)
        #expect(messages.allSatisfy { $0.attempts == 2 })
        // The second wait is twice the first.
        #expect(messages.allSatisfy { abs($0.nextAttemptAt.timeIntervalSince(world.clock.now()) - 120) < 1 })
        // After giveUpHours (24 h) the message is marked failed, with its error kept.
        world.set("2023-12-08T10:00", second: 1)
        #expect(try await s.deliverOutbox(transport: failing.transport, instance: "test", retryAfter: 60).failed == total)
        messages = try await s.outbox(week: w50)
        #expect(messages.allSatisfy { $0.status == .failed && $0.lastError != nil })
        // The office sends them again, with the same Message-ID; the relay works now.
        let ids = messages.map(\.id)
        try await s.resendOutbox(ids: ids, by: "office:vp")
        let working = try ScriptMailer.make(in: world.directory)
        #expect(try await s.deliverOutbox(transport: working.transport, instance: "test").sent == total)
        let received = try working.received()
        #expect(Set(received.compactMap { $0.header("Message-ID") }) == Set(messages.map { "<\($0.messageId)>" }))
        #expect(try await s.auditTrail().filter { $0.action == "mail.resend" }.count == total)
        do {
            try await s.resendOutbox(ids: ["ob-khong-co"], by: "office:vp")
            Issue.record("an unknown message was resent")
        } catch let f as ReviewError {
            #expect(f.code == .notFound && f.message.contains("ob-khong-co"))
        }
    }

    @Test func aMessageClaimedButNeverMarkedIsSentAgainAfterItsLeaseWithTheSameMessageID() async throws {
        let (world, _, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        let total = try await s.outbox(week: w50).count
        // A server claims every message, then stops before marking any (kill -9 while handing them over).
        let now = world.clock.now()
        let claimed = try await s.store.write(serializedOn: s.district.id) { tx in
            try await tx.claimOutbox(district: s.district.id, instance: "dead", now: now, leaseUntil: now.addingTimeInterval(300), limit: 100)
        }
        #expect(claimed.count == total)
        let mailer = try ScriptMailer.make(in: world.directory)
        #expect(try await s.deliverOutbox(transport: mailer.transport, instance: "alive") == .init(), "leased to the stopped server")
        world.set("2023-12-07T10:05", second: 1)
        #expect(try await s.deliverOutbox(transport: mailer.transport, instance: "alive").sent == total)
        #expect(Set(try mailer.received().compactMap { $0.header("Message-ID") }) == Set(claimed.map { "<\($0.messageId)>" }))
        // The stopped server's late mark changes nothing.
        let late = try await s.store.write(serializedOn: s.district.id) { tx in
            try await tx.markOutboxSent(id: claimed[0].id, district: s.district.id, instance: "dead", at: now)
        }
        #expect(!late)
    }

    @Test func twoServersOnOneDatabaseDeliverEachMessageOnce() async throws {
        let (world, _, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        // More messages: sixteen more units in the week, published.
        let s = world.service
        let w51 = w50
        for (i, unit) in s.district.units.filter({ !["cb-ban-to-chuc", "cb-ubkt"].contains($0.id) }).prefix(16).enumerated() {
            let day = w51.monday.adding(days: i % 5 + 1)
            let slot = i % 2 == 0 ? ("07:30", "11:30") : ("13:30", "17:00")
            guard let kind = s.district.kinds(registrableBy: unit.kind).first else { continue }
            _ = try await register(world, unit.id, [("\(day.iso)T\(slot.0)", "\(day.iso)T\(slot.1)")], email: "lienhe\(i)@donvi.example.vn", kind: kind.rawValue)
        }
        _ = try await s.runSchedule(week: w51, by: "office:vp")
        try await s.publish(week: w51, by: "office:vp")
        let total = try await s.outbox().count
        #expect(total > 20)
        // A second server: its own service and store over the same database.
        let other = try await ReviewService(
            district: s.district, store: try await ReviewStore.open(world.storeURL, timeout: TestDatabase.timeout), clock: world.clock, feedKey: s.feedKey)
        let mailer = try ScriptMailer.make(in: world.directory)
        async let one = s.deliverOutbox(transport: mailer.transport, instance: "one", concurrency: 2)
        async let two = other.deliverOutbox(transport: mailer.transport, instance: "two", concurrency: 2)
        let (r1, r2) = try await (one, two)
        try await other.store.close()
        #expect(r1.sent + r2.sent == total)
        let received = try mailer.received()
        #expect(received.count == total)
        #expect(Set(received.compactMap { $0.header("Message-ID") }).count == total)
        #expect(try await s.outbox().allSatisfy { $0.status == .sent })
    }

    @Test func nothingIsQueuedWithoutMailSettingsOrAddresses() async throws {
        let (world, _, _) = try await publishedWeek { $0.mail = nil }
        defer { Task { await world.close() } }
        #expect(try await world.service.outbox().isEmpty)
        #expect(try await world.service.pendingRecipients(week: w50).isEmpty)
        let (bare, _, _) = try await publishedWeek { d in
            d.members = d.members.map { var m = $0; m.email = nil; return m }
            d.teams = d.teams.map { var t = $0; t.email = nil; return t }
            d.units = d.units.map { var u = $0; u.delivery = .none; return u }
        }
        defer { Task { await bare.close() } }
        #expect(try await bare.service.outbox().isEmpty)
        let failing = try ScriptMailer.make(in: bare.directory, failing: true)
        #expect(try await bare.service.deliverOutbox(transport: failing.transport, instance: "t") == .init())
    }

    @Test func theWeekBoardCountsWhoAPublishWillTell() async throws {
        let (world, a, _) = try await publishedWeek()
        defer { Task { await world.close() } }
        let s = world.service
        #expect(try await s.pendingRecipients(week: w50).isEmpty, "nothing differs from what is published")
        let old = try #require(try await s.sessions(week: w50).first { $0.requestId == a }?.proposal)
        let other = try #require(s.district.members.first { $0.id != old.member && $0.email != nil && $0.delivery != .none }?.id)
        world.set("2023-12-08T09:00")
        try await s.move(request: a, to: .init(option: old.option, member: other, team: old.team), by: "office:vp")
        let pending = try await s.pendingRecipients(week: w50).map(\.key)
        #expect(Set(pending).isSuperset(of: ["member:\(other)", "team:\(old.team)", "unit:cb-ban-to-chuc/tam.lv@donvi.example.vn"]))
        let delivery = try #require(try await s.lastPublishDelivery(week: w50))
        let queued = try await s.outbox(week: w50).count
        #expect(delivery.sent == 0 && delivery.total == queued)
        try await s.publish(week: w50, by: "office:vp")
        let latest = try #require(try await s.outbox(week: w50).first?.batch)
        #expect(try await s.outbox(week: w50).filter { $0.batch == latest }.map(\.person).sorted() == pending.sorted())
    }

    @Test func anAddressIsCheckedAtRegistrationAndInTheConfiguration() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        for bad in ["tam.lv", "tam@", "tam lv@donvi.example.vn", "tam@donvi", "tam@donvi.example.vn\r\nBcc: x@y.vn", "tâm@donvi.example.vn"] {
            do {
                _ = try await register(world, "cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")], email: bad)
                Issue.record("accepted \(bad)")
            } catch let f as ReviewError {
                #expect(f.code.rawValue == "invalid-email" || f.code.rawValue == "control-character" || f.code.rawValue == "invalid-request", "\(bad): \(f.code.rawValue)")
                #expect(f.message.contains("Địa chỉ thư") || f.details.contains { $0.message.contains("Địa chỉ thư") })
            }
        }
        #expect(try await world.service.list(for: office).isEmpty, "nothing stored")
        // The configuration: a malformed address, an unknown delivery, addresses without the office's own.
        let dir = world.directory.appendingPathComponent("config")
        try FileManager.default.copyItem(at: TestWorld.repoRoot.appendingPathComponent("config"), to: dir)
        let members = dir.appendingPathComponent("members.yaml")
        let text = try String(contentsOf: members, encoding: .utf8)
        try text.replacingOccurrences(of: "email: khanh.tv@huyenuy-senhong.example.vn", with: "email: khanh.tv@@huyenuy")
            .replacingOccurrences(of: "  delivery: notice\n", with: "  delivery: sms\n")
            .write(to: members, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(directory: dir)
            Issue.record("a malformed address was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("members.yaml") && message.contains("khanh.tv@@huyenuy") && message.contains("không hợp lệ"))
            #expect(message.contains("'delivery': 'sms' không hợp lệ"))
        }
        try text.write(to: members, atomically: true, encoding: .utf8)
        let district = dir.appendingPathComponent("district.yaml")
        let yaml = try String(contentsOf: district, encoding: .utf8)
        let start = try #require(yaml.range(of: "mail:"))
        let end = try #require(yaml.range(of: "giveUpHours: 24", range: start.upperBound..<yaml.endIndex))
        let lineEnd = yaml[end.upperBound...].firstIndex(of: "\n") ?? yaml.endIndex
        try (String(yaml[..<start.lowerBound]) + String(yaml[lineEnd...])).write(to: district, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(directory: dir)
            Issue.record("addresses without mail.from were accepted")
        } catch {
            #expect("\(error)".contains("chưa có mục 'mail'"))
        }
    }
}
