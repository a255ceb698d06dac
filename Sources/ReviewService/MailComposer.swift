import Foundation

/// Builds an Internet message (RFC 5322 with MIME, RFC 2045–2049) in 7-bit ASCII with CRLF line ends: headers with
/// non-ASCII text as RFC 2047 encoded words, bodies in base64. What a sendmail-compatible command accepts on its input.
public enum MailComposer {
    /// A mailbox: a display name and an address.
    public struct Mailbox: Sendable, Hashable {
        /// The name shown.
        public var name: String
        /// The address (checked by ``Text/emailProblem(_:)`` before it gets here).
        public var address: String
        /// Creates a mailbox.
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    /// One body part.
    public struct Part: Sendable, Hashable {
        /// The Content-Type, with its parameters.
        public var contentType: String
        /// The Content-Disposition, if any.
        public var disposition: String?
        /// The bytes.
        public var body: [UInt8]
        /// Creates a part.
        public init(contentType: String, disposition: String? = nil, body: [UInt8]) {
            self.contentType = contentType
            self.disposition = disposition
            self.body = body
        }
    }

    /// A message with a text and, for invitations, one iCalendar object per event.
    ///
    /// Without calendars it is a single `text/plain` part. With them, `multipart/mixed` holding a
    /// `multipart/alternative` of the text and the first calendar (the form mail clients recognise as an invitation),
    /// the other calendars inline, then each calendar again as an attachment `invite.ics` (`invite-2.ics`, …).
    public static func compose(
        from: Mailbox, to: Mailbox, subject: String, date: Date, messageID: String, text: String,
        calendars: [(method: String, bytes: [UInt8])] = []
    ) -> String {
        var headers = [
            "From: " + mailbox(from),
            "To: " + mailbox(to, firstLineUsed: 4),
            "Subject: " + encodedWords(subject, firstLineUsed: 9),
            "Date: " + rfc5322Date(date),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
        ]
        let textPart = Part(contentType: "text/plain; charset=UTF-8", body: Array(crlf(text).utf8))
        guard !calendars.isEmpty else {
            headers += entityHeaders(textPart)
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + base64Lines(textPart.body)
        }
        let (outer, inner) = boundaries(messageID)
        func calendarPart(_ c: (method: String, bytes: [UInt8]), attachment: String?) -> Part {
            if let attachment {
                return Part(
                    contentType: "application/ics; name=\"\(attachment)\"", disposition: "attachment; filename=\"\(attachment)\"", body: c.bytes)
            }
            return Part(contentType: "text/calendar; method=\(c.method); charset=UTF-8", body: c.bytes)
        }
        let alternative = [textPart, calendarPart(calendars[0], attachment: nil)]
        var mixed: [String] = [multipart("alternative", boundary: inner, parts: alternative)]
        for c in calendars.dropFirst() {
            mixed.append(entity(calendarPart(c, attachment: nil)))
        }
        for (i, c) in calendars.enumerated() {
            mixed.append(entity(calendarPart(c, attachment: i == 0 ? "invite.ics" : "invite-\(i + 1).ics")))
        }
        headers.append("Content-Type: multipart/mixed; boundary=\"\(outer)\"")
        var body = "This is a multi-part message in MIME format.\r\n"
        for piece in mixed { body += "\r\n--\(outer)\r\n" + piece }
        body += "\r\n--\(outer)--\r\n"
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// The outer and inner boundaries of a message: from the Message-ID's local part, so that they differ from
    /// message to message, and at most 70 characters whatever the district's id and domain (RFC 2046, §5.1.1).
    static func boundaries(_ messageID: String) -> (outer: String, inner: String) {
        let local = messageID.split(separator: "@").first.map(String.init) ?? messageID
        let token = String(
            decoding: local.utf8.filter { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x2E
            }.prefix(50), as: UTF8.self)
        return ("=_reviewcal_\(token)_m", "=_reviewcal_\(token)_a")
    }

    /// A part's own headers.
    private static func entityHeaders(_ part: Part) -> [String] {
        ["Content-Type: " + part.contentType, "Content-Transfer-Encoding: base64"] + (part.disposition.map { ["Content-Disposition: " + $0] } ?? [])
    }

    /// A part with its headers and its body in base64.
    private static func entity(_ part: Part) -> String {
        entityHeaders(part).joined(separator: "\r\n") + "\r\n\r\n" + base64Lines(part.body)
    }

    /// A nested multipart entity.
    private static func multipart(_ subtype: String, boundary: String, parts: [Part]) -> String {
        var text = "Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"\r\n\r\n"
        for part in parts { text += "--\(boundary)\r\n" + entity(part) + "\r\n" }
        return text + "--\(boundary)--"
    }

    /// Base64 in lines of 76 characters, each ended by CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        // Foundation cuts the lines itself; walking the text by Character to cut them took most of a publish's
        // time with a province's messages.
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
    }

    /// `"Name" <address>`, the name as encoded words when it is not plain ASCII; the address on a line of its own
    /// when the last encoded word's line would grow past 76 characters with it. `firstLineUsed`: the characters of
    /// the header's first line before the mailbox (`From: ` is 6).
    static func mailbox(_ m: Mailbox, firstLineUsed: Int = 6) -> String {
        let name = m.name.filter { !$0.isNewline }
        if name.isEmpty { return "<\(m.address)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
        if plain { return "\"\(name)\" <\(m.address)>" }
        let words = encodedWords(name, firstLineUsed: firstLineUsed)
        let lines = words.components(separatedBy: "\r\n")
        let last = (lines.count == 1 ? firstLineUsed : 0) + (lines.last?.utf8.count ?? 0)
        return words + (last + 2 + m.address.utf8.count + 1 > maxEncodedLine ? "\r\n <" : " <") + m.address + ">"
    }

    /// The longest line that may hold an encoded word (RFC 2047, §2).
    static let maxEncodedLine = 76

    /// Text as RFC 2047 `B` encoded words, one per folded line, each line at most 76 characters: the first counting
    /// the `firstLineUsed` characters of the header before it (`Subject: ` is 9), the others their leading space.
    /// Plain ASCII that fits is left as it is. A character's bytes are never split between two words.
    static func encodedWords(_ text: String, firstLineUsed: Int) -> String {
        let clean = text.filter { !$0.isNewline }
        if clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) && clean.utf8.count + firstLineUsed <= 78 {
            return clean
        }
        // "=?UTF-8?B?" and "?=" take 12 characters; base64 turns each 3 bytes into 4 characters. A continuation line
        // (a space, then the word) holds 45 bytes; the first, after "Subject: ", 39.
        func capacity(_ used: Int) -> Int { max(4, (maxEncodedLine - used - 12) / 4 * 3) }
        func word(_ characters: ArraySlice<[UInt8]>) -> String { "=?UTF-8?B?" + Data(characters.joined()).base64EncodedString() + "?=" }
        var words: [String] = []
        var chunk: [[UInt8]] = []
        var size = 0
        var limit = capacity(firstLineUsed)
        for character in clean {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && size + bytes.count > limit {
                // A word ends after a space where one is near: a reader that wrongly keeps the folding white space
                // between encoded words then shows "Huyện  ủy", not "Huy ện ủy".
                var cut = chunk.count
                if let space = chunk.lastIndex(of: [0x20]), space > 0,
                    size - chunk[...space].reduce(0, { $0 + $1.count }) + bytes.count <= capacity(1)
                {
                    cut = space + 1
                }
                words.append(word(chunk[..<cut]))
                chunk = Array(chunk[cut...])
                size = chunk.reduce(0) { $0 + $1.count }
                limit = capacity(1)
            }
            chunk.append(bytes)
            size += bytes.count
        }
        if !chunk.isEmpty { words.append(word(chunk[...])) }
        return words.joined(separator: "\r\n ")
    }

    /// `Sun, 06 Dec 2026 17:09:15 +0700` in the campaign's zone.
    ///
    /// Computed from the zone's offset by arithmetic: a `DateFormatter` made for each message (ICU opens a formatter
    /// each time) took half of the time a province's publish spent queueing its messages.
    static func rfc5322Date(_ date: Date, zone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let second = Int(local - days * 86_400)
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (index 4 from Sunday)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(names[weekday]), \(two(day)) \(months[month - 1]) \(year) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) "
            + "\(sign)\(two(minutes / 60))\(two(minutes % 60))"
    }

    /// Line ends as CRLF.
    static func crlf(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 32)
        var afterCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D: out += [0x0D, 0x0A]
            case 0x0A where afterCR: break
            case 0x0A: out += [0x0D, 0x0A]
            default: out.append(byte)
            }
            afterCR = byte == 0x0D
        }
        return String(decoding: out, as: UTF8.self)
    }
}
