import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import Testing

/// Landing where the work is: the week that needs attention after sign-in, the chosen week kept across the menu, and
/// the search by unit name on the week, registrations and campaign pages.
@Suite struct OfficeLandingTests {
    @Test func signInLandsOnTheNearestWeekWithWorkWaiting() async throws {
        // Thursday 30 November after the cutoff: the office's current week is W49, and nothing waits anywhere.
        let o = try await OfficeWorld.make(at: "2023-11-30T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            try await br.get("/office")
            #expect(br.location == "/office/weeks/2023-W49")
        }
        // A request of W49 waits to be scheduled; a week later the current week is W50, with nothing to do.
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-05T07:30", "2023-12-05T11:30")], draft: "2023-11-30")
        o.world.set("2023-12-07T16:00")
        // The next week has an open request not yet scheduled: sign-in lands there, not on the empty current week.
        _ = try await o.register("cb-ubkt", [("2023-12-19T07:30", "2023-12-19T11:30")])
        try await o.app().test(.router) { client in
            let br = OfficeBrowser(client)
            try await br.signIn("thu-ha", OfficeWorld.password)
            #expect(br.location == "/office")
            try await br.get("/office")
            #expect(br.location == "/office/weeks/2023-W51")
        }
        // Once scheduled and published, W51 needs nothing: the earlier week still waiting comes next.
        let w51 = ISOWeek(iso: "2023-W51")!
        _ = try await o.service.runSchedule(week: w51, by: "office:test")
        try await o.service.publish(week: w51, by: "office:test")
        try await o.browse { br in
            try await br.get("/office")
            #expect(br.location == "/office/weeks/2023-W49")
        }
    }

    @Test func theMenuLeadsBackToTheWeekChosen() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            try await br.get("/office/weeks/2023-W52")
            for page in ["/office/campaign", "/office/feeds", "/office/audit", "/office/outbox", "/office/district"] {
                try await br.get(page)
                #expect(br.html.contains("<a href=\"/office/weeks/2023-W52\">Lịch tuần</a>"), "\(page)")
                #expect(br.html.contains("href=\"/office/absences?tuan=2023-W52\""), "\(page)")
            }
            try await br.get("/office/weeks/2023-W51/requests")
            try await br.get("/office/audit")
            #expect(br.html.contains("<a href=\"/office/weeks/2023-W51\">Lịch tuần</a>"))
        }
    }

    @Test func aSearchByUnitNameIgnoresAccentsAndCase() async throws {
        #expect(NameSearch("sen hong")?.matches("Huyện ủy Sen Hồng") == true)
        #expect(NameSearch("  ĐẢNG ")?.matches("chi bộ đảng") == true)
        #expect(NameSearch("uy ban kiem tra")?.matches("Chi bộ Ban Tổ chức Huyện ủy") == false)
        #expect(NameSearch("  ") == nil)
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let b = try await o.register("cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00")])
        _ = try await o.service.runSchedule(week: ISOWeek(iso: "2023-W50")!, by: "office:test")
        let pages = [
            ("/office/weeks/2023-W50", "id=\"buoi-\(a)\"", "id=\"buoi-\(b)\""),
            ("/office/weeks/2023-W50/requests", "id=\"dk-\(a)\"", "id=\"dk-\(b)\""),
            ("/office/campaign", "id=\"don-vi-cb-ban-to-chuc\"", "id=\"don-vi-cb-ubkt\""),
        ]
        try await o.browse { br in
            for (page, first, second) in pages {
                try await br.get(page)
                #expect(br.html.contains("<label for=\"tim-don-vi\">"), "\(page)")
                #expect(br.html.contains(first) && br.html.contains(second), "\(page)")
                try await br.get(page + "?tim=U%E1%BB%B6+BAN+kiem+tra")
                #expect(br.html.contains(second), "\(page)")
                #expect(!br.html.contains(first), "\(page)")
                #expect(br.html.contains("value=\"UỶ BAN kiem tra\""), "\(page)")
                #expect(br.html.contains("1 kết quả khớp «UỶ BAN kiem tra»."), "\(page)")
                try await br.get(page + "?tim=hoa+mai")
                #expect(br.html.contains("Không có đơn vị nào khớp «hoa mai»."), "\(page)")
                #expect(!br.html.contains(first) && !br.html.contains(second), "\(page)")
            }
            // Without accents, in any case: "sen hong" finds the three units named "… Sen Hồng".
            try await br.get("/office/campaign?tim=sen+hong")
            #expect(br.html.contains("3 kết quả khớp «sen hong»."))
            #expect(br.html.contains("Đảng bộ thị trấn Sen Hồng") && br.html.contains("Huyện đoàn Sen Hồng"))
            #expect(!br.html.contains("id=\"don-vi-cb-ban-to-chuc\""))
        }
    }
}
