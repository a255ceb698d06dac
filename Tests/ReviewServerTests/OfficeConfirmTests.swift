import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReviewCore
@testable import ReviewServer
import ReviewService
import ReviewStore
import Testing

/// Confirm, show, undo: publishing, cancelling, rescheduling and a new feed link ask first, naming what changes and
/// who sees it; a publish or a cancellation can be undone; an action returns to the row it was about.
@Suite struct OfficeConfirmTests {
    static let board = "/office/weeks/2023-W50"
    let w50 = ISOWeek(iso: "2023-W50")!

    /// The page a redirect leads to, as a browser asks for it (without the `#row` it then scrolls to).
    static func page(_ location: String) -> String { String(location.split(separator: "#", maxSplits: 1)[0]) }

    @Test func publishingAsksFirstThenCanBeUndone() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.browse { br in
            try await br.get(Self.board)
            // What publishing changes sits beside its button.
            #expect(br.html.contains("Công bố sẽ đưa lên lịch của các đồng chí UVBTV, tổ công tác và đơn vị: 1 buổi mới."))
            // The first click shows the confirmation: the change with the unit and times, who sees it, the e-mail.
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? "")])
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Công bố 1 thay đổi của tuần"))
            #expect(br.html.contains("Chi bộ Ban Tổ chức Huyện ủy"))
            #expect(br.html.contains("07:30"))
            #expect(br.html.contains("Ai sẽ thấy thay đổi"))
            #expect(br.html.contains("Các đồng chí Ủy viên Ban Thường vụ (1)"))
            #expect(br.html.contains("Tổ công tác (1)"))
            #expect(br.html.contains("người sẽ được báo qua thư"))
            #expect(br.html.contains("name=\"confirm\" value=\"1\""))
            #expect(br.html.contains("Xác nhận công bố"))
            #expect(br.html.contains("href=\"/office/weeks/2023-W50#tom-tat\">Quay lại</a>"))
            #expect(try await o.service.sessions(week: w50).first?.published == nil)
            // Posting without the confirm field (the first click again) still publishes nothing.
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? "")])
            #expect(try await o.service.sessions(week: w50).first?.published == nil)
            // The confirmation's button publishes, and the board returns to the publish section with the message.
            try await br.post("\(Self.board)/publish", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            #expect(br.location == "\(Self.board)#tom-tat")
            try await br.get(Self.page(br.location!))
            #expect(br.html.contains("Đã công bố: 1 buổi"))
            #expect(br.html.contains("Hoàn tác công bố"))
            let published = try #require(try await o.service.sessions(week: w50).first?.published)
            // Undo asks too, then publishes the earlier state (nothing) again.
            try await br.post("\(Self.board)/undo", [("version", br.value(ofHidden: "version") ?? "")])
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Bỏ khỏi lịch"))
            #expect(br.html.contains("Xác nhận hoàn tác"))
            try await br.post("\(Self.board)/undo", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(Self.page(br.location!))
            #expect(br.html.contains("Đã hoàn tác lần công bố"))
            let undone = try #require(try await o.service.sessions(week: w50).first { $0.requestId == a }?.published)
            #expect(undone.cancelled && undone.sequence > published.sequence)
            // A second undo is refused with a clear message.
            try await br.post("\(Self.board)/undo", [("version", br.value(ofHidden: "version") ?? ""), ("confirm", "1")])
            #expect(br.last?.status == .conflict)
            #expect(br.html.contains("không có lần công bố hay hủy buổi nào để hoàn tác"))
        }
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "schedule.undo")).count == 1)
    }

    @Test func cancellingAsksFirstAndTheCancellationCanBeUndone() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        let page = "\(Self.board)/sessions/\(a)"
        try await o.browse { br in
            try await br.get(page)
            try await br.post("\(page)/cancel", [("version", br.value(ofHidden: "version")!), ("reason", "Đơn vị xin lùi sang tuần sau")])
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Hủy buổi kiểm điểm của Chi bộ Ban Tổ chức Huyện ủy?"))
            #expect(br.html.contains("Lý do: Đơn vị xin lùi sang tuần sau"))
            #expect(br.html.contains("Đơn vị (1)"))
            #expect(br.html.contains("Xác nhận hủy buổi"))
            #expect(try await o.service.sessions(week: w50).first?.published?.cancelled == false)
            // A reason too short is refused before asking, on the session's page.
            try await br.post("\(page)/cancel", [("version", br.value(ofHidden: "version")!), ("reason", "x")])
            #expect(br.last?.status == .unprocessableContent)
            #expect(br.html.contains("Cần ghi lý do"))
            try await br.get(page)
            try await br.post("\(page)/cancel", [("version", br.value(ofHidden: "version")!), ("reason", "Đơn vị xin lùi sang tuần sau"), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(Self.page(br.location!))
            #expect(br.html.contains("Đã hủy buổi"))
            #expect(br.html.contains("Hoàn tác việc hủy buổi"))
            #expect(try await o.service.sessions(week: w50).first?.published?.cancelled == true)
            try await br.post("\(Self.board)/undo", [("version", br.value(ofHidden: "version")!), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            #expect(br.location == page)
            try await br.get(Self.page(br.location!))
            #expect(br.html.contains("Đã hoàn tác việc hủy buổi"))
        }
        let s = try #require(try await o.service.sessions(week: w50).first)
        #expect(s.published?.cancelled == false)
        #expect(s.cancellation == nil)
    }

    @Test func reschedulingAndANewFeedLinkAskFirst() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let b = try await o.register("cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00"), ("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        let old = try #require(try await o.service.ensureFeedTokens(by: "office:test").first { $0.kind == .member && $0.subject == "m04" })
        let team = try #require(try await o.service.sessions(week: w50).first?.published?.placement.team)
        let other = try #require(try await o.service.sessions(week: w50).first?.published?.placement.option == 0 ? "1" : "0")
        try await o.browse { br in
            let page = "\(Self.board)/sessions/\(b)"
            try await br.get(page)
            let fields = [("version", br.value(ofHidden: "version")!), ("option", other), ("member", "m04"), ("team", team), ("reason", "Đồng chí đi công tác")]
            try await br.post("\(page)/reschedule", fields)
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Đổi lịch buổi kiểm điểm của Chi bộ Ủy ban Kiểm tra Huyện ủy?"))
            #expect(br.html.contains("Phạm Minh Đức"))
            #expect(br.html.contains("Xác nhận đổi lịch"))
            #expect(try await o.service.sessions(week: w50).first?.published?.sequence == 0)
            try await br.post("\(page)/reschedule", fields + [("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            #expect(try await o.service.sessions(week: w50).first?.published?.placement.member == "m04")
            // A new feed link: the first click explains that the old link stops; only the confirmation changes it.
            try await br.get("/office/feeds/member/m04")
            try await br.post("/office/feeds/member/m04/rotate", [])
            #expect(br.last?.status == .ok)
            #expect(br.html.contains("Đổi đường dẫn lịch của Phạm Minh Đức?"))
            #expect(br.html.contains("ngừng hoạt động ngay"))
            try await br.get(old.path)
            #expect(br.last?.status == .ok)
            try await br.get("/office/feeds/member/m04")
            try await br.post("/office/feeds/member/m04/rotate", [("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(old.path)
            #expect(br.last?.status == .gone)
        }
    }

    @Test func anActionReturnsToItsRow() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            // Registering for a unit returns to the new request's row of the week's list.
            try await br.get("\(Self.board)/requests")
            try await br.post(
                "\(Self.board)/admit",
                [("unit", "cb-ubkt"), ("kind", "cap-uy"), ("day", "2023-12-12"), ("start", "07:30"), ("end", "11:30"), ("draftSent", "2023-12-07"),
                 ("contact", "Lê Tâm"), ("phone", "0912345678")])
            #expect(br.last?.status == .seeOther)
            let location = try #require(br.location)
            #expect(location.hasPrefix("/office/weeks/2023-W50/requests#dk-r-"))
            let id = String(location.split(separator: "#").last!.dropFirst("dk-".count))
            try await br.get(Self.page(location))
            #expect(br.html.contains("<tr id=\"dk-\(id)\""))
            #expect(br.html.contains("class=\"flash\""))
        }
        let id = try #require(try await o.service.weekBoard(week: w50).rows.first?.request.id)
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        o.world.set("2023-12-12T12:00")
        try await o.browse { br in
            // Marking a session held on the campaign page returns to that session's cell.
            try await br.get("/office/campaign")
            try await br.post("/office/campaign/sessions/\(id)/held", [("date", "2023-12-12"), ("back", "?khoi=khoi-dang")])
            #expect(br.last?.status == .seeOther)
            #expect(br.location == "/office/campaign?khoi=khoi-dang#buoi-\(id)")
            try await br.get(Self.page(br.location!))
            #expect(br.html.contains("id=\"buoi-\(id)\""))
            // The week board gives each session's row its anchor.
            try await br.get(Self.board)
            #expect(br.html.contains("<tr id=\"buoi-\(id)\""))
        }
    }

    @Test func theConfirmationRowListsEveryField() {
        let change = ConfirmPage.Change(id: "r", unit: "u", what: "w", before: "b", after: "a")
        #expect(Set(change.templateFields.keys) == Set(Mirror(reflecting: change).children.compactMap(\.label)))
    }
}
