/// Why a problem document is invalid (the CLI's exit 2): every defect found, each naming its JSON path.
public struct ProblemDefects: Error, CustomStringConvertible {
    /// One line per defect, like `requests[3].options[1].end: ends before it starts (…)`.
    public var defects: [String]

    /// The given defects.
    public init(defects: [String]) {
        self.defects = defects
    }

    /// The defects, one per line.
    public var description: String { defects.joined(separator: "\n") }
}
