/// Comma- or semicolon-separated text that Excel and LibreOffice open with Vietnamese intact: UTF-8 with a byte
/// order mark, CRLF line ends, fields quoted when needed (RFC 4180), and formulas defused.
public struct CSVText: Sendable {
    /// The field separator.
    public enum Separator: String, Sendable, CaseIterable {
        /// `,` (RFC 4180; LibreOffice, and Excel with English regional settings).
        case comma = ","
        /// `;` (Excel with Vietnamese regional settings, where the comma is the decimal sign).
        case semicolon = ";"
    }

    /// The separator.
    public let separator: Separator
    private var lines: [String] = []

    /// An empty table.
    public init(separator: Separator = .comma) {
        self.separator = separator
    }

    /// Appends a row.
    public mutating func append(_ fields: [String]) {
        lines.append(fields.map(quoted).joined(separator: separator.rawValue))
    }

    /// The file's bytes: BOM, then the rows, each ended by CRLF.
    public var bytes: [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array(lines.map { $0 + "\r\n" }.joined().utf8)
    }

    private func quoted(_ raw: String) -> String {
        var field = raw
        // A cell that starts like a formula would run as one in a spreadsheet: shown as text instead.
        if let first = field.unicodeScalars.first, "=@\t\r".unicodeScalars.contains(first)
            || ("+-".unicodeScalars.contains(first) && Double(field) == nil)
        {
            field = "'" + field
        }
        guard field.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || String($0) == separator.rawValue || $0 == "," || $0 == ";" })
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
