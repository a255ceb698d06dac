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

/// The campaign page (progress, deadlines at risk, counts, marking held and dossiers, notes, filters), the feed
/// links with QR codes and rotation, the audit trail's filters and the district's configuration page.
@Suite struct OfficeCampaignTests {
    @Test func progressHeldDossierNotesAndDeadlinesAtRisk() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let b = try await o.register("cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00")])
        let w50 = ISOWeek(iso: "2023-W50")!
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        o.world.set("2023-12-13T09:00")
        try await o.browse { br in
            try await br.get("/office/campaign")
            #expect(br.last?.status == .ok)
            // 53 units owe a collective review by 20/12 (all but the Standing Committee), none has held one yet: at risk.
            #expect(br.html.contains("53/53 đơn vị"))
            #expect(br.html.contains("có nguy cơ trễ"))
            #expect(br.html.contains("Đơn vị chưa đăng ký"))
            // Held too early, before its scheduled day, is refused; the day after is accepted.
            try await br.post("/office/campaign/sessions/\(a)/held", [("date", "2023-12-11"), ("back", "")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("trước ngày buổi kiểm điểm được xếp"))
            try await br.post("/office/campaign/sessions/\(a)/held", [("date", "2023-12-12"), ("back", "?khoi=khoi-dang")])
            #expect(br.last?.status == .seeOther)
            #expect(br.location == "/office/campaign?khoi=khoi-dang#buoi-\(a)")
            try await br.get(br.location!)
            #expect(br.html.contains("Đã kiểm điểm ngày 12/12/2023"))
            // A dossier needs the session held first, and no date in the future.
            try await br.post("/office/campaign/sessions/\(b)/dossier", [("date", "2023-12-13")])
            #expect(br.last?.status == .conflict)
            try await br.post("/office/campaign/sessions/\(a)/dossier", [("date", "2023-12-14")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("chưa đến"))
            try await br.post("/office/campaign/sessions/\(a)/dossier", [("date", "2023-12-13")])
            #expect(br.last?.status == .seeOther)
            // Mistakes are undone in order: the dossier before the session's being held.
            try await br.post("/office/campaign/sessions/\(a)/held", [("clear", "1")])
            #expect(br.last?.status == .conflict)
            try await br.post("/office/campaign/sessions/\(a)/dossier", [("clear", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.post("/office/campaign/sessions/\(a)/held", [("clear", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get("/office/campaign?don-vi=cb-ban-to-chuc")
            #expect(br.html.contains("Đã bỏ ghi nhận buổi \(a) đã kiểm điểm"))
            #expect(!br.html.contains("Đã kiểm điểm ngày"))
            try await br.post("/office/campaign/sessions/\(a)/held", [("date", "2023-12-12")])
            try await br.post("/office/campaign/sessions/\(a)/dossier", [("date", "2023-12-13")])
            try await br.post("/office/campaign/units/db-my-lau/notes", [("text", "Đã gọi điện, thứ Hai đăng ký")])
            #expect(br.last?.status == .seeOther)
            try await br.post("/office/campaign/units/db-my-lau/notes", [("text", "hai\ndòng")])
            #expect(br.last?.status == .unprocessableContent)
            // Filters.
            try await br.get("/office/campaign?khoi=khoi-dang&tinh-trang=da-nop-ho-so")
            #expect(br.html.contains("1/54 đơn vị, đang hiện 1–1"))
            #expect(br.html.contains("Đã nhận hồ sơ ngày 13/12/2023"))
            try await br.get("/office/campaign?uvbtv=m05")
            #expect(br.html.contains("Chi bộ Ủy ban Kiểm tra Huyện ủy"))
            #expect(!br.html.contains("id=\"don-vi-cb-ban-to-chuc\""))
            try await br.get("/office/campaign?tinh-trang=chua-dang-ky")
            #expect(br.html.contains("Đã gọi điện, thứ Hai đăng ký"))
            let csv = try await br.get("/office/campaign/export.csv")
            let text = String(decoding: Array(csv.body.readableBytesView).dropFirst(3), as: UTF8.self)
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(text.contains("cb-ban-to-chuc,Chi bộ Ban Tổ chức Huyện ủy,Khối các cơ quan Đảng,Phạm Minh Đức,Đã nộp hồ sơ,1"))
            #expect(text.components(separatedBy: "\r\n").count == 56)
        }
        let progress = try await o.service.campaignProgress()
        let dossiers = try #require(progress.deadlines.first { $0.deadline.tracks == .dossiers })
        #expect(dossiers.behind.count == dossiers.concerned - 1)
        #expect(progress.blocs.first { $0.id == "khoi-dang" }?.dossiers == 1)
        #expect(progress.teams.first { $0.id == "to-01" }?.held == 1)
        let actions = try await o.service.auditTrail(filter: AuditFilter(unit: "cb-ban-to-chuc")).map(\.action)
        #expect(actions.contains("session.held") && actions.contains("session.dossier"))
    }

    @Test func feedLinksWithQRCodesAndRotation() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00", office: OfficeConfiguration(publicURL: "https://lich.example.vn/"))
        defer { Task { await o.close() } }
        let links = try await o.service.ensureFeedTokens(by: "office:test")
        let old = try #require(links.first { $0.kind == .member && $0.subject == "m04" })
        try await o.browse { br in
            try await br.get("/office/feeds")
            #expect(br.html.contains("https://lich.example.vn\(old.path)"))
            #expect(br.html.contains("webcal://lich.example.vn\(old.path)"))
            #expect(br.html.contains("Android (Google Lịch)"))
            #expect(br.html.contains("Outlook"))
            try await br.get("/office/feeds/member/m04")
            #expect(br.html.contains("<svg"))
            #expect(br.html.components(separatedBy: "role=\"img\"").count - 1 == 2)
            #expect(br.html.contains("<title>Mã QR đăng ký lịch của Phạm Minh Đức"))
            try await br.post("/office/feeds/member/m04/rotate", [("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đường dẫn cũ đã ngừng hoạt động"))
            #expect(!br.html.contains(old.path))
            let gone = try await br.get(old.path)
            #expect(gone.status == .gone)
            try await br.get("/office/feeds/member/m99")
            #expect(br.last?.status == .notFound)
        }
    }

    @Test func auditFiltersByUnitWeekUserAndAction() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", users: [("thu-ha", .office), ("lan", .office)])
        defer { Task { await o.close() } }
        let (_, token) = try await o.service.issueToken(unit: "cb-ubkt", label: "t", by: "office:test")
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let app = o.app()
        try await app.test(.router) { client in
            // A cell registers through the API, for week 51.
            let body = #"{"kind":"cap-uy","options":[{"start":"2023-12-19T07:30","end":"2023-12-19T11:30"}],"draftSent":"2023-12-07"}"#
            let r = try await client.execute(
                uri: "/v1/requests", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: body))
            #expect(r.status == .created)
            let b = OfficeBrowser(client)
            try await b.signIn("lan", OfficeWorld.password)
            try await b.get("/office/weeks/2023-W50")
            try await b.post("/office/weeks/2023-W50/run", [("version", b.value(ofHidden: "version")!)])
            try await b.get("/office/audit?don-vi=cb-ubkt")
            #expect(b.html.contains("Chi bộ Ủy ban Kiểm tra Huyện ủy (mã truy cập đơn vị)"))
            #expect(!b.html.contains("Chi bộ Ban Tổ chức Huyện ủy)"))
            try await b.get("/office/audit?tuan=2023-W50")
            #expect(b.html.contains("Chạy xếp lịch"))
            #expect(b.html.contains("Chi bộ Ban Tổ chức Huyện ủy"))
            #expect(!b.html.contains("(mã truy cập đơn vị)"))
            try await b.get("/office/audit?nguoi=lan&thao-tac=schedule")
            #expect(b.html.contains("1 mục"))
            #expect(b.html.contains("Người dùng lan (lan)"))
            try await b.get("/office/audit?thao-tac=user.sign-in")
            #expect(b.html.contains("Đăng nhập"))
            try await b.get("/office/audit?tuan=tuan-50")
            #expect(b.last?.status == .badRequest)
        }
        let mine = try await o.service.auditTrail(filter: AuditFilter(week: ISOWeek(iso: "2023-W51")!))
        #expect(mine.map(\.action) == ["request.create"])
    }

    @Test func theDistrictPageShowsConfigAndFindingsBesideTheirEntries() async throws {
        // A copy of the sample configuration, then broken in two places after the server started on it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestWorld.repoRoot.appendingPathComponent("config"), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", office: OfficeConfiguration(configDirectory: folder))
        defer { Task { await o.close() } }
        try await o.browse { br in
            try await br.get("/office/district")
            #expect(br.html.contains("không có lỗi"))
            #expect(br.html.contains("Chi bộ Ban Tổ chức Huyện ủy"))
            #expect(br.html.contains("Tổ công tác số 1 – khối các cơ quan Đảng"))
            #expect(br.html.contains("Tết Dương lịch"))
            #expect(br.html.contains("Thứ Năm 15:00, 1 tuần trước tuần tổ chức"))
            let units = folder.appendingPathComponent("units.yaml")
            var text = try String(contentsOf: units, encoding: .utf8)
            text = text.replacingOccurrences(of: "- id: cb-ubkt\n  name: Chi bộ Ủy ban Kiểm tra Huyện ủy\n  bloc: khoi-dang\n  kind: chi-bo-co-quan\n  location: huyen-uy\n  inCharge: [m05]",
                                             with: "- id: cb-ubkt\n  name: Chi bộ Ủy ban Kiểm tra Huyện ủy\n  bloc: khoi-dang\n  kind: chi-bo-co-quan\n  location: huyen-uy\n  inCharge: [m55]")
            try text.write(to: units, atomically: true, encoding: .utf8)
            try await br.get("/office/district")
            #expect(br.html.contains("có 1 lỗi"))
            // The finding sits in the row of the unit it concerns.
            let row = try #require(br.html.components(separatedBy: "<tr").first { $0.contains(">cb-ubkt<") })
            #expect(row.contains("has-finding"))
            #expect(row.contains("m55"))
        }
    }
}
