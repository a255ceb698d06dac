import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// The e-mail a publish causes, as the office sees it: the week board says who a publish will write to and then how
/// many of its messages went out; the outbox page lists each message with its state in Vietnamese and the mail
/// system's own error, and sends one or every failed message again (audited). Delivery runs through real sendmail
/// commands: shell scripts that fail as a relay does, or keep each message in a folder.
@Suite(.serialized) struct OfficeOutboxTests {
    static let week = ISOWeek(iso: "2023-W50")!
    static let board = "/office/weeks/2023-W50"

    /// A folder with two sendmail commands: `fail.sh` refuses every message as a relay would (exit 1, the reason on
    /// stderr); `keep.sh` keeps each message whole in `sent/`.
    struct Relay {
        let folder: URL
        var sent: URL { folder.appendingPathComponent("sent") }
        var fail: String { folder.appendingPathComponent("fail.sh").path }
        var keep: String { folder.appendingPathComponent("keep.sh").path }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-relay-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("sent"), withIntermediateDirectories: true)
            try Self.script(folder.appendingPathComponent("fail.sh"), """
                #!/bin/sh
                cat >/dev/null
                echo "550 5.1.1 mail.huyenuy-senhong.example.vn: máy chủ thư từ chối (thử nghiệm)" >&2
                exit 1
                """)
            try Self.script(folder.appendingPathComponent("keep.sh"), """
                #!/bin/sh
                f=$(mktemp "\(folder.appendingPathComponent("sent").path)/msg-XXXXXX")
                cat > "$f"
                """)
        }

        static func script(_ url: URL, _ text: String) throws {
            try Data((text + "\n").utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }

        /// The messages kept so far.
        func messages() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: sent.path).map {
                try String(contentsOf: sent.appendingPathComponent($0), encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test func theBoardAndTheOutboxPageFollowEveryMessageAndResendWhatFailed() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00", users: [("thu-ha", .office), ("xem", .viewer)])
        let relay = try Relay()
        defer {
            relay.remove()
            Task { await o.close() }
        }
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.register("cb-ubkt", [("2023-12-13T13:30", "2023-12-13T17:00")])
        _ = try await o.service.runSchedule(week: Self.week, by: "office:vp")
        let pending = try await o.service.pendingRecipients(week: Self.week)
        #expect(pending.count >= 2, "members and teams of the sample config have addresses")

        try await o.browse { br in
            // Before publishing: who will hear of it, by name and address.
            try await br.get(Self.board)
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("<summary>\(pending.count) người sẽ được báo qua thư</summary>"), "\(br.html)")
            for p in pending { #expect(br.html.contains(p.email), "\(p.email) is not listed") }
            #expect(!br.html.contains("Thư báo lần công bố gần nhất"))
            #expect(br.html.contains("href=\"/office/outbox\""), "the menu links the outbox page")
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
        }
        let queued = try await o.service.outbox(week: Self.week)
        #expect(queued.count == pending.count)
        #expect(queued.allSatisfy { $0.status == .queued && $0.attempts == 0 })

        try await o.browse { br in
            // After publishing: nothing pending, nothing sent yet.
            try await br.get(Self.board)
            #expect(!br.html.contains("người sẽ được báo qua thư"))
            #expect(br.html.contains("Thư báo lần công bố gần nhất: đã gửi 0/\(queued.count), \(queued.count) đang chờ gửi."), "\(br.html)")
            try await br.get("/office/outbox")
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("<h1>Thư báo thay đổi</h1>"))
            #expect(br.html.components(separatedBy: "<tr class=\"state-queued\">").count == queued.count + 1)
            #expect(br.html.contains("<strong>\(queued.count)</strong> Đang chờ gửi"))
            #expect(br.html.contains("Công bố lịch tuần 50/2023"))
            #expect(br.html.contains("MỜI DỰ: Kiểm điểm"), "the summary lines are shown")
        }

        // The relay refuses every message: each waits with the relay's words, tried once.
        let refused = try await o.service.deliverOutbox(transport: try SendmailTransport(command: relay.fail), instance: "test", retryAfter: 30)
        #expect(refused == .init(sent: 0, retrying: queued.count, failed: 0))
        try await o.browse { br in
            try await br.get("/office/outbox")
            #expect(br.html.contains("Đang chờ gửi lại (đã thử 1 lần; lần sau lúc 16:00 07/12)"), "\(br.html)")
            #expect(br.html.contains("Lỗi: lệnh gửi thư thoát với mã 1: 550 5.1.1 mail.huyenuy-senhong.example.vn: máy chủ thư từ chối (thử nghiệm)"))
            #expect(!br.html.contains("Gửi lại mọi thư gửi không được"), "nothing has failed for good yet")
        }
        // Still refused a day later: given up.
        o.world.set("2023-12-08T17:00")
        let givenUp = try await o.service.deliverOutbox(transport: try SendmailTransport(command: relay.fail), instance: "test", retryAfter: 30)
        #expect(givenUp == .init(sent: 0, retrying: 0, failed: queued.count))
        let first = try #require(queued.last)

        // A viewer sees it all and sends nothing again.
        try await o.browse(as: "xem") { br in
            try await br.get("/office/outbox?tuan=2023-W50&trang-thai=failed")
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Gửi không được (đã thử 2 lần)"))
            #expect(!br.html.contains("Gửi lại</button>") && !br.html.contains("Gửi lại<span"))
            #expect(!br.html.contains("Gửi lại mọi thư"))
            try await br.post("/office/outbox/\(first.id)/resend", [])
            #expect(br.last?.status == .forbidden)
            try await br.post("/office/outbox/resend-failed", [])
            #expect(br.last?.status == .forbidden)
            // The board says how the publish went, to a viewer too.
            try await br.get(Self.board)
            #expect(br.html.contains("đã gửi 0/\(queued.count), <a class=\"failed\" href=\"/office/outbox?tuan=2023-W50&amp;trang-thai=failed\">\(queued.count) gửi không được</a>"), "\(br.html)")
        }
        #expect(try await o.service.outbox(week: Self.week, status: .failed).count == queued.count)

        try await o.browse { br in
            try await br.get("/office/outbox?trang-thai=failed")
            #expect(br.html.contains("<strong>\(queued.count)</strong> Gửi không được"))
            #expect(br.html.contains("Gửi lại mọi thư gửi không được (\(queued.count))"))
            #expect(br.html.contains("action=\"/office/outbox/\(first.id)/resend\""))
            // One message again, from the filtered page, back to it.
            try await br.post("/office/outbox/\(first.id)/resend", [("tuan", ""), ("trang-thai", "failed")])
            #expect(br.last?.status == .seeOther)
            #expect(br.location == "/office/outbox?trang-thai=failed")
            try await br.get(br.location!)
            #expect(br.html.contains("Đã xếp lại thư gửi \(first.recipientName) &lt;\(first.recipient)&gt; để gửi ngay"), "\(br.html)")
            #expect(!br.html.contains("action=\"/office/outbox/\(first.id)/resend\""), "it is no longer among the failed")
            // Every other one.
            try await br.post("/office/outbox/resend-failed", [("tuan", "2023-W50"), ("trang-thai", "")])
            #expect(br.location == "/office/outbox?tuan=2023-W50")
            try await br.get(br.location!)
            #expect(br.html.contains("Đã xếp lại \(queued.count - 1) thư gửi không được để gửi ngay"), "\(br.html)")
            try await br.post("/office/outbox/resend-failed", [])
            try await br.get(br.location!)
            #expect(br.html.contains("Không có thư nào gửi không được."))
            // Refusals: an unknown message, a bad filter.
            try await br.post("/office/outbox/ob-khong-co/resend", [])
            #expect(br.last?.status == .notFound)
            #expect(br.html.contains("Không có thư &#39;ob-khong-co&#39; trong hộp thư đi"), "\(br.html)")
            try await br.get("/office/outbox?trang-thai=lost")
            #expect(br.last?.status == .badRequest)
            #expect(br.html.contains("Trạng thái &#39;lost&#39; không có"))
            try await br.get("/office/outbox?tuan=50")
            #expect(br.last?.status == .badRequest)
            #expect(br.html.contains("Tuần &#39;50&#39; không đúng dạng"))
        }
        let resent = try await o.service.auditTrail(filter: AuditFilter(action: "mail.resend"))
        #expect(resent.count == queued.count)
        #expect(resent.allSatisfy { $0.actor == "office:thu-ha" && $0.entity == "mail" && $0.before == "\"failed\"" && $0.after == "\"queued\"" })
        #expect(resent.contains { $0.entityId == first.id })

        // The relay works again: every message goes, with the Message-ID it was queued with.
        let delivered = try await o.service.deliverOutbox(transport: try SendmailTransport(command: relay.keep), instance: "test", retryAfter: 30)
        #expect(delivered == .init(sent: queued.count, retrying: 0, failed: 0))
        let kept = try relay.messages()
        #expect(kept.count == queued.count)
        for m in queued { #expect(kept.contains { $0.contains("Message-ID: <\(m.messageId)>") }, "\(m.id)") }
        try await o.browse { br in
            try await br.get(Self.board)
            #expect(br.html.contains("Thư báo lần công bố gần nhất: đã gửi \(queued.count)/\(queued.count)."), "\(br.html)")
            #expect(!br.html.contains("gửi không được</a>"))
            try await br.get("/office/outbox?tuan=2023-W50")
            #expect(br.html.contains("Đã gửi lúc 08/12/2023 17:00 (sau 3 lần thử)"), "\(br.html)")
            #expect(br.html.components(separatedBy: "<tr class=\"state-sent\">").count == queued.count + 1)
            #expect(!br.html.contains("Lỗi: lệnh gửi thư"), "a sent message shows no error")
            try await br.get("/office/audit?thao-tac=mail.resend")
            #expect(br.html.contains("Gửi lại thư báo"))
            #expect(br.html.contains("Thư báo gửi \(first.recipientName)"))
            #expect(!br.html.contains(first.id))
        }
    }

    @Test func withoutMailSettingsThePageSaysHowToSetThemUp() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T16:00") { $0.mail = nil }
        _ = try await world.service.addUser(login: "thu-ha", name: "Người dùng thu-ha", role: .office, password: OfficeWorld.password, by: "office:test")
        let o = OfficeWorld(world: world, office: .init())
        defer { Task { await o.close() } }
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: Self.week, by: "office:vp")
        try await o.browse { br in
            try await br.get("/office/outbox")
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Chưa cấu hình gửi thư"))
            // Said for a clerk: whom to ask, not which file or command.
            #expect(br.html.contains("người quản trị máy chủ"))
            #expect(!br.html.contains("config/district.yaml") && !br.html.contains("reviewcal serve"))
            #expect(br.html.contains("Không có thư nào."))
            // The board says nothing about e-mail.
            try await br.get(Self.board)
            #expect(!br.html.contains("được báo qua thư"))
            #expect(!br.html.contains("class=\"mail-note\""))
        }
        try await o.service.publish(week: Self.week, by: "office:vp")
        #expect(try await o.service.outbox().isEmpty)
    }
}
