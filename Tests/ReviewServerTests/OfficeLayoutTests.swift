import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewTestSupport
import Testing

/// What surrounds the office's pages: the icon, the pages of unknown addresses and errors, the names of the CSV
/// downloads, the printed schedule's heading in the Party's document format, feed links that follow the public
/// address, and no command lines or server paths where a clerk reads.
@Suite struct OfficeLayoutTests {
    static let board = "/office/weeks/2023-W50"

    /// Two scheduled and published sessions of week 50/2023.
    func publishedWeek(_ o: OfficeWorld) async throws -> (String, String) {
        let a = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        let b = try await o.register("cb-ubkt", [("2023-12-12T13:30", "2023-12-12T17:00")])
        let w50 = ISOWeek(iso: "2023-W50")!
        _ = try await o.service.runSchedule(week: w50, by: "office:test")
        try await o.service.publish(week: w50, by: "office:test")
        return (a, b)
    }

    @Test func theIconIsServedAndNamedByEveryPage() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { br in
            for path in ["/favicon.ico", "/favicon.svg"] {
                let r = try await br.get(path)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType] == "image/svg+xml", "\(path)")
                #expect(String(buffer: r.body).hasPrefix("<svg"), "\(path)")
            }
            try await br.get("/office/sign-in")
            #expect(br.html.contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"))
        }
        try await o.browse { br in
            try await br.get(Self.board)
            #expect(br.html.contains("<link rel=\"icon\" href=\"/favicon.svg\""))
            try await br.get("\(Self.board)/print")
            #expect(br.html.contains("<link rel=\"icon\" href=\"/favicon.svg\""))
        }
    }

    @Test func anUnknownAddressGetsAVietnamesePageInsideTheLayout() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            for path in ["/office/khong-co", "/office/weeks/2023-W50/khong-co", "/office/weeks/2023-W50/sessions/r-x/khong/co", "/office/feeds/member/m04/khong-co"] {
                let r = try await br.get(path)
                #expect(r.status == .notFound, "\(path)")
                #expect(r.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(br.html.contains("<html lang=\"vi\">"), "\(path)")
                #expect(br.html.contains("<h1>Không có trang này</h1>"), "\(path)")
                #expect(br.html.contains("href=\"/office\""), "no link back on \(path)")
                // Signed in: the menu and the sign-out button are there.
                #expect(br.html.contains("aria-label=\"Các trang của Văn phòng\""), "no menu on \(path)")
                #expect(br.html.contains("Đăng xuất"), "\(path)")
            }
            // A form sent to an unknown address: the same page, nothing changed.
            try await br.get(Self.board)
            let r = try await br.post("/office/khong-co", [("x", "1")])
            #expect(r.status == .notFound)
            #expect(br.html.contains("Không có trang này"))
        }
        try await o.browse(as: nil) { br in
            // Without a session: the sign-in page first, which brings the clerk back to the address afterwards.
            let r = try await br.get("/office/khong-co")
            #expect(r.status == .seeOther)
            #expect(br.location?.hasPrefix("/office/sign-in") == true)
        }
    }

    @Test func aMethodThePageDoesNotTakeGetsAPageNotABareStatus() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        try await o.browse { br in
            // The run button's address opened in the browser's address bar.
            let r = try await br.get("\(Self.board)/run")
            #expect(r.status.code >= 400 && r.status.code < 500)
            #expect(r.headers[.contentType] == "text/html; charset=utf-8")
            #expect(br.html.contains("<main id=\"noi-dung\""))
            #expect(br.html.contains("href=\"/office\""))
        }
    }

    @Test func theTwoCSVDownloadsOfAPageHaveDistinctNames() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        _ = try await publishedWeek(o)
        try await o.browse { br in
            var names: [String] = []
            for path in ["\(Self.board)/export.csv", "\(Self.board)/export.csv?sep=semicolon", "/office/campaign/export.csv", "/office/campaign/export.csv?sep=semicolon"] {
                let r = try await br.get(path)
                #expect(r.status == .ok, "\(path)")
                let header = try #require(r.headers[.contentDisposition], "\(path)")
                let name = try #require(header.split(separator: "\"").dropFirst().first.map(String.init), "\(header)")
                names.append(name)
            }
            #expect(names[0] == "lich-kiem-diem-tuan-2023-W50.csv")
            #expect(names[1] == "lich-kiem-diem-tuan-2023-W50-excel.csv")
            #expect(names[2].hasPrefix("tien-do-chien-dich-") && names[2].hasSuffix(".csv") && !names[2].hasSuffix("-excel.csv"))
            #expect(names[3] == names[2].replacingOccurrences(of: ".csv", with: "-excel.csv"))
            #expect(Set(names).count == 4)
        }
    }

    @Test func thePrintedScheduleFollowsThePartysDocumentFormat() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00")
        defer { Task { await o.close() } }
        _ = try await publishedWeek(o)
        try await o.browse { br in
            try await br.get("\(Self.board)/print")
            #expect(br.last?.status == .ok)
            let html = br.html
            // Top left: the issuing body (the district's configured name "Huyện ủy Sen Hồng"), "*", the number field.
            let issuer = try #require(html.range(of: "<div class=\"issuer\"><p><strong>HUYỆN ỦY SEN HỒNG</strong></p><p aria-hidden=\"true\">*</p>"))
            #expect(html.contains("<p class=\"number\">Số\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}-LT/HU</p>"))
            // Top right, after it: the Party's name (underlined by the stylesheet), the place and date in italics.
            let party = try #require(html.range(of: "<p class=\"party-name\"><strong>ĐẢNG CỘNG SẢN VIỆT NAM</strong></p>"))
            #expect(issuer.upperBound < party.lowerBound)
            #expect(html.contains("<p class=\"place-date\"><em>Sen Hồng, ngày&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; tháng&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; năm 2023</em></p>"))
            // Then the title, centered by the stylesheet, the table, the recipients and the signature.
            let title = try #require(html.range(of: "<h1>LỊCH DỰ KIỂM ĐIỂM TUẦN 50/2023</h1>"))
            #expect(party.upperBound < title.lowerBound)
            #expect(html.contains("Nơi nhận"))
            #expect(html.contains("T/L BAN THƯỜNG VỤ<br>CHÁNH VĂN PHÒNG"))
            let css = String(buffer: try await br.get("/static/office.css").body)
            #expect(css.contains("@page { size: A4 landscape;"))
            #expect(css.contains(".letterhead .party-name { text-decoration: underline;"))
            #expect(css.contains("body.print h1 { text-align: center;"))
        }
        // The same document from the command line.
        let text = try await printedWeekHTML(service: o.service, week: ISOWeek(iso: "2023-W50")!, draft: false)
        #expect(text.contains("HUYỆN ỦY SEN HỒNG") && text.contains("-LT/HU") && text.contains("Sen Hồng, ngày"))
    }

    @Test func feedLinksFollowThePublicAddress() async throws {
        for (address, scheme) in [("http://lich.test:8080", "http"), ("https://lich.example.vn", "https")] {
            let o = try await OfficeWorld.make(at: "2023-12-07T16:00", office: OfficeConfiguration(publicURL: address))
            defer { Task { await o.close() } }
            let links = try await o.service.ensureFeedTokens(by: "office:test")
            let link = try #require(links.first { $0.kind == .member && $0.subject == "m04" })
            try await o.browse { br in
                for path in ["/office/feeds", "/office/feeds/member/m04"] {
                    try await br.get(path)
                    #expect(br.html.contains("href=\"\(address)\(link.path)\""), "\(path) for \(address)")
                    #expect(br.html.contains(address.replacingOccurrences(of: scheme + "://", with: "webcal://") + link.path), "\(path)")
                    if scheme == "http" {
                        #expect(!br.html.contains("https"), "\(path) shows https while the public address is \(address)")
                    } else {
                        #expect(br.html.contains("Đường dẫn https") || br.html.contains("Đường dẫn (https)"), "\(path)")
                    }
                }
                try await br.get("/office/feeds")
                #expect(br.html.contains("<th scope=\"col\">Đường dẫn (\(scheme))</th>"))
            }
        }
    }

    @Test func noCommandLineOrServerPathWhereAClerkReads() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestWorld.repoRoot.appendingPathComponent("config"), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let o = try await OfficeWorld.make(at: "2023-12-07T16:00", office: OfficeConfiguration(configDirectory: folder))
        defer { Task { await o.close() } }
        let (a, _) = try await publishedWeek(o)
        _ = try await o.service.ensureFeedTokens(by: "office:test")
        let pages = [
            Self.board, "\(Self.board)/requests", "\(Self.board)/sessions/\(a)", "\(Self.board)/print", "\(Self.board)/repair",
            "/office/absences", "/office/campaign", "/office/feeds", "/office/feeds/member/m04", "/office/outbox", "/office/audit", "/office/district",
        ]
        let pattern = #"reviewcal [a-z]|/var/|/etc/|/tmp/|/home/|\s--[a-z]|config/[a-z]+\.yaml|docs/[a-z]+\.md"#
        try await o.browse { br in
            let forbidden = try Regex(pattern)
            for path in pages {
                try await br.get(path)
                #expect(br.last?.status == .ok, "\(path)")
                let text = Self.visibleText(br.html)
                let found = text.matches(of: forbidden).map { String(text[$0.range]) }
                #expect(found.isEmpty, "\(path) shows \(found)")
                #expect(!text.contains(folder.path), "\(path) shows the server's configuration folder")
            }
        }
        try await o.browse(as: nil) { br in
            try await br.get("/office/sign-in")
            #expect(br.html.contains("liên hệ người quản trị máy chủ"))
            let text = Self.visibleText(br.html)
            #expect(text.matches(of: try Regex(pattern)).isEmpty, "the sign-in page shows a command line")
        }
    }

    /// The page's text without tags, scripts' addresses and attributes.
    static func visibleText(_ html: String) -> String {
        html.replacing(#/<[^>]*>/#, with: " ")
    }
}
