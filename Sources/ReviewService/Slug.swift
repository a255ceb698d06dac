import Foundation

/// Readable ASCII names for URLs and files: "Nguyễn Văn Ân" → `nguyen-van-an`.
enum Slug {
    static func make(_ text: String) -> String {
        let replaced = text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
        let folded = replaced.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var out = ""
        for u in folded.unicodeScalars {
            if u.isASCII && (CharacterSet.alphanumerics.contains(u)) {
                out.unicodeScalars.append(u)
            } else if !out.hasSuffix("-") && !out.isEmpty {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "lich" : String(out.prefix(60))
    }
}
