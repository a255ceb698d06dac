import Foundation
import ReviewService
import ReviewStore
import Testing

@testable import ReviewServer

/// The CSV files and the QR codes the office takes away.
@Suite struct OutputFormatTests {
    @Test func csvOpensInSpreadsheetsWithVietnameseIntact() {
        var table = CSVText(separator: .comma)
        table.append(["Đơn vị", "Ghi chú"])
        table.append(["Chi bộ \"Ban\" Tổ chức", "một, hai"])
        table.append(["=HYPERLINK(\"x\")", "dòng 1\ndòng 2"])
        table.append(["+84 912 345 678", "-5"])
        table.append([" lề ", "@tên"])
        let bytes = table.bytes
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == [
            "Đơn vị,Ghi chú", "\"Chi bộ \"\"Ban\"\" Tổ chức\",\"một, hai\"", "\"'=HYPERLINK(\"\"x\"\")\",\"dòng 1\ndòng 2\"", "'+84 912 345 678,-5",
            "\" lề \",'@tên", "",
        ].joined(separator: "\r\n"))
        #expect(text.precomposedStringWithCanonicalMapping == text)
        var excel = CSVText(separator: .semicolon)
        excel.append(["a;b", "c,d", "e"])
        #expect(String(decoding: excel.bytes.dropFirst(3), as: UTF8.self) == "\"a;b\";\"c,d\";e\r\n")
    }

    @Test func qrCodesHaveTheirFinderPatternsAndScale() throws {
        let url = "webcal://lich.example.vn/feeds/members/abcdefghijklmnopqrstuvwxyz234567/nguyen-van-an.ics"
        let code = try #require(QRCode(url))
        // Version v has 17 + 4v modules a side; this text needs at least version 5 at level M.
        #expect((code.size - 17) % 4 == 0 && code.size >= 37)
        // The three 7×7 finder patterns: dark ring, light ring, dark 3×3 centre.
        for (ox, oy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    #expect(code.isDark(ox + x, oy + y) == (ring != 2), "finder at \(ox),\(oy): module \(x),\(y)")
                }
            }
        }
        // Timing pattern along row 6 alternates.
        for x in 8..<(code.size - 8) { #expect(code.isDark(x, 6) == (x % 2 == 0)) }
        let svg = code.svg(title: "Mã <QR>")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""))
        #expect(svg.contains("<title>Mã &lt;QR&gt;</title>"))
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(QRCode(String(repeating: "x", count: 5000)) == nil)
    }
}

/// Stored instants are written and read by hand, in `ISO8601FormatStyle`'s shape; every stored text reads back to
/// an instant that writes the same text.
@Suite struct TimestampTests {
    @Test func millisecondsExactAndStableThroughAReadAndAWrite() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, 1, 999, -1, -1000, -86_400_500, 951_782_400_123, 1_701_936_000_999, 4_102_444_799_999]
        for _ in 0..<3000 { samples.append(Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)) }
        for millis in samples {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let ms = Int((millis % 1000 + 1000) % 1000)
            let seconds = (millis - Int64(ms)) / 1000
            let expected = Date(timeIntervalSince1970: Double(seconds)).formatted(style).replacingOccurrences(of: ".000Z", with: String(format: ".%03dZ", ms))
            let text = Timestamp.string(date)
            #expect(text == expected, "\(millis)")
            let back = try #require(Timestamp.date(text))
            #expect(Timestamp.string(back) == text, "\(millis)")
            #expect(abs(back.timeIntervalSince(try style.parse(text))) < 1e-6, "\(millis)")
        }
        // System-clock instants (microseconds) cut to the millisecond, as the formatter cuts them.
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_701_936_000.123_456)) == "2023-12-07T08:00:00.123Z")
        #expect(Timestamp.date("2023-12-07T08:00:00Z") == Date(timeIntervalSince1970: 1_701_936_000))
        #expect(Timestamp.date("không phải ngày") == nil)
    }
}

/// The rows that list their own fields for the templates list every one of them.
@Suite struct TemplateFieldsTests {
    func check(_ value: some TemplateFields) {
        let reflected = Set(Mirror(reflecting: value).children.compactMap(\.label))
        #expect(Set(value.templateFields.keys) == reflected, "\(type(of: value))")
    }

    @Test func everyStoredPropertyIsListed() {
        check(WeekPageController.Choice(value: "v", label: "l", selected: true))
        check(
            WeekPageController.SessionRow(
                id: "r", href: "/", time: "07:30", unit: "u", kind: "k", location: "l", option: "o", member: "m", team: "t", status: "s", pinned: true,
                late: false, absence: "Đ/c A vắng"))
        check(WeekPageController.RequestRow(id: "r", href: "/", unit: "u", kind: "k", options: [], draft: "d", contact: "c", status: "s", late: false, withdrawn: false))
        check(
            CampaignPageController.UnitRow(
                id: "u", anchor: "a", name: "n", bloc: "b", inCharge: "i", stage: "s", stageCode: "c", sessions: [], notes: []))
        check(
            CampaignPageController.SessionCell(
                id: "r", kind: "k", when: "w", href: "/", published: true, held: nil, dossier: "d", heldDefault: "h", today: "t", canMarkHeld: true))
        check(CampaignPageController.UnitLink(id: "u", name: "n", stage: "s", href: "/"))
        check(
            OutboxPageController.MessageRow(
                id: "ob-1", created: "07/12/2026 10:20", name: "n", address: "a@b.vn", delivery: "d", cause: "c", subject: "s", summary: ["l"],
                statusCode: "failed", state: "Gửi không được", attempts: 2, error: "550", sent: nil, canResend: true))
    }
}
