import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import Testing

/// What a clerk reads is told in names and words, not codes: the board's reasons, the messages after an action, the
/// audit trail with its before/after table; the office records a draft date on the page; a cancelled session shows as
/// cancelled and can be held again; a run that changes nothing says so.
@Suite struct OfficeWordsTests {
    static let board = "/office/weeks/2023-W50"
    static let w50 = ISOWeek(iso: "2023-W50")!

    /// The text a reader sees: tags (and their attributes, where ids stay for machines) removed.
    static func visibleText(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<script[^>]*>[\\s\\S]*?</script>", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        return text
    }

    /// The codes a clerk should never have to read: request ids, member ids, feed paths, action codes.
    static func codes(in text: String) -> [String] {
        let patterns = ["\\br-[0-9a-z]{8}\\b", "\\bm0[0-9]\\b", "member/", "team/", "unit/", "schedule\\.run", "session\\.[a-z]+", "request\\.[a-z]+",
            "khoi-[a-z-]+", "reviewcal [a-z-]+"]
        return patterns.flatMap { p in
            text.ranges(of: try! Regex(p)).map { String(text[$0]) }
        }
    }

    @Test func theBoardsReasonsAndTheMessagesNameUnitsNotCodes() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        // Two cells of the Party bloc on the same Tuesday morning: one team follows the bloc, so one stays out.
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let b = try await o.register("cb-ubkt", [("2023-12-12T07:30", "2023-12-12T11:30")])
        // A third without a draft date.
        let c = try await o.register("ubnd-huyen", [("2023-12-13T07:30", "2023-12-13T11:30")], kind: "co-quan", draft: nil)
        try await o.browse { br in
            try await br.get(Self.board)
            try await br.post("\(Self.board)/run", [("version", br.value(ofHidden: "version") ?? "")])
            try await br.get(br.location!)
            let text = Self.visibleText(br.html)
            #expect(Self.codes(in: text).isEmpty, "codes on the board: \(Self.codes(in: text))")
            // The run's message, then the reasons: the other session by its unit, kind and day; the bloc by its name.
            #expect(text.contains("Đã xếp lịch: 1 buổi, chưa xếp được 2."))
            #expect(text.contains("Xem lại 1 thay đổi bên dưới rồi công bố."))
            #expect(text.contains("— Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023"))
            #expect(text.contains("khối các cơ quan Đảng") || text.contains("Khối các cơ quan Đảng"))
            // The request without a draft date says so, and what to do on the page.
            #expect(text.contains("Chưa có ngày gửi dự thảo"))
            #expect(text.contains("ghi ngày gửi ở mục “Ngày gửi dự thảo” trên trang của buổi"))
            // Pinning the placed session: the message names it.
            let placed = try #require(try await o.service.sessions(week: Self.w50).first { $0.proposal != nil }?.requestId)
            #expect([a, b].contains(placed))
            try await br.get("\(Self.board)/sessions/\(placed)")
            try await br.post("\(Self.board)/sessions/\(placed)/pin", [("version", br.value(ofHidden: "version")!)])
            try await br.get(br.location!)
            let pinned = Self.visibleText(br.html)
            #expect(pinned.contains("Đã ghim buổi Chi bộ"))
            #expect(!pinned.contains("Đã ghim buổi \(placed)"))
            // The request table and the session page's reason: no command line.
            try await br.get("\(Self.board)/sessions/\(c)")
            // (The page keeps the request's code in its own "Mã đăng ký" line, for telephone calls with the unit.)
            let why = try #require(br.html.range(of: "<dt>Vì sao chưa xếp được</dt>"))
            let reason = Self.visibleText(String(br.html[why.upperBound...].prefix(600)))
            #expect(reason.contains("chưa có ngày gửi dự thảo"))
            #expect(Self.codes(in: reason).isEmpty, "\(Self.codes(in: reason))")
        }
    }

    @Test func theAuditNamesWhoAndWhatAndTablesTheChangedFields() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")], draft: "2023-12-05")
        _ = try await o.service.runSchedule(week: Self.w50, by: "office:thu-ha")
        _ = try await o.service.rotateFeed(kind: .member, subject: "m04", by: "office:thu-ha")
        try await o.service.setDraftSent(request: a, date: "2023-12-06", by: "office:thu-ha")
        try await o.browse { br in
            try await br.get("/office/audit")
            #expect(br.last?.status == .ok)
            let text = Self.visibleText(br.html)
            #expect(Self.codes(in: text).isEmpty, "codes in the audit: \(Self.codes(in: text))")
            #expect(text.contains("Chạy xếp lịch"))
            #expect(text.contains("Lịch của đ/c Phạm Minh Đức"))
            #expect(text.contains("Người dùng thu-ha (thu-ha)"))
            #expect(text.contains("Ghi ngày gửi dự thảo"))
            #expect(text.contains("Đăng ký: Chi bộ Ban Tổ chức Huyện ủy — Kiểm điểm tập thể cấp ủy, tổ chức đảng, Thứ Ba 12/12/2023"))
            // The action groups of the filter in words; their values stay codes for the URL.
            #expect(text.contains("Xếp lịch và công bố (mọi thao tác)"))
            #expect(!text.contains("Mọi thao tác nhóm"))
            #expect(br.html.contains("<option value=\"schedule\""))
            // The draft date's change as a before/after row, dates in Vietnamese, no JSON keys.
            let row = try #require(br.html.range(of: "<th scope=\"row\">Ngày gửi dự thảo</th>"))
            let after = String(br.html[row.upperBound...].prefix(80))
            #expect(after.contains("<td>05/12/2023</td><td>06/12/2023</td>"), "\(after)")
            #expect(!br.html.contains("draftSent"))
            #expect(!br.html.contains("&quot;score&quot;"))
            // The run's outcome as fields in words.
            #expect(text.contains("Số buổi xếp được"))
        }
        // The command line's audit says the same in words.
        let names = try await o.service.auditNames()
        let entry = try #require(try await o.service.auditTrail(filter: AuditFilter(action: "request.draft-sent")).first)
        let changes = o.service.auditChanges(entry, names: names)
        #expect(changes == [AuditChange(field: "Ngày gửi dự thảo", before: "05/12/2023", after: "06/12/2023")])
    }

    @Test func theOfficeRecordsTheDraftDateOnThePage() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-11T08:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30"), ("2023-12-14T07:30", "2023-12-14T11:30")], draft: nil)
        try await o.browse { br in
            try await br.get("\(Self.board)/sessions/\(a)")
            #expect(br.html.contains("Chưa có ngày gửi: chưa xếp lịch được"))
            #expect(br.html.contains("action=\"/office/weeks/2023-W50/sessions/\(a)/draft-sent\""))
            #expect(br.html.contains("max=\"2023-12-11\""))
            // Refusals: empty, not a date, in the future, too early for the campaign, too late for every option.
            for (date, words) in [
                ("", "Cần chọn ngày"), ("12/08/2023", "không đúng dạng"), ("2023-12-12", "ở tương lai"), ("2023-01-05", "quá sớm"),
                ("2023-12-13", "ở tương lai"),
            ] {
                try await br.post("\(Self.board)/sessions/\(a)/draft-sent", [("version", br.value(ofHidden: "version")!), ("date", date)])
                #expect(br.last?.status == .unprocessableContent, "\(date)")
                #expect(br.html.contains(words), "\(date): \(words)")
            }
            #expect(try await o.service.store.read({ tx in try await tx.request(id: a, district: o.service.district.id) })?.draftSent == nil)
            // Sent today: 2 days before the 12th is not enough, but the 14th is; recorded and audited.
            try await br.post("\(Self.board)/sessions/\(a)/draft-sent", [("version", br.value(ofHidden: "version")!), ("date", "2023-12-11")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            #expect(br.html.contains("Đã ghi ngày gửi dự thảo 11/12/2023 cho buổi Chi bộ Ban Tổ chức Huyện ủy"))
            #expect(br.html.contains("Đã gửi ngày 11/12/2023"))
        }
        #expect(try await o.service.store.read({ tx in try await tx.request(id: a, district: o.service.district.id) })?.draftSent == LocalDate(iso: "2023-12-11"))
        let entry = try #require(try await o.service.auditTrail(filter: AuditFilter(action: "request.draft-sent")).first)
        #expect(entry.actor == "office:thu-ha" && entry.entityId == a)
        // The run now places it on the 14th, the only option the lead time leaves.
        let run = try await o.service.runSchedule(week: Self.w50, by: "office:test")
        #expect(run.scheduled == 1)
        let s = try #require(try await o.service.sessions(week: Self.w50).first { $0.requestId == a })
        #expect(s.proposal?.start.date == LocalDate(iso: "2023-12-14"))
        // A draft sent on the 13th would leave no option its lead time (checked with a clock on the 13th).
        o.world.set("2023-12-13T08:00")
        await #expect(throws: ReviewError.self) { try await o.service.setDraftSent(request: a, date: "2023-12-13", by: "office:test") }
        do {
            try await o.service.setDraftSent(request: a, date: "2023-12-13", by: "office:test")
        } catch let f as ReviewError {
            #expect(f.message.contains("không đủ 2 ngày"), "\(f.message)")
        }
    }

    @Test func registeringWithoutADraftDateSaysWhatToDoAndALateRequestAsksForARun() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            try await br.get("\(Self.board)/requests")
            try await br.post(
                "\(Self.board)/admit",
                [("unit", "ubnd-huyen"), ("kind", "co-quan"), ("day", "2023-12-13"), ("start", "07:30"), ("end", "11:30"), ("draftSent", ""),
                 ("contact", "Trần Văn Bình"), ("phone", "0912 000 111")])
            #expect(br.last?.status == .seeOther)
            try await br.get(br.location!)
            let text = Self.visibleText(br.html)
            #expect(text.contains("Đã nhận đăng ký: Tập thể lãnh đạo UBND huyện"))
            #expect(text.contains("Chưa có ngày gửi dự thảo báo cáo nên chưa xếp lịch được"))
            #expect(Self.codes(in: text).isEmpty, "\(Self.codes(in: text))")
            // The board: admitted late, not yet through a run.
            try await br.get(Self.board)
            #expect(br.html.contains("Nhận muộn, chưa xếp — chạy xếp lịch lại"))
        }
    }

    @Test func aCancelledSessionShowsAsCancelledAndIsHeldAgain() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: Self.w50, by: "office:test")
        try await o.service.publish(week: Self.w50, by: "office:test")
        try await o.service.cancel(request: a, reason: "Đơn vị xin lùi lịch", by: "office:test")
        _ = try await o.service.runSchedule(week: Self.w50, by: "office:test")
        try await o.browse { br in
            try await br.get(Self.board)
            let text = Self.visibleText(br.html)
            #expect(text.contains("Đã hủy (1)"))
            #expect(text.contains("Đã hủy. Lý do: Đơn vị xin lùi lịch"))
            #expect(text.contains("Chưa xếp được (0)"))
            #expect(br.html.contains("href=\"/office/weeks/2023-W50/sessions/\(a)#to-chuc-lai\""))
            #expect(Self.codes(in: text).isEmpty, "\(Self.codes(in: text))")
            // The campaign page: cancelled with the reason, not "registered, no schedule".
            try await br.get("/office/campaign?don-vi=cb-ban-to-chuc")
            #expect(br.html.contains("Đã hủy buổi kiểm điểm, chưa tổ chức lại"))
            #expect(br.html.contains("Đã hủy (lý do: Đơn vị xin lùi lịch)"))
            // The audit's table of the cancellation, in words.
            try await br.get("/office/audit?thao-tac=session.cancel")
            #expect(br.html.contains("<th scope=\"row\">Đã hủy trên lịch</th><td>không</td><td>có</td>"))
            #expect(br.html.contains("<th scope=\"row\">Lý do hủy</th><td>—</td><td>Đơn vị xin lùi lịch</td>"))
            #expect(br.html.contains("Lịch dự kiến</th><td>Thứ Ba 12/12/2023 07:30–11:30 (phương án 1); đ/c Phạm Minh Đức; Tổ công tác số 1"))
            // The session page offers to hold it again, not a move that would be refused.
            try await br.get("\(Self.board)/sessions/\(a)")
            #expect(br.html.contains("Tổ chức lại buổi đã hủy"))
            #expect(!br.html.contains("Kiểm tra và chuyển"))
            try await br.post(
                "\(Self.board)/sessions/\(a)/reschedule",
                [("version", br.value(ofHidden: "version")!), ("option", "0"), ("member", "m04"), ("team", "to-01"), ("reason", "Đơn vị đã sẵn sàng"),
                 ("reinstate", "1"), ("confirm", "1")])
            #expect(br.last?.status == .seeOther)
            try await br.get(try #require(br.location))
            #expect(br.html.contains("Đã tổ chức lại buổi Chi bộ Ban Tổ chức Huyện ủy"))
            try await br.get(Self.board)
            #expect(!br.html.contains("id=\"da-huy\""))
        }
        let s = try #require(try await o.service.sessions(week: Self.w50).first { $0.requestId == a })
        #expect(s.cancellation == nil)
        #expect(s.published?.cancelled == false)
        #expect(s.published?.sequence == 2)
    }

    @Test func aRunThatChangesNothingSaysSo() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        _ = try await o.service.runSchedule(week: Self.w50, by: "office:test")
        try await o.service.publish(week: Self.w50, by: "office:test")
        try await o.browse { br in
            try await br.get(Self.board)
            try await br.post("\(Self.board)/run", [("version", br.value(ofHidden: "version") ?? "")])
            try await br.get(br.location!)
            #expect(br.html.contains("Lần xếp này không thay đổi gì so với lịch đã công bố."))
            #expect(!br.html.contains("rồi công bố."))
            // Who ran the scheduler is named, not given by login.
            let summary = try #require(br.html.range(of: "Lần xếp gần nhất:").map { String(br.html[$0.lowerBound...].prefix(400)) })
            #expect(summary.contains(", Người dùng thu-ha."), "\(summary)")
            #expect(!summary.contains(", thu-ha."))
        }
    }
}
