/// One thing wrong in a district's configuration, at a file, line and column.
///
/// Printed the way compilers print theirs, `units.yaml:12:5: …`, with a Vietnamese message that names
/// what is wrong. A defect about a whole file (a missing or unreadable file) has line and column 0 and
/// prints as `units.yaml: …`.
public struct ConfigDefect: Sendable, Hashable, CustomStringConvertible {
    /// The file, relative to the configuration directory, e.g. `units.yaml` or `campaigns/2023.yaml`.
    public var file: String
    /// The line, from 1; 0 for the whole file.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars; 0 for the whole file.
    public var column: Int
    /// What is wrong, in Vietnamese.
    public var message: String

    /// Creates a defect.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, or `file: message` for the whole file.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
