import Foundation

/// Finding a unit by a few words of its name the way a clerk types them: without accents, in any case, with any
/// spacing ("sen hong" finds "Chi bộ Sen Hồng").
public struct NameSearch: Sendable, Hashable {
    /// What was typed, trimmed, as the page shows it back.
    public let text: String
    private let words: [String]

    /// A search for `text`; nil when it holds no letter or digit to look for.
    public init?(_ text: String?) {
        let typed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let words = Self.fold(typed).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return nil }
        self.text = String(typed.prefix(100))
        self.words = words
    }

    /// Whether `name` contains every word typed, accents and case aside.
    public func matches(_ name: String) -> Bool {
        let folded = Self.fold(name)
        return words.allSatisfy { folded.contains($0) }
    }

    /// `text` in lower case without diacritics, "đ" read as "d".
    public static func fold(_ text: String) -> String {
        let lowered = text.lowercased().replacingOccurrences(of: "đ", with: "d")
        let decomposed = lowered.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !$0.properties.isDiacritic && $0.properties.generalCategory != .nonspacingMark }
        return String(String.UnicodeScalarView(decomposed))
    }
}
