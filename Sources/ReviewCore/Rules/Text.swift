/// Checks on user-supplied text.
public enum Text {
    /// The first control or separator character that must not appear, described (`U+000A`), or nil.
    /// Newlines (LF) are allowed only when `allowNewlines`.
    public static func forbiddenCharacter(in s: String, allowNewlines: Bool) -> String? {
        for u in s.unicodeScalars {
            if allowNewlines && u == "\n" { continue }
            if u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}" {
                return "U+" + String(u.value, radix: 16, uppercase: true).leftPadded(to: 4)
            }
        }
        return nil
    }

    /// A value shortened for quoting in a message.
    public static func clip(_ s: String, _ n: Int = 40) -> String {
        let cleaned = String(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return cleaned.count > n ? String(cleaned.prefix(n)) + "…" : cleaned
    }

    /// Whether an identifier is lowercase ASCII letters, digits and hyphens.
    public static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

extension String {
    /// The text with its first letter upper-cased: "tuần 50/2026 …" at the head of a sentence.
    public var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }

    func leftPadded(to n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}
