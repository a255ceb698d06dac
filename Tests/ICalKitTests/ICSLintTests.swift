import Testing

/// The Swift lint must catch what `tools/ics_lint.py` catches.
@Suite struct ICSLintTests {
    static func lines(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\r\n") + "\r\n").utf8) }

    static let minimal = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//VI", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20250101T000000Z",
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20250101T090000", "END:VEVENT", "END:VCALENDAR",
    ]

    @Test func flagsByteLevelProblems() {
        var bareLF = Self.lines(Self.minimal)
        bareLF.insert(0x0A, at: 20)
        #expect(ICSLint.lint(bareLF).errors.contains { $0.contains("bare LF") })
        let brokenFold = Array("BEGIN:VCALENDAR\r\nX:\r\n \(String(repeating: "a", count: 73))\r\r\n \nEND:VCALENDAR\r\n".utf8)
        #expect(ICSLint.lint(brokenFold).errors.contains { $0.contains("bare CR") })
        let emptyContinuation = Array("BEGIN:VCALENDAR\r\nX:a\r\n \r\nEND:VCALENDAR\r\n".utf8)
        #expect(ICSLint.lint(emptyContinuation).warnings.contains { $0.contains("empty continuation") })
        let long = Self.lines(["BEGIN:VCALENDAR", "X:" + String(repeating: "a", count: 80), "END:VCALENDAR"])
        #expect(ICSLint.lint(long).warnings.contains { $0.contains("> 75") })
        var splitCharacter = Array("BEGIN:VCALENDAR\r\nX:ệ\r\nEND:VCALENDAR\r\n".utf8)
        splitCharacter.insert(contentsOf: [0x0D, 0x0A, 0x20], at: 20)  // fold inside the 3-octet "ệ"
        #expect(ICSLint.lint(splitCharacter).errors.contains { $0.contains("splits a multi-byte") })
        #expect(ICSLint.lint([0xEF, 0xBB, 0xBF] + Self.lines(Self.minimal)).warnings.contains { $0.contains("BOM") })
    }

    @Test func flagsStructuralProblems() {
        let report = ICSLint.lint(
            Self.lines([
                "BEGIN:VCALENDAR", "METHOD:REQUEST", "X-WR-CALNAME:a,b", "REFRESH-INTERVAL:PT1H", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20250101T000000",
                "DTSTART:20250101T090000", "SEQUENCE:-1", "END:VEVENT", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20250101T000000Z",
                "DTSTART;VALUE=DATE:20250102", "DTEND;VALUE=DATE:20250102",
                "DTEND;TZID=/freeassociation.sourceforge.net/Asia/Ho_Chi_Minh:20250101T090000",
                "END:VEVENT",
            ])
        )
        for expected in [
            "METHOD:REQUEST", "REFRESH-INTERVAL requires", "floating time", "DTSTAMP must be UTC", "SEQUENCE not", "appears 2 times",
            "unclosed", "referenced without VTIMEZONE",
        ] {
            #expect(report.errors.contains { $0.contains(expected) }, "\(expected) in \(report)")
        }
        #expect(report.warnings.contains { $0.contains("X-WR-CALNAME") })
        #expect(report.warnings.contains { $0.contains("not a bare IANA name") })
    }

    @Test func feedRulesRequireReviewcalShape() {
        let report = ICSLint.lintFeed(Self.lines(Self.minimal))
        for expected in ["lacks NAME", "lacks X-WR-CALNAME", "lacks REFRESH-INTERVAL", "VTIMEZONEs", "referenced without VTIMEZONE"] {
            #expect(report.errors.contains { $0.contains(expected) }, "\(expected) in \(report)")
        }
        let decomposed = ICSLint.lintFeed(Self.lines(Self.minimal.map { $0 == "UID:a" ? "UID:a" : $0 } + ["X-NOTE:Vie\u{0302}\u{0323}t"]))
        #expect(decomposed.errors.contains { $0.contains("NFC") })
        let longUID = ICSLint.lintFeed(Self.lines(Self.minimal.map { $0 == "UID:a" ? "UID:" + String(repeating: "u", count: 69) : $0 }))
        #expect(longUID.errors.contains { $0.contains("UID line over 72") })
    }
}
