internal import Yams

/// Where something was read: a file of the configuration, a line and a column.
struct ConfigPosition: Hashable {
    /// The file, relative to the configuration directory.
    let file: String
    /// The line, from 1; 0 for the whole file.
    let line: Int
    /// The column, from 1; 0 for the whole file.
    let column: Int

    /// A position in a file.
    init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The position of a YAML mark; the whole file when the mark is unknown.
    init(file: String, mark: Mark?) {
        self.init(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
    }

    /// The whole of a file.
    static func whole(_ file: String) -> ConfigPosition {
        ConfigPosition(file: file, line: 0, column: 0)
    }

    /// A defect at this position.
    func defect(_ message: String) -> ConfigDefect {
        ConfigDefect(file: file, line: line, column: column, message: message)
    }

    /// `dòng 4` in the same file as `other`, `units.yaml:4` otherwise: for "declared at" hints.
    func reference(from other: ConfigPosition) -> String {
        file == other.file ? "dòng \(line)" : "\(file):\(line)"
    }
}
