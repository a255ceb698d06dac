import Foundation
import Testing

/// The outbox from the command line, on the demo's published week (the sample config has addresses, so the publish
/// queued one message per person): list, show, deliver through a relay that refuses (each waits with its words),
/// then through one that takes them (sent, with their Message-ID), resend, and every refusal in Vietnamese.
@Suite(.serialized) struct OutboxCommandTests {
    /// One message as `outbox list --json` prints it.
    struct Message: Decodable {
        var id: String
        var week: String?
        var recipient: String
        var recipientName: String
        var cause: String
        var summary: [String]
        var messageId: String
        var status: String
        var statusText: String
        var attempts: Int
        var lastError: String?
        var sentAt: String?
        var message: String?
    }

    static func script(_ url: URL, _ text: String) throws {
        try Data((text + "\n").utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    @Test func listShowDeliverResendThroughTheCommandLine() throws {
        let run = try Workspace()
        defer { run.remove() }
        let sent = run.folder.appendingPathComponent("sent")
        try FileManager.default.createDirectory(at: sent, withIntermediateDirectories: true)
        let fail = run.folder.appendingPathComponent("fail.sh"), keep = run.folder.appendingPathComponent("keep.sh")
        try Self.script(fail, "#!/bin/sh\ncat >/dev/null\necho '451 4.3.0 mail.example.vn: tạm thời không nhận thư' >&2\nexit 1")
        try Self.script(keep, "#!/bin/sh\nf=$(mktemp '\(sent.path)/msg-XXXXXX')\ncat > \"$f\"")
        func list(_ extra: String...) throws -> [Message] {
            let out = try run.run(run.reviewcal, ["outbox", "list", "--json"] + extra + ["--config", "config", "--data", run.data.path])
            #expect(out.status == 0, "\(out.stderr)")
            return try JSONDecoder().decode([Message].self, from: Data(out.stdout.utf8))
        }

        // Nothing yet.
        let empty = try run.office("outbox", "list")
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("Không có thư nào trong hộp thư đi."), "\(empty.stdout)")
        let demo = try run.office("demo")
        #expect(demo.status == 0, "\(demo.stderr)")

        // Queued by the publish: one per person, newest first, without their bodies unless asked.
        let queued = try list()
        #expect(queued.count >= 10, "\(queued.count)")
        #expect(queued.allSatisfy { $0.status == "queued" && $0.statusText == "Đang chờ gửi" && $0.attempts == 0 && $0.message == nil })
        #expect(queued.allSatisfy { $0.cause.hasPrefix("Công bố lịch tuần") && !$0.summary.isEmpty })
        #expect(queued.contains { $0.recipient.hasSuffix("@donvi-senhong.example.vn") }, "the units' contacts hear of it too")
        let week = try #require(queued.first?.week)
        let raw = try list("--raw")
        #expect(raw.allSatisfy { m in m.message.map { $0.contains("Message-ID: <\(m.messageId)>") && $0.contains("\r\n") } == true })
        let table = try run.office("outbox", "list", "--week", week)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("Mã\tXếp lúc\tNgười nhận\tLý do\tTrạng thái\tGửi lúc\n"), "\(table.stdout)")
        #expect(table.stdout.contains("\(queued[0].recipientName) <\(queued[0].recipient)>"))
        #expect(table.stdout.contains("Đang chờ gửi, 0 lần thử"))
        #expect(table.stdout.contains("\(queued.count) thư: đang chờ gửi \(queued.count)."), "\(table.stdout)")
        #expect(try list("--limit", "3").count == 3)

        // One message: its changes; and whole, as the relay will get it.
        let one = queued[0]
        let shown = try run.office("outbox", "show", one.id)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Người nhận: \(one.recipientName) <\(one.recipient)>"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Trạng thái: Đang chờ gửi\n"))
        #expect(shown.stdout.contains("Các thay đổi:\n  - \(one.summary[0])"))
        #expect(shown.stdout.contains("Message-ID: <\(one.messageId)>"))
        let rawOne = try run.office("outbox", "show", one.id, "--raw")
        #expect(rawOne.stdout == raw.first { $0.id == one.id }?.message)

        // The relay refuses: each message waits, tried once, with the relay's own words.
        let refused = try run.office("outbox", "deliver", "--sendmail", fail.path, "--retry-seconds", "4")
        let refusedAt = Date()
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(refused.stdout.contains("Đã gửi 0, chờ gửi lại \(queued.count), gửi không được 0."), "\(refused.stdout)")
        // Each failure said once, in Vietnamese, with whom it was for (not again in English in the service's log).
        let reason = "lệnh gửi thư thoát với mã 1: 451 4.3.0 mail.example.vn: tạm thời không nhận thư"
        #expect(refused.stdout.contains("Không gửi được:\n"))
        #expect(queued.contains { refused.stdout.contains("  \($0.id)  \($0.recipientName) <\($0.recipient)>: \(reason)\n") }, "\(refused.stdout)")
        #expect(refused.stdout.components(separatedBy: reason).count - 1 == min(queued.count, 20))
        #expect(!refused.stderr.contains("not delivered"), "\(refused.stderr)")
        // Within the retry delay nothing is due.
        let early = try run.office("outbox", "deliver", "--sendmail", keep.path)
        #expect(early.stdout.contains("Đã gửi 0, chờ gửi lại 0, gửi không được 0."), "\(early.stdout)")
        #expect(early.stdout.contains("Không có thư nào đến hạn gửi."))
        let waiting = try list()
        #expect(waiting.allSatisfy { $0.status == "queued" && $0.attempts == 1 })
        #expect(waiting.allSatisfy { $0.lastError == "lệnh gửi thư thoát với mã 1: 451 4.3.0 mail.example.vn: tạm thời không nhận thư" }, "\(waiting[0])")
        let withErrors = try run.office("outbox", "list", "--status", "queued")
        #expect(withErrors.stdout.contains("Đang chờ gửi, 1 lần thử; lỗi: lệnh gửi thư thoát với mã 1: 451 4.3.0"), "\(withErrors.stdout)")
        let shownWaiting = try run.office("outbox", "show", one.id)
        #expect(shownWaiting.stdout.contains("Trạng thái: Đang chờ gửi lại (đã thử 1 lần; lần sau lúc"), "\(shownWaiting.stdout)")
        #expect(shownWaiting.stdout.contains("Lỗi lần gửi gần nhất: lệnh gửi thư thoát với mã 1: 451 4.3.0"))

        // After it, a relay that takes them: every one sent once, with its Message-ID.
        Thread.sleep(forTimeInterval: max(0, 4.3 - Date().timeIntervalSince(refusedAt)))
        let delivered = try run.office("outbox", "deliver", "--sendmail", keep.path)
        #expect(delivered.status == 0, "\(delivered.stderr)")
        #expect(delivered.stdout.contains("Đã gửi \(queued.count), chờ gửi lại 0, gửi không được 0."), "\(delivered.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: sent.path)
        #expect(files.count == queued.count)
        let bodies = try files.map { try String(contentsOf: sent.appendingPathComponent($0), encoding: .utf8) }
        for m in queued { #expect(bodies.filter { $0.contains("Message-ID: <\(m.messageId)>") }.count == 1, "\(m.id)") }
        let done = try list("--status", "sent", "--week", week)
        #expect(done.count == queued.count)
        #expect(done.allSatisfy { $0.attempts == 2 && $0.sentAt != nil && $0.lastError == nil })
        let doneTable = try run.office("outbox", "list", "--status", "sent", "--limit", "1")
        #expect(doneTable.stdout.contains("Đã gửi, 2 lần thử"), "\(doneTable.stdout)")
        #expect(!doneTable.stdout.contains("lỗi:"))
        #expect(doneTable.stdout.contains("Còn thư cũ hơn"))

        // Sent again on request: queued now, the same Message-ID, delivered by the next run.
        let resent = try run.office("outbox", "resend", one.id, one.id)
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(resent.stdout.contains("Đã xếp lại 1 thư để gửi ngay (cùng Message-ID):"), "\(resent.stdout)")
        #expect(resent.stdout.contains("\(one.id)  \(one.recipientName) <\(one.recipient)>"))
        #expect(resent.stdout.contains("reviewcal serve"))
        #expect(try list("--status", "queued").map(\.id) == [one.id])
        let again = try run.office("outbox", "deliver", "--sendmail", keep.path)
        #expect(again.stdout.contains("Đã gửi 1, chờ gửi lại 0, gửi không được 0."), "\(again.stdout)")
        let twice = try FileManager.default.contentsOfDirectory(atPath: sent.path).map { try String(contentsOf: sent.appendingPathComponent($0), encoding: .utf8) }
        #expect(twice.filter { $0.contains("Message-ID: <\(one.messageId)>") }.count == 2)
        let noneFailed = try run.office("outbox", "resend", "--failed", "--week", week)
        #expect(noneFailed.status == 0, "\(noneFailed.stderr)")
        #expect(noneFailed.stdout.contains("Không có thư nào gửi không được trong tuần"), "\(noneFailed.stdout)")

        // Refusals, each saying what is wrong.
        let cases: [([String], Int32?, String)] = [
            (["outbox", "show", "ob-khong-co"], 1, "Không có thư 'ob-khong-co' trong hộp thư đi"),
            (["outbox", "resend", "ob-khong-co"], 1, "Không có thư 'ob-khong-co' trong hộp thư đi"),
            (["outbox", "list", "--status", "lost"], nil, "Trạng thái 'lost' không có; --status là một trong: queued (Đang chờ gửi)"),
            (["outbox", "list", "--week", "2026-50"], nil, "Tuần '2026-50' không đúng dạng"),
            (["outbox", "list", "--limit", "0"], nil, "--limit từ 1 đến 10000"),
            (["outbox", "list", "--raw"], nil, "--raw chỉ dùng cùng --json"),
            (["outbox", "resend"], nil, "Cần mã thư cần gửi lại"),
            (["outbox", "resend", one.id, "--failed"], nil, "Ghi mã thư hoặc --failed, không cả hai"),
            (["outbox", "resend", "--week", week, one.id], nil, "--week chỉ dùng cùng --failed"),
            (["outbox", "resend", "--failed", "--week", "tuan-50"], nil, "Tuần 'tuan-50' không đúng dạng"),
            (["outbox", "deliver", "--retry-seconds", "0"], nil, "--retry-seconds từ 1 đến 3600"),
            (["outbox", "deliver", "--sendmail", "bin/sendmail -t"], nil, "ghi đường dẫn đầy đủ"),
            (["outbox", "deliver", "--sendmail", "'/usr/sbin/sendmail"], nil, "dấu nháy chưa đóng"),
        ]
        for (arguments, status, message) in cases {
            let out = try run.run(run.reviewcal, arguments + ["--config", "config", "--data", run.data.path])
            if let status { #expect(out.status == status, "\(arguments)") } else { #expect(out.status != 0, "\(arguments)") }
            #expect(out.stderr.contains(message), "\(arguments): \(out.stderr)")
        }
        // Nothing changed by a refusal.
        #expect(try list("--status", "sent").count == queued.count)

        // Help in Vietnamese.
        let help = try run.run(run.reviewcal, ["outbox", "--help"])
        #expect(help.stdout.contains("Thư báo thay đổi lịch"), "\(help.stdout)")
        for (sub, words) in [("list", "Liệt kê thư"), ("show", "Xem một thư"), ("resend", "Xếp lại thư để gửi ngay"), ("deliver", "Gửi ngay một lần")] {
            let h = try run.run(run.reviewcal, ["outbox", sub, "--help"])
            #expect(h.status == 0)
            #expect(h.stdout.contains(words), "\(sub): \(h.stdout)")
        }
    }
}
