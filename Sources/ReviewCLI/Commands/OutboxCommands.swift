import ArgumentParser
import CellCommands
import Foundation
import Logging
import ReviewCore
import ReviewService
import ReviewStore

/// `reviewcal outbox …`: the e-mail every published change causes — list, show, send again, deliver once.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Thư báo thay đổi lịch: xem hộp thư đi, xem một thư, gửi lại, gửi ngay các thư đến hạn.",
        discussion: """
            Mỗi lần công bố, đổi lịch, hủy buổi hoặc đơn vị rút đăng ký, reviewcal xếp một thư cho mỗi người liên quan \
            (UVBTV, tổ công tác, người liên hệ của đơn vị có địa chỉ thư trong config/) vào hộp thư đi; máy chủ đang chạy \
            (reviewcal serve) gửi qua lệnh --sendmail, gửi không được thì thử lại, quá mail.giveUpHours giờ thì đánh dấu \
            "Gửi không được". Sửa địa chỉ hoặc máy chủ thư rồi gửi lại bằng reviewcal outbox resend.
            """,
        subcommands: [List.self, Show.self, Resend.self, Deliver.self])

    static let statusHelp = OutboxMessage.Status.allCases.map { "\($0.rawValue) (\($0.vietnamese))" }.joined(separator: ", ")

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Liệt kê thư trong hộp thư đi, mới nhất trước: người nhận, lý do, trạng thái, số lần thử, lỗi, lúc gửi.",
            discussion: "Thời gian theo múi giờ của chiến dịch (Asia/Ho_Chi_Minh).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Chỉ thư của tuần này, ví dụ 2026-W50.") var week: String?
        @Option(help: ArgumentHelp("Chỉ thư ở trạng thái này: \(OutboxCommand.statusHelp).", valueName: "trạng-thái")) var status: String?
        @Option(help: "Số thư tối đa (1–10000).") var limit: Int = 200
        @Flag(help: "In kết quả dạng JSON.") var json = false
        @Flag(help: "Với --json: kèm cả bức thư (RFC 5322) của mỗi thư.") var raw = false

        func validate() throws {
            if let status { _ = try OutboxCommand.parseStatus(status) }
            if let week { _ = try parseWeek(week) }
            if !(1...10_000).contains(limit) { throw ValidationError("--limit từ 1 đến 10000.") }
            if raw && !json { throw ValidationError("--raw chỉ dùng cùng --json (xem một bức thư: reviewcal outbox show MÃ --raw).") }
        }

        func run() async throws {
            let w = try week.map(parseWeek)
            let s = try status.map(OutboxCommand.parseStatus)
            try await local.withService { service in
                // One more than asked, to say whether older messages are left out.
                let found = try await runOffice { try await service.outbox(week: w, status: s, limit: limit + 1) }
                let list = Array(found.prefix(limit))
                if json { return try printJSON(list.map { OutboxMessageJSON($0, raw: raw) }) }
                let zone = service.district.zone
                if service.district.mail == nil { print(OutboxCommand.notConfigured) }
                guard !list.isEmpty else {
                    var scope: [String] = []
                    if let w { scope.append("của \(w.vietnamese)") }
                    if let s { scope.append("ở trạng thái \"\(s.vietnamese)\"") }
                    print("Không có thư nào" + (scope.isEmpty ? " trong hộp thư đi." : " \(scope.joined(separator: " ")).") )
                    return
                }
                print(["Mã", "Xếp lúc", "Người nhận", "Lý do", "Trạng thái", "Gửi lúc"].joined(separator: "\t"))
                for m in list {
                    var state = "\(m.status.vietnamese), \(m.attempts) lần thử"
                    if let error = m.lastError, m.status != .sent { state += "; lỗi: \(OutboxCommand.oneLine(error, max: 200))" }
                    print([
                        m.id, OutboxMessage.timeText(m.createdAt, zone: zone), "\(m.recipientName) <\(m.recipient)>", m.cause, state,
                        m.sentAt.map { OutboxMessage.timeText($0, zone: zone) } ?? "—",
                    ].joined(separator: "\t"))
                }
                let counts = Dictionary(grouping: list, by: \.status).mapValues(\.count)
                let parts = OutboxMessage.Status.allCases.compactMap { s in counts[s].map { "\(s.vietnamese.lowercased()) \($0)" } }
                print("\(list.count) thư: \(parts.joined(separator: ", "))." + (found.count > limit ? " Còn thư cũ hơn: tăng --limit hoặc lọc theo --week, --status." : ""))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Xem một thư: người nhận, lý do, từng thay đổi, trạng thái, lỗi lần gửi gần nhất; --raw in cả bức thư (RFC 5322).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã thư (ob-…, xem reviewcal outbox list).") var id: String
        @Flag(help: "In nguyên bức thư (RFC 5322, như lệnh gửi thư nhận được).") var raw = false
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func run() async throws {
            try await local.withService { service in
                let m = try await runOffice { try await service.outboxMessage(id: id) }
                if raw && !json {
                    FileHandle.standardOutput.write(Data(m.message.utf8))
                    return
                }
                if json { return try printJSON(OutboxMessageJSON(m, raw: raw)) }
                let zone = service.district.zone
                var lines = [
                    "Thư \(m.id)",
                    "Người nhận: \(m.recipientName) <\(m.recipient)> (\(m.person))",
                    "Cách gửi: \(m.delivery.vietnamese)",
                    "Lý do: \(m.cause)",
                    "Tiêu đề: \(m.subject)",
                ]
                if let week = m.week { lines.append("Tuần: \(week.iso), \(week.vietnamese)") }
                lines.append("Xếp lúc: \(OutboxMessage.timeText(m.createdAt, zone: zone))")
                lines.append("Trạng thái: \(m.stateText(zone: zone))")
                lines.append("Số lần thử: \(m.attempts)")
                if let error = m.lastError { lines.append("Lỗi lần gửi gần nhất: \(error)") }
                lines.append("Message-ID: <\(m.messageId)>")
                lines.append("Đợt gửi: \(m.batch)")
                lines.append("Các thay đổi:")
                lines += m.summaryLines.map { "  - \($0)" }
                print(lines.joined(separator: "\n"))
                if m.canResend { print("Gửi lại ngay: reviewcal outbox resend \(m.id)") }
            }
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Xếp lại thư để gửi ngay (cùng Message-ID): theo mã, hoặc mọi thư gửi không được (--failed).",
            discussion: """
                Máy chủ đang chạy (reviewcal serve) gửi các thư này trong vài giây; nơi không chạy máy chủ, gửi bằng \
                reviewcal outbox deliver. Sửa nguyên nhân trước (địa chỉ trong config/, máy chủ thư hoặc lệnh --sendmail), \
                nếu không thư lại gửi không được. Mỗi lần gửi lại được ghi vào nhật ký thao tác (mail.resend).
                """)
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã thư (ob-…); nhiều mã cách nhau bằng dấu cách.") var ids: [String] = []
        @Flag(help: "Gửi lại mọi thư \"Gửi không được\".") var failed = false
        @Option(help: "Với --failed: chỉ thư của tuần này, ví dụ 2026-W50.") var week: String?

        func validate() throws {
            if failed && !ids.isEmpty { throw ValidationError("Ghi mã thư hoặc --failed, không cả hai.") }
            if !failed && ids.isEmpty { throw ValidationError("Cần mã thư cần gửi lại (xem reviewcal outbox list), hoặc --failed.") }
            if week != nil && !failed { throw ValidationError("--week chỉ dùng cùng --failed.") }
            if let week { _ = try parseWeek(week) }
        }

        func run() async throws {
            let w = try week.map(parseWeek)
            try await local.withService { service in
                let queued: [OutboxMessage]
                if failed {
                    queued = try await runOffice { try await service.resendFailedOutbox(week: w, by: local.officeActor) }
                    if queued.isEmpty {
                        print("Không có thư nào gửi không được" + (w.map { " trong \($0.vietnamese)" } ?? "") + ".")
                        return
                    }
                } else {
                    var unique: [String] = []
                    for id in ids where !unique.contains(id) { unique.append(id) }
                    try await runOffice { try await service.resendOutbox(ids: unique, by: local.officeActor) }
                    queued = try await runOffice { try await unique.asyncMap { try await service.outboxMessage(id: $0) } }
                }
                print("Đã xếp lại \(queued.count) thư để gửi ngay (cùng Message-ID):")
                for m in queued { print("  \(m.id)  \(m.recipientName) <\(m.recipient)>: \(m.subject)") }
                print("Máy chủ đang chạy (reviewcal serve) sẽ gửi các thư này trong vài giây; không chạy máy chủ thì gửi bằng: reviewcal outbox deliver")
            }
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Gửi ngay một lần các thư đến hạn (khi không chạy reviewcal serve, hoặc chạy định kỳ bằng cron).",
            discussion: """
                Mỗi thư đến hạn được thử một lần qua lệnh --sendmail; thư gửi không được chờ --retry-seconds giây (gấp đôi \
                sau mỗi lần, tối đa 30 phút) đến lần chạy sau, quá mail.giveUpHours giờ thì đánh dấu "Gửi không được". \
                Chạy cùng lúc với máy chủ cũng được: không thư nào bị gửi hai lần.
                """)
        @OptionGroup var local: LocalOptions
        @Option(help: ArgumentHelp("Lệnh gửi thư kiểu sendmail: nhận cả bức thư ở đầu vào, đọc người nhận từ thư (-t).", valueName: "lệnh"))
        var sendmail: String = SendmailTransport.defaultCommand
        @Option(help: "Giây chờ trước lần gửi lại đầu tiên của thư gửi không được (1–3600).") var retrySeconds: Int = 30
        @Option(help: "Số thư gửi cùng lúc (1–64).") var concurrency: Int = 4

        func validate() throws {
            if !(1...3600).contains(retrySeconds) { throw ValidationError("--retry-seconds từ 1 đến 3600 giây.") }
            if !(1...64).contains(concurrency) { throw ValidationError("--concurrency từ 1 đến 64.") }
            do {
                _ = try SendmailTransport(command: sendmail)
            } catch {
                throw ValidationError("--sendmail: \(error)")
            }
        }

        func run() async throws {
            let transport = RecordingTransport(try SendmailTransport(command: sendmail))
            let instance = "cli:\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
            // Each failure is said below in Vietnamese, not again in the service's log.
            try await local.withService(logLevel: .error) { service in
                if service.district.mail == nil { printError(OutboxCommand.notConfigured) }
                let round = try await runOffice {
                    try await service.deliverDueOutbox(
                        transport: transport, instance: instance, retryAfter: Double(retrySeconds), concurrency: concurrency)
                }
                print("Đã gửi \(round.sent), chờ gửi lại \(round.retrying), gửi không được \(round.failed).")
                if round == .init() { print("Không có thư nào đến hạn gửi.") }
                let failures = transport.failures
                if !failures.isEmpty {
                    let messages = try await runOffice {
                        try await service.outbox(status: .queued, limit: 100_000) + (try await service.outbox(status: .failed, limit: 100_000))
                    }
                    let byMessageID = Dictionary(messages.map { ($0.messageId, $0) }, uniquingKeysWith: { a, _ in a })
                    print("Không gửi được:")
                    for (messageID, error) in failures.prefix(20) {
                        let m = byMessageID[messageID]
                        let who = m.map { "\($0.id)  \($0.recipientName) <\($0.recipient)>" } ?? "<\(messageID)>"
                        print("  \(who): \(OutboxCommand.oneLine(error, max: 300))")
                    }
                    if failures.count > 20 { print("  … và \(failures.count - 20) thư khác.") }
                }
                if round.retrying > 0 { print("Thư chờ gửi lại được thử tiếp ở lần chạy sau (hoặc máy chủ đang chạy); xem: reviewcal outbox list --status queued") }
                if round.failed > 0 { print("Thư gửi không được: reviewcal outbox list --status failed; sửa nguyên nhân rồi reviewcal outbox resend --failed") }
            }
        }
    }

    /// A status argument.
    static func parseStatus(_ text: String) throws -> OutboxMessage.Status {
        guard let s = OutboxMessage.Status(rawValue: text) else {
            throw ValidationError("Trạng thái '\(text)' không có; --status là một trong: \(statusHelp).")
        }
        return s
    }

    /// A text on one line, cut to `max` characters.
    static func oneLine(_ text: String, max: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " / ")
        return flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
    }

    static let notConfigured = """
        Huyện chưa cấu hình gửi thư: thêm mục mail (from, name) vào config/district.yaml và cài lệnh gửi thư \
        (msmtp-mta hoặc postfix), xem docs/deploy.md; chưa có thì công bố, đổi lịch, hủy buổi không xếp thư nào.
        """
}

/// A transport that remembers why each message it could not hand over failed, by Message-ID, in the order they failed.
final class RecordingTransport: MailTransport, @unchecked Sendable {
    // @unchecked: the list is only touched under the lock.
    private let inner: any MailTransport
    private let lock = NSLock()
    private var recorded: [(String, String)] = []

    init(_ inner: any MailTransport) { self.inner = inner }

    /// (Message-ID without brackets, the error) of every failed attempt.
    var failures: [(String, String)] { lock.withLock { recorded } }

    func send(_ message: [UInt8]) async throws {
        do {
            try await inner.send(message)
        } catch {
            let failure = (Self.messageID(message) ?? "?", "\(error)")
            lock.withLock { recorded.append(failure) }
            throw error
        }
    }

    /// The Message-ID header's value, from the message's header block.
    static func messageID(_ message: [UInt8]) -> String? {
        let text = String(decoding: message.prefix(8192), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? text
        for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("message-id:") {
            return line.dropFirst("message-id:".count).trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
        }
        return nil
    }
}

/// One message as `outbox list --json` and `outbox show --json` print it.
struct OutboxMessageJSON: Encodable {
    var id: String
    var batch: String
    var week: String?
    var createdAt: Date
    var person: String
    var recipient: String
    var recipientName: String
    var delivery: String
    var cause: String
    var summary: [String]
    var subject: String
    var messageId: String
    var status: String
    var statusText: String
    var attempts: Int
    var nextAttemptAt: Date?
    var lastError: String?
    var sentAt: Date?
    var message: String?

    init(_ m: OutboxMessage, raw: Bool) {
        id = m.id
        batch = m.batch
        week = m.week?.iso
        createdAt = m.createdAt
        person = m.person
        recipient = m.recipient
        recipientName = m.recipientName
        delivery = m.delivery.rawValue
        cause = m.cause
        summary = m.summaryLines
        subject = m.subject
        messageId = m.messageId
        status = m.status.rawValue
        statusText = m.status.vietnamese
        attempts = m.attempts
        nextAttemptAt = m.status == .queued || m.status == .sending ? m.nextAttemptAt : nil
        lastError = m.lastError
        sentAt = m.sentAt
        message = raw ? m.message : nil
    }
}

extension Array {
    /// The elements mapped one after the other by an async function.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
