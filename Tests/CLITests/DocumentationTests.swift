import Foundation
import Testing

/// The documentation names only files that exist: every repository path in README.md, docs/ and deploy/ (a
/// `Sources/…`, `Tests/…`, `scripts/…`, `docs/…`, `deploy/…`, `config/…` or `Benchmarks/…` path) is in the tree.
@Suite struct DocumentationTests {
    static let roots = ["Sources", "Tests", "scripts", "docs", "deploy", "config", "Benchmarks", ".ci"]

    /// The repository paths a Markdown text names, with their line numbers (globs and placeholders left out).
    static func paths(in text: String) -> [(line: Int, path: String)] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-@")
        var found: [(Int, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let characters = Array(line)
            var index = 0
            while index < characters.count {
                let startsWord = index == 0 || !allowed.contains(characters[index - 1])
                if startsWord, let root = roots.first(where: { root in
                    let end = index + root.count + 1
                    return end <= characters.count && String(characters[index..<end]) == root + "/"
                }) {
                    var end = index + root.count + 1
                    while end < characters.count, allowed.contains(characters[end]) { end += 1 }
                    var path = String(characters[index..<end])
                    while path.hasSuffix(".") || path.hasSuffix("-") { path.removeLast() }
                    let next = end < characters.count ? characters[end] : " "
                    if next != "*" && next != "{" && next != "<" && !path.hasSuffix("/") { found.append((number + 1, path)) }
                    index = end
                } else {
                    index += 1
                }
            }
        }
        return found
    }

    @Test func everyPathTheDocsNameExists() throws {
        let root = Workspace.repoRoot
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path).filter { $0.hasSuffix(".md") }
            .map { "docs/\($0)" }
        var checked = 0
        for file in ["README.md"] + docs {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for (line, path) in Self.paths(in: text) {
                checked += 1
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "\(file):\(line) names \(path), which does not exist")
            }
        }
        #expect(checked > 20, "the docs name repository files; only \(checked) found")
    }

    @Test func theCheckFindsAMissingPath() {
        let found = Self.paths(in: "See `scripts/test.sh` and scripts/nothing-here.sh, not deploy/systemd/reviewcal-backup.* or Sources/{A,B}.")
        #expect(found.map(\.path) == ["scripts/test.sh", "scripts/nothing-here.sh"])
    }
}
