/// Every defect found in a district's configuration, thrown at once by ``ConfigLoader``.
public struct ConfigDefects: Error, Sendable, CustomStringConvertible {
    /// The defects, sorted by file, line and column; never empty when thrown.
    public var defects: [ConfigDefect]

    /// Collects defects, removing repeats and sorting them by file, line and column.
    public init(_ defects: [ConfigDefect]) {
        self.defects = Set(defects).sorted { ($0.file, $0.line, $0.column, $0.message) < ($1.file, $1.line, $1.column, $1.message) }
    }

    /// One defect per line, followed by a count.
    public var description: String {
        (defects.map(\.description) + [Self.total(defects.count)]).joined(separator: "\n")
    }

    /// The total of a list of defects: "Cấu hình có 3 lỗi."
    public static func total(_ count: Int) -> String {
        "Cấu hình có \(count) lỗi."
    }
}
