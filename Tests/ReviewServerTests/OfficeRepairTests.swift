import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import Testing

/// The absence and repair pages: record an absence, see the broken session in red on the board, propose the repairs,
/// see them side by side, choose one, review it on the board and publish — the new member's feed then has it.
@Suite struct OfficeRepairTests {
    static let board = "/office/weeks/2023-W50"

    @Test func absenceRepairChoosePublishThroughThePages() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00", users: [("thu-ha", .office), ("xem", .viewer)])
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")])
        let b = try await o.register("cb-ubkt", [("2023-12-13T13:30", "2023-12-13T17:00")])
        _ = try await o.service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:vp")
        #expect(try await o.service.publish(week: ISOWeek(iso: "2023-W50")!, by: "office:vp") == 2)
        try await o.browse { br in
            try await br.get("/office/absences?tuan=2023-W50")
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Ghi lịch vắng"))
            #expect(br.html.contains("value=\"member:m04\""))
            // A refusal keeps what was typed and says why.
            try await br.post("/office/absences", [
                ("person", "member:m04"), ("fromDate", "2023-12-12"), ("fromPart", "ngay"), ("toDate", "2023-12-11"), ("toPart", "ngay"), ("reason", "Họp Tỉnh ủy"),
            ])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("kết thúc sau khi bắt đầu"))
            #expect(br.html.contains("value=\"Họp Tỉnh ủy\""))
            try await br.post("/office/absences", [
                ("person", "member:m04"), ("fromDate", "2023-12-12"), ("fromPart", "ngay"), ("toDate", ""), ("toPart", "ngay"), ("reason", "Họp Tỉnh ủy"),
            ])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã ghi lịch vắng: Đ/c Phạm Minh Đức vắng cả ngày thứ Ba 12/12 (Họp Tỉnh ủy)"))
            #expect(br.html.contains("trùng 1 buổi đã công bố"))
            #expect(br.html.contains("/office/weeks/2023-W50/repair"))

            // The board marks the broken session in red, with the reason, and offers the repair.
            try await br.get(Self.board)
            // Only the broken session's row is marked, with who is away.
            #expect(br.html.components(separatedBy: " class=\"has-finding\">").count == 2)
            #expect(br.html.contains("<p class=\"finding\">Đ/c Phạm Minh Đức vắng cả ngày thứ Ba 12/12 (Họp Tỉnh ủy)"))
            #expect(br.html.contains("Lịch vắng trùng 1 buổi"))
            #expect(br.html.contains("Đề xuất sửa lịch (1 buổi đã công bố bị ảnh hưởng)"))

            // Propose: the alternatives side by side, each with its changes and a button to choose it.
            try await br.get("\(Self.board)/repair")
            #expect(br.html.contains("Đề xuất sửa lịch"))
            try await br.post("\(Self.board)/repair", [("alternatives", "3"), ("frozenHours", "24")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã đề xuất"))
            #expect(br.html.contains("Phương án 1: ít thay đổi nhất"))
            #expect(br.html.contains("thay Đ/c Phạm Minh Đức dự buổi kiểm điểm Chi bộ Ban Tổ chức Huyện ủy"))
            #expect(br.html.contains("Chọn phương án 1"))
            #expect(br.html.contains("Chọn phương án 2"))
            #expect(br.html.contains("class=\"alternatives\""))
            // Nothing changed yet for anyone.
            #expect(try await o.service.sessions(week: ISOWeek(iso: "2023-W50")!).first { $0.requestId == a }?.proposal?.member == "m04")

            try await br.post("\(Self.board)/repair/choose", [("number", "1")])
            #expect(br.last?.status == .seeOther)
            // Back to the board, at the list of what publishing will change (a browser keeps the fragment to itself).
            #expect(br.location == "\(Self.board)#thay-doi")
            try await br.get(Self.board)
            #expect(br.html.contains("Đã chọn phương án 1 làm lịch dự kiến"))
            #expect(br.html.contains("Khác với lịch đã công bố (1)"))
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã công bố: 1 buổi"))
        }
        let sessions = try await o.service.sessions(week: ISOWeek(iso: "2023-W50")!)
        let moved = try #require(sessions.first { $0.requestId == a }?.published)
        let newMember = try #require(moved.placement.member)
        #expect(newMember != "m04")
        #expect(moved.sequence == 1)
        #expect(sessions.first { $0.requestId == b }?.published?.sequence == 0)
        // The new member's feed through HTTP: the session, its reason, SEQUENCE:1; the absent member's: not there.
        let links = try await o.service.ensureFeedTokens(by: "office:test")
        let incoming = try #require(links.first { $0.kind == .member && $0.subject == newMember })
        let absent = try #require(links.first { $0.kind == .member && $0.subject == "m04" })
        try await o.app().test(.router) { client in
            let text = try await client.execute(uri: incoming.path, method: .get) { String(buffer: $0.body).replacingOccurrences(of: "\r\n ", with: "") }
            #expect(text.contains("UID:\(a)@"))
            #expect(text.contains("SEQUENCE:1"))
            #expect(text.contains("Đ/c Phạm Minh Đức vắng cả ngày thứ Ba 12/12 (Họp Tỉnh ủy)"))
            let old = try await client.execute(uri: absent.path, method: .get) { String(buffer: $0.body) }
            #expect(!old.contains("UID:\(a)@"))
        }
        // A viewer sees the pages and changes nothing.
        try await o.browse(as: "xem") { br in
            try await br.get("/office/absences?tuan=2023-W50")
            #expect(br.last?.status == .ok)
            #expect(!br.html.contains("Ghi lịch vắng</button>"))
            try await br.post("/office/absences", [("person", "member:m05"), ("fromDate", "2023-12-13"), ("reason", "Họp")])
            #expect(br.last?.status == .forbidden)
        }
        #expect(try await o.service.absences(week: ISOWeek(iso: "2023-W50")!).count == 1)
    }
}
