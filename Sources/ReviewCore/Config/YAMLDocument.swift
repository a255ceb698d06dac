internal import Yams

/// Parses the text of one configuration file into a YAML node tree that keeps lines and columns.
enum YAMLDocument {
    /// The file's root node; nil, after reporting, when the text is not valid YAML or holds nothing.
    static func parse(_ text: String, file: String, log: DefectLog) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                log.add(.whole(file), "tệp trống")
                return nil
            }
            return root
        } catch let error as YamlError {
            log.add(defect(for: error, file: file, text: text))
        } catch {
            log.add(.whole(file), "không đọc được YAML: \(error)")
        }
        return nil
    }

    /// The defect describing a Yams error, at the line where the mistake is written.
    private static func defect(for error: YamlError, file: String, text: String) -> ConfigDefect {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            return ConfigPosition(file: file, mark: place(problem, at: mark, context: context)).defect("lỗi cú pháp YAML: \(explain(problem))")
        case .composer(_, let problem, let mark, _):
            return ConfigPosition(file: file, mark: mark).defect("lỗi cú pháp YAML: \(explain(problem))")
        case .reader(let problem, let offset, _, _):
            let position = offset.map { characterPosition(at: $0, in: text, file: file) } ?? ConfigPosition.whole(file)
            return position.defect("lỗi cú pháp YAML: \(explain(problem))")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigPosition(file: file, mark: context.mark).defect("trường \(keys) được ghi hai lần trong cùng một mục")
        default:
            return ConfigPosition.whole(file).defect("không đọc được YAML: \(error)")
        }
    }

    /// Where the mistake libyaml reports was made. Some are noticed later, where libyaml gives up: a key missing its ':'
    /// on the next line, quoted text left open at the end of the file, a `[ … ]` or `{ … }` left open where the next
    /// field begins. Its context then marks where the key, the quoted text or the list starts, which is where to look.
    private static func place(_ problem: String, at mark: Mark?, context: YamlError.Context?) -> Mark? {
        guard let context else { return mark }
        switch (context.text, problem) {
        case ("while scanning a simple key", _),
            ("while scanning a quoted scalar", "found unexpected end of stream"),
            ("while scanning a quoted scalar", "found unexpected document indicator"),
            ("while parsing a flow sequence", _),
            ("while parsing a flow mapping", _):
            return context.mark
        default:
            return mark
        }
    }

    /// libyaml's English problem with a Vietnamese explanation of the common ones.
    private static func explain(_ problem: String) -> String {
        let vietnamese: String? =
            switch problem {
            case "mapping values are not allowed in this context":
                "dấu ':' không hợp lệ ở đây (thiếu dấu cách sau ':' hoặc giá trị có ':' cần đặt trong ngoặc kép)"
            case "did not find expected key", "did not find expected '-' indicator":
                "thụt lề không khớp với các dòng trên"
            case "could not find expected ':'":
                "thiếu dấu ':' sau tên trường"
            case "found a tab character that violates indentation", "found a tab character where an indentation space is expected":
                "thụt lề bằng phím Tab; hãy dùng dấu cách"
            case "found character that cannot start any token":
                "ký tự không thể bắt đầu một giá trị (thụt lề bằng phím Tab? hãy dùng dấu cách)"
            case "found unexpected end of stream":
                "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép hoặc ngoặc đóng?)"
            case "did not find expected ',' or ']'":
                "thiếu dấu ',' hoặc ']' trong danh sách [ … ]"
            case "did not find expected ',' or '}'":
                "thiếu dấu ',' hoặc '}' trong bảng { … }"
            case "expected a single document in the stream", "but found another document":
                "tệp chỉ được có một tài liệu YAML (bỏ dòng '---' thừa)"
            case "found undefined alias":
                "bí danh '*…' chưa được định nghĩa"
            case "control characters are not allowed":
                "tệp có ký tự điều khiển không được phép"
            default:
                nil
            }
        return vietnamese.map { "\($0) [\(problem)]" } ?? problem
    }

    /// The line and column of the character at `offset` (counted in Swift characters, as Yams counts it).
    private static func characterPosition(at offset: Int, in text: String, file: String) -> ConfigPosition {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return ConfigPosition(file: file, line: line, column: column)
    }
}
