/// Collects the defects found while reading one configuration, so that all of them are reported at once.
final class DefectLog {
    /// The defects so far, in the order found.
    private(set) var defects: [ConfigDefect] = []

    /// Records a defect.
    func add(_ defect: ConfigDefect) {
        defects.append(defect)
    }

    /// Records a defect at a position.
    func add(_ position: ConfigPosition, _ message: String) {
        defects.append(position.defect(message))
    }

    /// Whether nothing is wrong so far.
    var isEmpty: Bool { defects.isEmpty }
}
