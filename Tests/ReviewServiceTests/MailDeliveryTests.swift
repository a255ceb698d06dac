import Foundation
import ReviewCore
import ReviewStore
import ReviewTestSupport
import Testing

@testable import ReviewService

/// Delivery of the outbox: the sendmail command's deadline, the shape of the message on the wire (RFC 2047 line
/// lengths, RFC 2046 boundaries), and delivery that stops after its rounds with messages still due.
@Suite struct MailDeliveryTests {
    /// A command that never reads its input is stopped at its deadline, even when the message is larger than the
    /// pipe's buffer (the write used to block until the command ended on its own, here after 1000 s). The bound is
    /// loose: beside the whole suite on a loaded host, stopping the command (SIGTERM, then SIGKILL 5 s later) and
    /// hearing of its end took up to 117 s.
    @Test func aCommandThatNeverReadsIsStoppedAtItsDeadline() async throws {
        let transport = try SendmailTransport(command: "/bin/sleep 1000", timeout: 1)
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let started = Date()
        await #expect {
            try await transport.send(message)
        } throws: { error in
            "\(error)".contains("không xong sau 1 giây")
        }
        #expect(Date().timeIntervalSince(started) < 400)
    }

    /// A command that fails says so in its own words, on one line; a working one takes the whole message.
    @Test func theCommandsOutcomeAndWords() async throws {
        let failing = try SendmailTransport(
            command: "/bin/sh -c 'cat >/dev/null; echo \"sendmail: 554 relay refused\" >&2; echo \"sendmail: could not send mail\" >&2; exit 1'",
            timeout: 10)
        await #expect {
            try await failing.send(Array("Subject: x\r\n\r\nx\r\n".utf8))
        } throws: { error in
            "\(error)" == "lệnh gửi thư thoát với mã 1: sendmail: 554 relay refused / sendmail: could not send mail"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("message").path
        let message = [UInt8]((0..<300_000).map { UInt8(ascii: "a") + UInt8($0 % 26) })
        try await SendmailTransport(command: "/bin/sh -c 'cat > \(out)'", timeout: 10).send(message)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == message)
    }

    /// The header lines of `message`, unfolded: name → value (continuation lines joined without their CRLF).
    static func headers(_ message: String) -> [String: String] {
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        var fields: [String: String] = [:]
        var last = ""
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") {
                fields[last, default: ""] += line
            } else if let colon = line.firstIndex(of: ":") {
                last = String(line[..<colon])
                fields[last] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return fields
    }

    /// The text of a header value's encoded words, decoded and joined (white space between words dropped, RFC 2047 §6.2).
    static func decoded(_ value: String) -> String {
        var bytes: [UInt8] = []
        var rest = Substring(value)
        while let start = rest.range(of: "=?UTF-8?B?"), let end = rest[start.upperBound...].range(of: "?=") {
            bytes += Data(base64Encoded: String(rest[start.upperBound..<end.lowerBound])).map { [UInt8]($0) } ?? []
            rest = rest[end.upperBound...]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every line of the header that holds an encoded word is at most 76 characters, the first counting the field's
    /// name; the words decode to the subject and names as given; the address stays outside the encoded words.
    @Test(arguments: [
        "Mời dự: kiểm điểm Đảng bộ xã Phước Long, sáng thứ Ba 8/12 (07:30)",
        "Lịch kiểm điểm: 12 thay đổi – Công bố lịch tuần 50/2026 (Văn phòng Huyện ủy Sen Hồng đã điều chỉnh thành phần dự)",
        "Hủy", "Đ", String(repeating: "ữ", count: 40), "Plain ASCII subject that is much longer than one line of seventy-eight characters",
    ])
    func encodedWordsKeepTheirLineLength(subject: String) throws {
        let to = MailComposer.Mailbox(
            name: "Nguyễn Thị Phương Thảo – Tổ công tác số 4 – các xã, thị trấn phía Bắc", address: "to04.phia-bac.rat-dai@huyenuy-senhong.example.vn")
        let from = MailComposer.Mailbox(name: "Văn phòng Huyện ủy Sen Hồng", address: "vanphong@huyenuy-senhong.example.vn")
        let message = MailComposer.compose(
            from: from, to: to, subject: subject, date: Date(timeIntervalSince1970: 1_796_000_000), messageID: "ob-abc.huyen-sen-hong@x.example.vn",
            text: "Kính gửi đồng chí,\n")
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") where line.contains("=?") {
            #expect(line.utf8.count <= 76, "\(line.utf8.count) characters: \(line)")
        }
        let fields = Self.headers(message)
        let subjectField = try #require(fields["Subject"])
        #expect(subjectField.contains("=?") ? Self.decoded(subjectField) == subject : subjectField == subject)
        let toField = try #require(fields["To"])
        #expect(Self.decoded(toField) == to.name)
        // Words end after a space where one is near, never inside a word of the name.
        let pieces = toField.components(separatedBy: "=?UTF-8?B?").dropFirst().map { Self.decoded("=?UTF-8?B?" + $0) }
        #expect(pieces.count > 1 && pieces.dropLast().allSatisfy { $0.hasSuffix(" ") }, "\(pieces)")
        #expect(toField.hasSuffix("<\(to.address)>"))
        #expect(Self.decoded(try #require(fields["From"])) == from.name)
        #expect(message.utf8.allSatisfy { $0 < 0x80 })
    }

    /// Bodies in base64 lines of 76 characters ended by CRLF; every line end of the text becomes CRLF, once.
    @Test func base64LinesAndLineEnds() throws {
        for count in [0, 1, 56, 57, 58, 114, 1000] {
            let bytes = [UInt8]((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let text = MailComposer.base64Lines(bytes)
            let lines = text.components(separatedBy: "\r\n")
            #expect(text.hasSuffix("\r\n") && lines.dropLast().allSatisfy { $0.utf8.count <= 76 } && lines.last == "")
            #expect(lines.dropLast(2).allSatisfy { $0.utf8.count == 76 })
            #expect(Data(base64Encoded: lines.joined()).map([UInt8].init) == bytes)
        }
        #expect(MailComposer.crlf("a\r\nb\rc\nd\n\re\r\r\nf") == "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\nf")
        #expect(MailComposer.crlf("Kính gửi\nđồng chí\n") == "Kính gửi\r\nđồng chí\r\n")
    }

    /// The Date header is what a POSIX DateFormatter writes, in Vietnam's zone and in others, across leap days,
    /// years and the epoch.
    @Test func dateHeaderMatchesTheFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        for zoneName in ["Asia/Ho_Chi_Minh", "UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"] {
            let zone = TimeZone(identifier: zoneName)!
            formatter.timeZone = zone
            var instant = -86_400.0 * 400 + 0.75
            while instant < 86_400.0 * 365 * 90 {
                let date = Date(timeIntervalSince1970: instant)
                #expect(MailComposer.rfc5322Date(date, zone: zone) == formatter.string(from: date), "\(zoneName) \(instant)")
                instant += 86_400.0 * 13 + 3_659.0
            }
        }
    }

    /// Boundaries are at most 70 characters (RFC 2046) whatever the length of the district's id and domain.
    @Test func boundariesAreShortWhateverTheDistrict() throws {
        let id = "ob-0123456789ab.huyen-uy-thanh-pho-thu-duc-thanh-pho-ho-chi-minh@vanphong-thanhuy-thuduc.dangcongsan-hochiminh.example.vn"
        let calendar = Array("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8)
        let message = MailComposer.compose(
            from: .init(name: "Văn phòng", address: "vp@x.example.vn"), to: .init(name: "Lê Văn A", address: "a@x.example.vn"), subject: "Mời dự",
            date: Date(), messageID: id, text: "Kính gửi\n", calendars: [("REQUEST", calendar), ("CANCEL", calendar)])
        let boundaries = message.components(separatedBy: "boundary=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(boundaries.count == 2)
        for b in boundaries {
            #expect(b.count <= 70)
            #expect(message.contains("\r\n--\(b)--"))
        }
        #expect(Set(boundaries).count == 2)
    }

    /// Records what it is given.
    final class Recorder: MailTransport, @unchecked Sendable {
        // @unchecked: `messages` is read and written under `lock` only.
        private let lock = NSLock()
        private var messages: [[UInt8]] = []
        var count: Int { lock.withLock { messages.count } }
        func send(_ message: [UInt8]) async throws { lock.withLock { messages.append(message) } }
    }

    /// Queues `count` messages straight into the outbox.
    static func queue(_ world: TestWorld, count: Int) async throws {
        let service = world.service
        let now = service.clock.now()
        try await service.store.write(serializedOn: service.district.id) { tx in
            for i in 0..<count {
                try await tx.insertOutbox(OutboxMessage(
                    id: "ob-test\(i)", districtId: service.district.id, batch: "pb-test", week: nil, createdAt: now, person: "member:m01",
                    recipient: "m\(i)@example.vn", recipientName: "Người nhận \(i)", delivery: .notice, cause: "Thử", summary: "Thử",
                    subject: "Thử", messageId: "ob-test\(i).\(service.district.id)@example.vn", message: "Subject: x\r\n\r\nx\r\n"))
            }
        }
    }

    /// Delivery that runs out of rounds with messages still due says so, so that its caller delivers again at once;
    /// when none is left, it does not.
    @Test(arguments: TestDatabase.backends)
    func roundsThatRunOutSayMoreIsDue(backend: String) async throws {
        let world = try await TestWorld.make(at: "2026-12-03T14:00", backend: backend)
        defer { Task { await world.close() } }
        try await Self.queue(world, count: 10)
        let recorder = Recorder()
        let first = try await world.service.deliverOutbox(transport: recorder, instance: "test", concurrency: 1, maxRounds: 1)
        #expect(first == .init(sent: 4, more: true))
        let rest = try await world.service.deliverOutbox(transport: recorder, instance: "test", concurrency: 1, maxRounds: 10)
        #expect(rest == .init(sent: 6, more: false))
        #expect(recorder.count == 10)
        #expect(try await world.service.outbox(status: .sent).count == 10)
    }
}
