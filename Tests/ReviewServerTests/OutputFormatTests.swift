import Foundation
import ReviewService
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
