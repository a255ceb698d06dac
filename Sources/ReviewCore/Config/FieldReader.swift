import Foundation
internal import Yams

/// Reads the fields of one YAML mapping of a configuration file.
///
/// Every problem is logged at its line, prefixed with the entry it belongs to ("đơn vị 'db-tan-may': …"),
/// and reading goes on: a getter returns nil for a field it could not read, so that the caller can skip
/// the entry while the other defects of the file are still found.
struct FieldReader {
    /// The file being read.
    let file: String
    /// The entry as messages name it: "đơn vị 'db-tan-may'", or "đơn vị thứ 3" before its id is known.
    let subject: String
    /// Where the mapping starts.
    let position: ConfigPosition
    private let log: DefectLog
    private let values: [String: Node]

    /// Reads a mapping whose fields are `fields`, reporting unknown ones; nil, after reporting, when the node is no mapping.
    ///
    /// - Parameters:
    ///   - noun: what the entry is, e.g. "đơn vị"; its `id` field, when it has one, completes the subject.
    ///   - index: its place in its list, from 1, to name an entry whose id is unreadable.
    init?(_ node: Node, file: String, noun: String, index: Int? = nil, fields: [String], log: DefectLog) {
        self.file = file
        self.log = log
        position = ConfigPosition(file: file, mark: node.mark)
        let id = node.mapping?["id"]?.scalar.map(\.string).flatMap { Text.isIdentifier($0) ? $0 : nil }
        subject = id.map { "\(noun) '\($0)'" } ?? index.map { "\(noun) thứ \($0)" } ?? noun
        guard case .mapping(let mapping) = node else {
            let found = FieldReader.describe(node)
            log.add(position, "\(subject): phải là một bảng các trường dạng 'tên: giá trị', nhưng là \(found)")
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            let keyPosition = ConfigPosition(file: file, mark: key.mark)
            guard case .scalar(let name) = key else {
                log.add(keyPosition, "\(subject): tên trường phải là một chữ, nhưng là \(FieldReader.describe(key))")
                continue
            }
            if fields.contains(name.string) {
                values[name.string] = value
            } else if let guess = Suggestion.closest(to: name.string, among: fields) {
                log.add(keyPosition, "\(subject): trường không xác định '\(Text.clip(name.string))', có lẽ gõ nhầm '\(guess)'")
            } else {
                let known = fields.map { "'\($0)'" }.joined(separator: ", ")
                log.add(keyPosition, "\(subject): trường không xác định '\(Text.clip(name.string))' (các trường hợp lệ: \(known))")
            }
        }
        self.values = values
    }

    // MARK: Fields

    /// Whether a field is given and not null.
    func has(_ key: String) -> Bool {
        values[key].map { !FieldReader.isNull($0) } ?? false
    }

    /// Where a field's value is written; where the mapping starts when it is absent.
    func position(of key: String) -> ConfigPosition {
        values[key].map(position(of:)) ?? position
    }

    /// Where a node is written.
    func position(of node: Node) -> ConfigPosition {
        ConfigPosition(file: file, mark: node.mark)
    }

    /// A field's value; nil when absent or null, reported when `required`.
    func value(_ key: String, required: Bool = true) -> Node? {
        guard let node = values[key] else {
            if required { report(position, "thiếu trường bắt buộc '\(key)'") }
            return nil
        }
        if FieldReader.isNull(node) {
            if required { report(position(of: node), "trường '\(key)' để trống") }
            return nil
        }
        return node
    }

    /// Logs a defect about this entry.
    func report(_ at: ConfigPosition, _ message: String) {
        log.add(at, "\(subject): \(message)")
    }

    // MARK: Typed values

    /// A one-line text field, trimmed and in NFC.
    func text(_ key: String, required: Bool = true) -> String? {
        value(key, required: required).flatMap { text(of: $0, label: "trường '\(key)'") }
    }

    /// A node read as one line of text: a scalar, not blank, with no line break or control character.
    func text(of node: Node, label: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(position(of: node), "\(label) phải là một chữ, nhưng là \(FieldReader.describe(node))")
            return nil
        }
        let text = Text.nfc(Text.trimmed(scalar.string))
        if text.isEmpty {
            report(position(of: node), "\(label) để trống")
            return nil
        }
        if text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            report(position(of: node), "\(label) có ký tự xuống dòng; hãy viết trên một dòng")
            return nil
        }
        if let bad = Text.forbiddenCharacter(in: text, allowNewlines: false) {
            report(position(of: node), bad.isInvisible ? "\(label) có ký tự ẩn \(bad) (không nhìn thấy hoặc đổi chiều chữ); hãy xóa ký tự đó" : "\(label) có ký tự điều khiển \(bad); hãy xóa ký tự đó")
            return nil
        }
        return text
    }

    /// An id field: lowercase ASCII letters, digits and hyphens.
    func identifier(_ key: String) -> String? {
        value(key).flatMap { identifier(of: $0, label: "trường '\(key)'") }
    }

    /// A node read as an id.
    func identifier(of node: Node, label: String) -> String? {
        guard let text = text(of: node, label: label) else { return nil }
        guard Text.isIdentifier(text) else {
            report(
                position(of: node),
                "\(label): mã '\(Text.clip(text))' không hợp lệ; "
                    + "chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối, ví dụ 'xa-tan-may'"
            )
            return nil
        }
        return text
    }

    /// An integer field of at least `minimum`; `default` when absent (required when it has none).
    func integer(_ key: String, default fallback: Int? = nil, minimum: Int = 0) -> Int? {
        guard let node = value(key, required: fallback == nil) else { return fallback }
        guard let n = integer(of: node, label: "trường '\(key)'") else { return nil }
        guard n >= minimum else {
            let bound = minimum == 0 ? "không được âm" : "phải từ \(minimum) trở lên"
            report(position(of: node), "trường '\(key)' \(bound) (\(n))")
            return nil
        }
        return n
    }

    /// A node read as a whole number written in decimal.
    func integer(of node: Node, label: String) -> Int? {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            let digits = scalar.string.first.map { "+-".contains($0) } == true ? scalar.string.dropFirst() : Substring(scalar.string)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(scalar.string) {
                return n
            }
        }
        report(position(of: node), "\(label) phải là một số nguyên, ví dụ 2, nhưng là \(FieldReader.describe(node))")
        return nil
    }

    /// A `true` or `false` field; `default` when absent.
    func boolean(_ key: String, default fallback: Bool) -> Bool? {
        guard let node = value(key, required: false) else { return fallback }
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            switch scalar.string.lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        report(position(of: node), "trường '\(key)' phải là true hoặc false, nhưng là \(FieldReader.describe(node))")
        return nil
    }

    /// A date field, `YYYY-MM-DD`.
    func date(_ key: String) -> LocalDate? {
        value(key).flatMap { date(of: $0, label: "trường '\(key)'") }
    }

    /// A node read as a date, `YYYY-MM-DD`.
    func date(of node: Node, label: String) -> LocalDate? {
        guard let text = text(of: node, label: label) else { return nil }
        guard let date = LocalDate(iso: text) else {
            report(position(of: node), "\(label): ngày '\(Text.clip(text))' không hợp lệ (cần dạng YYYY-MM-DD, ví dụ 2023-12-20)")
            return nil
        }
        return date
    }

    /// A time-of-day field, `HH:MM`.
    func time(_ key: String) -> LocalTime? {
        guard let node = value(key), let text = text(of: node, label: "trường '\(key)'") else { return nil }
        guard let time = LocalTime(text: text) else {
            report(position(of: node), "trường '\(key)': giờ '\(Text.clip(text))' không hợp lệ (cần dạng HH:MM, ví dụ 15:00)")
            return nil
        }
        return time
    }

    /// A list field's items; empty when an optional one is absent, nil when it is no list.
    func list(_ key: String, required: Bool = true) -> [Node]? {
        guard let node = value(key, required: required) else { return required ? nil : [] }
        guard case .sequence(let sequence) = node else {
            report(
                position(of: node),
                "trường '\(key)' phải là một danh sách, ví dụ [a, b] hoặc các dòng '- a', nhưng là \(FieldReader.describe(node))"
            )
            return nil
        }
        return Array(sequence)
    }

    /// A nested mapping field, read with its own fields.
    func nested(_ key: String, noun: String, fields: [String], required: Bool = true) -> FieldReader? {
        value(key, required: required).flatMap { FieldReader($0, file: file, noun: noun, fields: fields, log: log) }
    }

    // MARK: Helpers

    /// Whether a node is YAML's null: an empty value, `~` or `null`.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A node as messages quote it: its text, or what kind of node it is.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): isNull(node) ? "trống" : "'\(Text.clip(scalar.string))'"
        case .sequence: "một danh sách"
        case .mapping: "một bảng các trường"
        case .alias: "một bí danh YAML"
        }
    }
}
