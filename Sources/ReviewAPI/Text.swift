import Foundation

/// Checks on user-supplied text.
public enum Text {
    /// A character that no stored text may contain.
    public struct ForbiddenCharacter: Sendable, Hashable, CustomStringConvertible {
        /// The character.
        public var scalar: Unicode.Scalar
        /// A format character (Unicode category Cf): zero-width spaces and joiners, direction marks, embeddings and
        /// isolates (U+202A–U+202E, U+2066–U+2069), the byte-order mark, the soft hyphen. Invisible on screen, they
        /// make two equal-looking names differ or make text read in another order.
        public var isInvisible: Bool { scalar.properties.generalCategory == .format }
        /// `U+202E`.
        public var codePoint: String { "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) }
        /// The error code: `invisible-character` or `control-character`.
        public var code: ErrorCode { isInvisible ? .invisibleCharacter : .controlCharacter }
        /// `U+202E`, as older messages quote it.
        public var description: String { codePoint }

        /// The refusal, naming the field by its `label` (e.g. "Người liên hệ").
        public func message(field label: String) -> String {
            if isInvisible {
                return "\(label) chứa ký tự ẩn \(codePoint) (ký tự không nhìn thấy hoặc đổi chiều chữ, thường lẫn vào khi sao chép). Xóa ký tự đó hoặc gõ lại."
            }
            return "\(label) chứa ký tự điều khiển \(codePoint) (xuống dòng, tab…). Viết trên một dòng, không dùng ký tự điều khiển."
        }
    }

    /// The first character that must not appear in stored text, or nil: control characters, line and paragraph
    /// separators and every format character (invisible and direction-changing ones). Newlines (LF) are allowed
    /// only when `allowNewlines`.
    public static func forbiddenCharacter(in s: String, allowNewlines: Bool) -> ForbiddenCharacter? {
        for u in s.unicodeScalars {
            if u.value < 0x80 {
                if u.value >= 0x20 && u.value != 0x7F { continue }
                if allowNewlines && u == "\n" { continue }
                return ForbiddenCharacter(scalar: u)
            }
            let category = u.properties.generalCategory
            if category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator {
                return ForbiddenCharacter(scalar: u)
            }
        }
        return nil
    }

    /// Text without leading and trailing white space (Unicode's White_Space property). Unlike Foundation's character
    /// sets this keeps invisible format characters such as U+200B at the ends, so that they are refused, not hidden.
    /// Line breaks at the ends are trimmed only when `newlines`; otherwise they stay, to be refused.
    public static func trimmed(_ s: String, newlines: Bool = false) -> String {
        let scalars = s.unicodeScalars
        func blank(_ u: Unicode.Scalar) -> Bool {
            guard u.properties.isWhitespace else { return false }
            return newlines || !["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(u)
        }
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// Text in NFC (Unicode canonical composition), through Foundation's public API.
    public static func nfc(_ s: String) -> String { s.precomposedStringWithCanonicalMapping }

    /// A value shortened for quoting in a message.
    public static func clip(_ s: String, _ n: Int = 40) -> String {
        let cleaned = String(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return cleaned.count > n ? String(cleaned.prefix(n)) + "…" : cleaned
    }

    /// Longest e-mail address accepted (RFC 5321's limit on a path).
    public static let maxEmailLength = 254

    /// Why `s` is not an e-mail address this software sends to, or nil when it is one: `local@domain`, the local part of
    /// ASCII letters, digits and `.!#$%&'*+/=?^_`{|}~-` (no quoting, no dot at either end or twice in a row), the domain
    /// of at least two dot-separated labels of letters, digits and hyphens. Nothing that could end a mail header.
    public static func emailProblem(_ s: String) -> String? {
        if s.count > maxEmailLength { return "dài \(s.count) ký tự, tối đa \(maxEmailLength)" }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return "cần đúng một dấu @ giữa tên và tên miền, ví dụ vanphong@example.vn" }
        let local = parts[0], domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.count <= 64, local.allSatisfy({ localAllowed.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return "phần trước dấu @ chỉ gồm chữ không dấu, chữ số và . _ + -"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { labelAllowed.contains($0) } && !$0.hasPrefix("-") && !$0.hasSuffix("-") })
        else { return "tên miền sau dấu @ không hợp lệ (ví dụ example.vn)" }
        return nil
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
