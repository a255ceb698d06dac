import Foundation

/// The byte-level and structural checks of reviewcal's `tools/ics_lint.py`, plus the rules every reviewcal feed
/// follows (INTEROP.md "What every reviewcal feed does"), for use in tests.
enum ICSLint {
    /// What the lint found.
    struct Report: CustomStringConvertible {
        var errors: [String] = []
        var warnings: [String] = []
        var isClean: Bool { errors.isEmpty && warnings.isEmpty }
        var description: String { (errors.map { "ERROR " + $0 } + warnings.map { "WARN " + $0 }).joined(separator: "\n") }
    }

    /// The checks of `ics_lint.py`, with the same errors and warnings.
    static func lint(_ data: [UInt8]) -> Report {
        var report = Report()
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            report.warnings.append("UTF-8 BOM present")
        }
        if String(validating: data, as: UTF8.self) == nil {
            report.errors.append("body is not valid UTF-8")
        }
        if data.count > 1_000_000 {
            report.warnings.append("\(data.count) bytes > 1 MB (Google Calendar subscription limit)")
        }
        for (index, byte) in data.enumerated() {
            if byte == 0x0D, index + 1 >= data.count || data[index + 1] != 0x0A {
                report.errors.append("bare CR found")
                break
            }
        }
        for (index, byte) in data.enumerated() where byte == 0x0A && (index == 0 || data[index - 1] != 0x0D) {
            report.errors.append("bare LF found (lines must end with CRLF)")
            break
        }
        let physical = physicalLines(data)
        for (number, line) in physical.enumerated() {
            if line.count > 75 {
                report.warnings.append("line \(number + 1): \(line.count) octets > 75")
            }
            if String(validating: line, as: UTF8.self) == nil {
                report.errors.append("line \(number + 1): fold splits a multi-byte UTF-8 character")
            }
            if let first = line.first, first == 0x20 || first == 0x09, line.allSatisfy({ [0x20, 0x09, 0x0B, 0x0C].contains($0) }) {
                report.warnings.append("line \(number + 1): empty continuation line")
            }
        }
        structure(logicalLines(data), into: &report)
        return report
    }

    /// `lint` plus reviewcal's own feed rules: NFC text, exactly one VCALENDAR with the required calendar
    /// properties and no METHOD, the `Asia/Ho_Chi_Minh` VTIMEZONE, every TZID exactly `Asia/Ho_Chi_Minh`, ASCII
    /// UIDs with `UID:` + value ≤ 72 octets, DTSTAMP and LAST-MODIFIED in UTC.
    static func lintFeed(_ data: [UInt8]) -> Report {
        var report = lint(data)
        if let text = String(validating: data, as: UTF8.self), Array(text.utf8) != Array(text.precomposedStringWithCanonicalMapping.utf8) {
            report.errors.append("text is not NFC")
        }
        let lines = logicalLines(data)
        var depth = 0
        var calendars = 0
        var calendarProperties: [String: String] = [:]
        var timeZones = 0
        var stack: [String] = []
        for line in lines {
            let (name, params, value) = split(line)
            switch name {
            case "BEGIN":
                if value.uppercased() == "VCALENDAR", depth == 0 { calendars += 1 }
                if value.uppercased() == "VTIMEZONE" { timeZones += 1 }
                stack.append(value.uppercased())
                depth += 1
                continue
            case "END":
                _ = stack.popLast()
                depth -= 1
                continue
            default:
                break
            }
            if stack.last == "VCALENDAR" {
                calendarProperties[name] = (params.isEmpty ? "" : params + ":") + value
            }
            if stack.last == "VTIMEZONE", name == "TZID", value != "Asia/Ho_Chi_Minh" {
                report.errors.append("VTIMEZONE TZID '\(value)' is not Asia/Ho_Chi_Minh")
            }
            for tzid in tzidParameters(params) where tzid != "Asia/Ho_Chi_Minh" {
                report.errors.append("TZID '\(tzid)' is not exactly Asia/Ho_Chi_Minh")
            }
            if name == "UID" {
                if !value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) { report.errors.append("UID '\(value)' is not printable ASCII") }
                if ("UID:" + value).utf8.count > 72 { report.errors.append("UID line over 72 octets: \(value)") }
            }
            if (name == "DTSTAMP" || name == "LAST-MODIFIED"), !value.hasSuffix("Z") {
                report.errors.append("\(name) must be UTC")
            }
        }
        if calendars != 1 { report.errors.append("\(calendars) VCALENDARs, expected 1") }
        if timeZones != 1 { report.errors.append("\(timeZones) VTIMEZONEs, expected the Asia/Ho_Chi_Minh one") }
        let required: [(String, String?)] = [
            ("VERSION", "2.0"), ("PRODID", nil), ("NAME", nil), ("X-WR-CALNAME", nil), ("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh"),
            ("REFRESH-INTERVAL", nil), ("X-PUBLISHED-TTL", nil),
        ]
        for (name, expected) in required {
            guard let value = calendarProperties[name] else {
                report.errors.append("calendar lacks \(name)")
                continue
            }
            if let expected, value != expected { report.errors.append("\(name) is '\(value)', expected '\(expected)'") }
        }
        if calendarProperties["METHOD"] != nil { report.errors.append("METHOD present") }
        return report
    }

    // MARK: Helpers

    /// Physical lines split at CRLF, CR or LF, without a last empty one.
    static func physicalLines(_ data: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < data.count {
            let byte = data[index]
            if byte == 0x0D || byte == 0x0A {
                lines.append(current)
                current = []
                index += byte == 0x0D && index + 1 < data.count && data[index + 1] == 0x0A ? 2 : 1
                continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Logical lines: lossy UTF-8, CRLF + space/tab removed, split at CRLF, empty lines dropped.
    static func logicalLines(_ data: [UInt8]) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n\t", with: "")
        return unfolded.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    /// Upper-cased name, raw parameters (after the first `;`), and value of a logical line.
    static func split(_ line: String) -> (name: String, params: String, value: String) {
        let head: Substring
        let value: String
        if let colon = line.firstIndex(of: ":") {
            head = line[..<colon]
            value = String(line[line.index(after: colon)...])
        } else {
            head = Substring(line)
            value = ""
        }
        let parts = head.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        return (parts[0].uppercased(), parts.count > 1 ? String(parts[1]) : "", value)
    }

    /// The values of `TZID=` parameters (case-insensitive name; quotes removed) in raw parameter text.
    static func tzidParameters(_ params: String) -> [String] {
        params.split(separator: ";").compactMap { part in
            guard part.uppercased().hasPrefix("TZID=") else { return nil }
            return String(part.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    private static func structure(_ lines: [String], into report: inout Report) {
        var stack: [String] = []
        var timeZoneIDs = Set<String>()
        var referencedIDs = Set<String>()
        var uids: [String: Int] = [:]
        var event: [String: (params: String, value: String)]?
        for line in lines {
            // Like Python's `str.partition(":")`: a line without a colon is all name, with an empty value.
            let colon = line.firstIndex(of: ":")
            let nameAndParams = String(line[..<(colon ?? line.endIndex)])
            let value = colon.map { String(line[line.index(after: $0)...]) } ?? ""
            let key = nameAndParams.split(separator: ";", omittingEmptySubsequences: false)[0].uppercased()
            let params = nameAndParams.uppercased()
            if key == "BEGIN" {
                stack.append(value.uppercased())
                if value.uppercased() == "VEVENT" { event = [:] }
                continue
            }
            if key == "END" {
                if stack.isEmpty || stack.removeLast() != value.uppercased() {
                    report.errors.append("unbalanced END:\(value)")
                }
                if value.uppercased() == "VEVENT", let finished = event {
                    for required in ["UID", "DTSTAMP", "DTSTART"] where finished[required] == nil {
                        report.errors.append("VEVENT \(finished["UID"]?.value ?? "?"): missing \(required)")
                    }
                    if let uid = finished["UID"]?.value { uids[uid, default: 0] += 1 }
                    if let start = finished["DTSTART"], let end = finished["DTEND"], start.params.contains("VALUE=DATE"),
                        !start.params.contains("VALUE=DATE-TIME"), end.value <= start.value
                    {
                        report.errors.append("VEVENT \(finished["UID"]?.value ?? "?"): all-day DTEND must be exclusive (> DTSTART)")
                    }
                    event = nil
                }
                continue
            }
            // Case-insensitive `;TZID=` in the original text, as the Python regex does.
            for part in nameAndParams.split(separator: ";").dropFirst() where part.uppercased().hasPrefix("TZID=") {
                referencedIDs.insert(String(part.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            }
            let current = stack.last
            if current == "VTIMEZONE", key == "TZID" {
                timeZoneIDs.insert(value)
            }
            if current == "VCALENDAR" {
                if key == "X-WR-CALNAME", hasUnescapedSeparator(value) {
                    report.warnings.append("X-WR-CALNAME has unescaped , or ;")
                }
                if key == "REFRESH-INTERVAL", !params.contains("VALUE=DURATION") {
                    report.errors.append("REFRESH-INTERVAL requires ;VALUE=DURATION (RFC 7986)")
                }
                if key == "METHOD", value.uppercased() != "PUBLISH" {
                    report.errors.append("METHOD:\(value) in a feed (use PUBLISH or omit)")
                }
            }
            if current == "VEVENT", event != nil {
                event?[key] = (params, value)
                if ["DTSTART", "DTEND", "RECURRENCE-ID"].contains(key), !params.contains("VALUE=DATE"), !params.contains("TZID="),
                    !value.hasSuffix("Z")
                {
                    report.errors.append("VEVENT: floating time \(key):\(value)")
                }
                if key == "DTSTAMP", !value.hasSuffix("Z") {
                    report.errors.append("DTSTAMP must be UTC")
                }
                if key == "SEQUENCE", value.isEmpty || !value.allSatisfy(\.isASCIIDigitCharacter) {
                    report.errors.append("SEQUENCE not a non-negative integer: \(value)")
                }
            }
        }
        for tzid in referencedIDs.subtracting(timeZoneIDs).sorted() {
            report.errors.append("TZID=\(tzid) referenced without VTIMEZONE")
        }
        for tzid in referencedIDs.union(timeZoneIDs).sorted() where !isIANAName(tzid) {
            report.warnings.append("TZID '\(tzid)' is not a bare IANA name")
        }
        for (uid, count) in uids.sorted(by: { $0.key < $1.key }) where count > 1 {
            report.errors.append("UID \(uid) appears \(count) times")
        }
        if !stack.isEmpty {
            report.errors.append("unclosed components: \(stack)")
        }
    }

    private static func hasUnescapedSeparator(_ value: String) -> Bool {
        var previous: Character?
        for character in value {
            if character == "," || character == ";", previous != "\\" { return true }
            previous = character
        }
        return false
    }

    /// `^[A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+$|^UTC$`
    static func isIANAName(_ tzid: String) -> Bool {
        tzid.wholeMatch(of: /[A-Za-z]+(?:\/[A-Za-z0-9_+\-]+)+|UTC/) != nil
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
