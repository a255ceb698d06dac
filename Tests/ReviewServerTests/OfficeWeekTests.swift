import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import Testing

/// The week board through HTTP: run, move with the hard rules checked, pin, unpin, admit late, publish, reschedule
/// and cancel with a reason, two clerks on one week, the printed schedule and the CSV.
@Suite struct OfficeWeekTests {
    static let board = "/office/weeks/2023-W50"

    /// Two cells of the Party bloc: the Organisation Committee's on Tuesday morning, the Inspection Committee's on
    /// Tuesday afternoon or, second choice, Tuesday morning.
    func twoRequests(_ o: OfficeWorld) async throws -> (String, String) {
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")], contact: "Lê <b>Tâm</b>")
        let b = try await o.register("cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00"), ("2023-12-12T07:30", "2023-12-12T11:30")])
        return (a, b)
    }

    @Test func runMoveWithTheRulesCheckedThenPublish() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let (a, b) = try await twoRequests(o)
        let link = try #require(try await o.service.ensureFeedTokens(by: "office:test").first { $0.kind == .member && $0.subject == "m04" })
        try await o.browse { br in
            // The week's requests, both admitted after the cutoff; text a unit typed is escaped.
            try await br.get("\(Self.board)/requests")
            #expect(br.html.components(separatedBy: "<span class=\"badge late\">đăng ký muộn</span>").count - 1 == 2)
            #expect(br.html.contains("Lê &lt;b&gt;Tâm&lt;/b&gt;"))
            #expect(br.html.contains("Nhận đăng ký muộn"))
            try await br.get(Self.board)
            #expect(br.html.contains("Chưa có buổi nào được xếp"))
            // A district's week lists its requests on the board too.
            #expect(br.html.components(separatedBy: "<span class=\"badge late\">đăng ký muộn</span>").count - 1 == 2)
            try await br.post("\(Self.board)/run", [("version", br.value(ofHidden: "version") ?? "")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã xếp lịch: 2 buổi, chưa xếp được 0"))
            #expect(br.html.contains("Thứ Ba 12/12/2023"))
            #expect(br.html.contains("Sáng thứ ba 12/12/2023"))
            #expect(br.html.contains("Chiều thứ ba 12/12/2023"))
            #expect(br.html.contains("Mới"))
            // Moving the Inspection Committee's session into the morning, with the same team: the team is busy.
            try await br.get("\(Self.board)/sessions/\(b)")
            #expect(br.html.contains("Kiểm tra và chuyển"))
            try await br.post("\(Self.board)/sessions/\(b)/move", [("version", br.value(ofHidden: "version")!), ("option", "1"), ("member", "m05"), ("team", "to-01")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("Tổ công tác số 1 – khối các cơ quan Đảng đang dự buổi Chi bộ Ban Tổ chức Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023 (07:30–11:30)"))
            #expect(!br.html.contains("(\(a))"))
            // The choice made is kept on the page that explains the refusal.
            #expect(br.html.contains("id=\"move-option-1\" name=\"option\" value=\"1\" checked"))
            // A team that does not follow the Party bloc.
            try await br.post("\(Self.board)/sessions/\(b)/move", [("version", br.value(ofHidden: "version")!), ("option", "0"), ("member", "m05"), ("team", "to-02")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("không theo dõi khối của đơn vị"))
            // Allowed: the afternoon with the Organisation Committee's member m04 (same hall, after the morning).
            try await br.post("\(Self.board)/sessions/\(b)/move", [("version", br.value(ofHidden: "version")!), ("option", "0"), ("member", "m04"), ("team", "to-01")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã chuyển và ghim buổi Chi bộ Ủy ban Kiểm tra Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023"))
            #expect(br.html.contains("đã ghim"))
            try await br.get(Self.board)
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã công bố: 2 buổi"))
            #expect(br.html.contains("Không có thay đổi nào chờ công bố"))
            // The member's feed shows both sessions at once.
            try await br.get(link.path)
            #expect(br.last?.status == .ok)
            #expect(br.html.components(separatedBy: "SUMMARY:Kiểm điểm: ").count - 1 == 2)
            #expect(br.html.contains("Chi bộ Ủy ban Kiểm tra Huyện ủy"))
        }
        let moved = try #require(try await o.service.sessions(week: ISOWeek(iso: "2023-W50")!).first { $0.requestId == b })
        #expect(moved.pinned)
        #expect(moved.published?.placement.member == "m04")
        let actions = try await o.service.auditTrail(filter: AuditFilter(user: "thu-ha")).map(\.action)
        #expect(actions.contains("schedule.run") && actions.contains("session.move") && actions.contains("schedule.publish"))
    }

    @Test func theSecondClerksStaleSaveIsRefused() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00", users: [("thu-ha", .office), ("lan", .office)])
        defer { Task { await o.close() } }
        let (_, b) = try await twoRequests(o)
        _ = try await o.service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:test")
        try await o.app().test(.router) { client in
            let first = OfficeBrowser(client), second = OfficeBrowser(client)
            try await first.signIn("thu-ha", OfficeWorld.password)
            try await second.signIn("lan", OfficeWorld.password)
            try await first.get("\(Self.board)/sessions/\(b)")
            try await second.get("\(Self.board)/sessions/\(b)")
            let old = try #require(second.value(ofHidden: "version"))
            #expect(first.value(ofHidden: "version") == old)
            try await first.post("\(Self.board)/sessions/\(b)/move", [("version", old), ("option", "0"), ("member", "m04"), ("team", "to-01")])
            #expect(first.last?.status == .seeOther)
            // The second clerk saves on the page opened before: refused, nothing overwritten, a reload offered.
            try await second.post("\(Self.board)/sessions/\(b)/move", [("version", old), ("option", "0"), ("member", "m05"), ("team", "to-01")])
            #expect(second.last?.status == .conflict)
            #expect(second.html.contains("đã thay đổi từ khi bạn mở trang"))
            #expect(second.html.contains("Tải lại trang"))
            try await second.post("\(Self.board)/publish", [("version", old), ("confirm", "1")])
            #expect(second.last?.status == .conflict)
            #expect(second.html.contains("Tuần đã thay đổi"))
        }
        let s = try #require(try await o.service.sessions(week: ISOWeek(iso: "2023-W50")!).first { $0.requestId == b })
        #expect(s.proposal?.member == "m04")
        #expect(s.published == nil)
    }

    @Test func pinUnpinAndAdmitALateRequest() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let (a, _) = try await twoRequests(o)
        _ = try await o.service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:test")
        try await o.browse { br in
            try await br.get("\(Self.board)/sessions/\(a)")
            try await br.post("\(Self.board)/sessions/\(a)/pin", [("version", br.value(ofHidden: "version")!)])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã ghim buổi Chi bộ Ban Tổ chức Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023"))
            try await br.post("\(Self.board)/sessions/\(a)/unpin", [("version", br.value(ofHidden: "version")!)])
            try await br.get(br.location!)
            #expect(br.html.contains("Đã bỏ ghim buổi Chi bộ Ban Tổ chức Huyện ủy — Kiểm điểm"))
            // The week closed at 15:00; the office admits a request into it by hand.
            try await br.get(Self.board)
            try await br.post(
                "\(Self.board)/admit",
                [("unit", "ubnd-huyen"), ("kind", "co-quan"), ("day", "2023-12-13"), ("start", "07:30"), ("end", "11:30"), ("draftSent", "2023-12-07"),
                 ("contact", "Trần Văn Bình"), ("phone", "0912 000 111")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã nhận đăng ký"))
            #expect(br.html.contains("Tập thể lãnh đạo UBND huyện"))
            // A rule still holds for the office: a Sunday is not a working day; the form comes back filled in.
            try await br.post(
                "\(Self.board)/admit",
                [("unit", "hdnd-huyen"), ("kind", "co-quan"), ("day", "2023-12-17"), ("start", "07:30"), ("end", "11:30"), ("draftSent", ""),
                 ("contact", "Ngô Thị Hoa"), ("phone", "")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("không phải ngày làm việc"))
            #expect(br.html.contains("value=\"Ngô Thị Hoa\""))
        }
        let admitted = try await o.service.list(for: .office("x"), week: ISOWeek(iso: "2023-W50")!).filter { $0.request.unitId == "ubnd-huyen" }
        #expect(admitted.count == 1)
        #expect(admitted.first?.request.admittedLate == true)
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "request.create-late")).first?.actor == "office:thu-ha")
    }

    @Test func rescheduleAndCancelAPublishedSessionWithAReason() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let (a, b) = try await twoRequests(o)
        let w50 = ISOWeek(iso: "2023-W50")!
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        let links = try await o.service.ensureFeedTokens(by: "office:test")
        let unitFeed = try #require(links.first { $0.kind == .unit && $0.subject == "cb-ubkt" })
        try await o.browse { br in
            try await br.get(unitFeed.path)
            let etag = try #require(br.last?.headers[.eTag])
            try await br.get("\(Self.board)/sessions/\(b)")
            #expect(br.html.contains("Đổi lịch đã công bố"))
            // A reason is required.
            try await br.post(
                "\(Self.board)/sessions/\(b)/reschedule", [("version", br.value(ofHidden: "version")!), ("option", "0"), ("member", "m04"), ("team", "to-01"), ("reason", "")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("Cần ghi lý do"))
            try await br.post(
                "\(Self.board)/sessions/\(b)/reschedule",
                [("version", br.value(ofHidden: "version")!), ("option", "0"), ("member", "m04"), ("team", "to-01"), ("reason", "Đồng chí Lan đi công tác tỉnh"), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            // The feed changed at once: new ETag, SEQUENCE 1, the reason in the description.
            try await br.get(unitFeed.path, headers: [.ifNoneMatch: etag])
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("SEQUENCE:1"))
            #expect(br.html.replacingOccurrences(of: "\r\n ", with: "").contains("Lý do: Đồng chí Lan đi công tác tỉnh"))
            try await br.get("\(Self.board)/sessions/\(a)")
            try await br.post("\(Self.board)/sessions/\(a)/cancel", [("version", br.value(ofHidden: "version")!), ("reason", "Đơn vị xin lùi sang tuần sau"), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
        }
        // The unit sees the reasons in `reviewcal status`.
        let views = try await o.service.list(for: .unit("cb-ubkt"))
        #expect(views.first?.changeReason == "Đồng chí Lan đi công tác tỉnh")
        #expect(views.first?.placement?.memberId == "m04")
        let cancelled = try await o.service.show(id: a, for: .unit("cb-ban-to-chuc"))
        #expect(cancelled.state == "da-huy")
        #expect(cancelled.changeReason == "Đơn vị xin lùi sang tuần sau")
        // A new run leaves the cancelled request out, with the office's reason.
        let rerun = try await o.service.runSchedule(week: w50, by: "office:test")
        #expect(rerun.unscheduled.first { $0.request == a }?.reason.contains("Văn phòng đã hủy") == true)
        let feed = try await o.service.feed(token: try #require(links.first { $0.kind == .unit && $0.subject == "cb-ban-to-chuc" }).token)
        guard case .feed(let f) = feed else { Issue.record("no feed"); return }
        let text = String(decoding: f.body, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        #expect(text.contains("STATUS:CANCELLED"))
        #expect(text.contains("Lý do hủy: Đơn vị xin lùi sang tuần sau"))
    }

    @Test func thePrintedWeekAndItsCSV() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        _ = try await twoRequests(o)
        let w50 = ISOWeek(iso: "2023-W50")!
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        try await o.browse { br in
            try await br.get("\(Self.board)/print")
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("LỊCH DỰ KIỂM ĐIỂM TUẦN 50/2023"))
            #expect(br.html.contains("Thứ Ba, ngày 12/12/2023"))
            #expect(br.html.contains("Đ/c Phạm Minh Đức – Trưởng Ban Tổ chức Huyện ủy"))
            #expect(br.html.contains("Hội trường Huyện ủy, Số 1 đường Trung Tâm"))
            #expect(br.html.contains("CHÁNH VĂN PHÒNG"))
            #expect(br.html.contains("Lê &lt;b&gt;Tâm&lt;/b&gt;"))
            let css = try await br.get("/static/office.css")
            #expect(css.status == .ok)
            #expect(String(buffer: css.body).contains("@page { size: A4"))
            let r = try await br.get("\(Self.board)/export.csv")
            #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(r.headers[.contentDisposition]?.contains("lich-kiem-diem-tuan-2023-W50.csv") == true)
            let bytes = Array(r.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("Mã đăng ký,Đơn vị,Khối,Loại kiểm điểm") == true)
            #expect(lines.count == 4 && lines[3].isEmpty)
            #expect(text.contains("Chi bộ Ban Tổ chức Huyện ủy,Khối các cơ quan Đảng"))
            #expect(text.contains("\"Kiểm điểm tập thể cấp ủy, tổ chức đảng\""))
            let excel = try await br.get("\(Self.board)/export.csv?sep=semicolon")
            #expect(String(decoding: Array(excel.body.readableBytesView).dropFirst(3), as: UTF8.self).hasPrefix("Mã đăng ký;Đơn vị;Khối;"))
        }
    }

    @Test func aWeekThatIsNotAWeekGetsAClearPage() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            try await br.get("/office/weeks/2023-W60")
            #expect(br.last?.status == .notFound)
            #expect(br.html.contains("không đúng dạng YYYY-Www"))
            try await br.get("\(Self.board)/sessions/r-khongco")
            #expect(br.last?.status == .notFound)
            try await br.postRaw("\(Self.board)/run", Array("_csrf=".utf8) + [0xFF, 0xFE])
            #expect(br.last?.status == .badRequest)
            #expect(br.html.contains("UTF-8"))
        }
    }
}
