import Foundation
import Testing

/// The layers of docs/architecture.md hold: every `import` in a module's sources is one the table allows.
@Suite struct ArchitectureTests {
    /// Modules of the toolchain, allowed everywhere.
    static let standard: Set<String> = ["Foundation", "FoundationNetworking", "FoundationEssentials", "Dispatch", "Synchronization", "Glibc", "Darwin"]

    /// The table's rows: module → (folder, allowed imports).
    static func table(_ markdown: String) -> [String: (folder: String, allowed: Set<String>)] {
        var rows: [String: (String, Set<String>)] = [:]
        for line in markdown.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[2].hasPrefix("Sources/") else { continue }
            let module = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let allowed = cells[3].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { $0 != "—" && !$0.isEmpty }
            rows[module] = (cells[2], Set(allowed))
        }
        return rows
    }

    /// The modules a Swift file imports, whatever the attribute or access level in front of `import`.
    static func imports(_ source: String) -> [String] {
        source.split(separator: "\n").compactMap { line -> String? in
            let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                words[..<at].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "private", "fileprivate", "package"].contains($0) })
            else { return nil }
            var name = String(words[at + 1])
            if ["struct", "class", "enum", "func", "var", "let", "protocol"].contains(name), at + 2 < words.count { name = String(words[at + 2]) }
            return String(name.split(separator: ".").first ?? Substring(name))
        }
    }

    @Test func everyModuleImportsOnlyWhatTheArchitectureAllows() throws {
        let root = Workspace.repoRoot
        let doc = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let rows = Self.table(doc)
        #expect(rows.count >= 12, "the table lists the modules: \(rows.keys.sorted())")
        for (module, row) in rows {
            let folder = root.appendingPathComponent(row.folder)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else {
                Issue.record("\(module): \(row.folder) does not exist")
                continue
            }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for name in Self.imports(text) where !Self.standard.contains(name) && name != module {
                    #expect(row.allowed.contains(name), "\(row.folder)/\(file) imports \(name), which docs/architecture.md does not allow \(module)")
                }
            }
        }
    }

    @Test func theReaderSeesEveryFormOfImport() {
        let text = """
            import Foundation
            @testable import ReviewCore
            public import Scheduling
            @_exported import ReviewTime
            internal import CCbc
            import struct NIOCore.ByteBuffer
            let x = 1 // import Nothing
            """
        #expect(Self.imports(text) == ["Foundation", "ReviewCore", "Scheduling", "ReviewTime", "CCbc", "NIOCore"])
        let rows = Self.table("| `A` | Sources/A | `B`, `C` |\n| `D` | Sources/D | — |\n| `x` | y | z |")
        #expect(rows["A"]?.allowed == ["B", "C"])
        #expect(rows["D"]?.allowed == [])
        #expect(rows["x"] == nil)
    }
}
