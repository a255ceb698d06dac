import Foundation
internal import Yams

/// What `reviewcal config check` finds in a configuration directory, with each finding placed beside the entry it
/// concerns: the office's page of the district shows them next to the unit, member or team they are about.
public struct ConfigReport: Sendable {
    /// The configuration, when it has no defect.
    public var district: District?
    /// Every defect, sorted by file and line.
    public var defects: [ConfigDefect]
    /// The lines each listed entry spans: `file` → (entry id, first line, last line), in file order.
    public var entries: [String: [(id: String, lines: ClosedRange<Int>)]]

    /// Reads and checks a configuration directory, keeping every defect.
    public static func check(directory: URL) -> ConfigReport {
        var report = ConfigReport(district: nil, defects: [], entries: [:])
        do {
            report.district = try ConfigLoader.load(directory: directory)
        } catch {
            report.defects = error.defects
        }
        for (file, text) in ConfigLoader.readDirectory(directory).files {
            guard let root = try? Yams.compose(yaml: text) else { continue }
            var items: [Node] = []
            if case .sequence(let list) = root {
                items = Array(list)
            } else if case .mapping(let map) = root {
                // locations.yaml keeps its entries under `locations:`; a campaign lists its `deadlines:`.
                for (key, value) in map {
                    if case .sequence(let list) = value, ["locations", "deadlines"].contains(key.string ?? "") { items += Array(list) }
                }
            }
            report.entries[file] = items.compactMap { item in
                guard case .mapping(let map) = item, let id = map["id"]?.string, let first = item.mark?.line else { return nil }
                return (id, first...max(first, lastLine(of: item)))
            }
        }
        return report
    }

    /// The number of defects, as `reviewcal config check` ends its list: "Cấu hình có 3 lỗi."
    public var total: String {
        ConfigDefects.total(defects.count)
    }

    /// What `reviewcal config check` prints when the configuration has defects: each one on its line,
    /// `units.yaml:12:5: …`, sorted by file and line, then the total once.
    public var printed: String {
        ConfigDefects(defects).description
    }

    /// The defects inside entry `id` of `file`.
    public func defects(file: String, id: String) -> [ConfigDefect] {
        guard let lines = entries[file]?.first(where: { $0.id == id })?.lines else { return [] }
        return defects.filter { $0.file == file && lines.contains($0.line) }
    }

    /// The defects of `file` outside its listed entries (whole-file ones, fields of the district or campaign).
    public func defects(outsideEntriesOf file: String) -> [ConfigDefect] {
        let spans = entries[file]?.map(\.lines) ?? []
        return defects.filter { d in d.file == file && !spans.contains { $0.contains(d.line) } }
    }

    /// The last line any part of a node is on.
    private static func lastLine(of node: Node) -> Int {
        var last = node.mark?.line ?? 0
        switch node {
        case .mapping(let map):
            for (key, value) in map { last = max(last, lastLine(of: key), lastLine(of: value)) }
        case .sequence(let list):
            for child in list { last = max(last, lastLine(of: child)) }
        default:
            break
        }
        return last
    }
}
