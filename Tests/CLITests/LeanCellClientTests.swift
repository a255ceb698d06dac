import Foundation
import Testing

/// The cells' command links neither libical, CBC nor SQLite: `ldd` lists the shared libraries it loads, and its
/// symbol table shows no SQLite compiled in (sqlite-nio builds SQLite into the binary, so ldd alone would not see it).
/// The same checks on the office's `reviewcal` find all three, so the checks can tell.
@Suite struct LeanCellClientTests {
    static let forbidden = ["libical", "libCbc", "libCoinUtils", "libOsiClp", "libqrencode"]

    func libraries(_ binary: URL) throws -> [String] {
        let output = try Workspace().run(URL(fileURLWithPath: "/usr/bin/ldd"), [binary.path])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map { String($0.trimmingCharacters(in: .whitespaces)) } }
    }

    func sqliteSymbols(_ binary: URL) throws -> Int {
        let output = try Workspace().run(URL(fileURLWithPath: "/usr/bin/nm"), [binary.path])
        return output.stdout.split(separator: "\n").filter { $0.contains("sqlite3_open") }.count
    }

    @Test func theCellsCommandLinksOnlyTheClient() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let cell = try libraries(workspace.cellCommand)
        #expect(!cell.isEmpty)
        for name in Self.forbidden {
            #expect(!cell.contains { $0.hasPrefix(name) }, "reviewcal-cell links \(name): \(cell)")
        }
        #expect(!cell.contains { $0.contains("sqlite") })
        #expect(try sqliteSymbols(workspace.cellCommand) == 0)

        // The office's command has them all: the same checks see them.
        let office = try libraries(workspace.reviewcal)
        #expect(office.contains { $0.hasPrefix("libical") })
        #expect(office.contains { $0.hasPrefix("libCbc") })
        #expect(try sqliteSymbols(workspace.reviewcal) > 0)
    }

    @Test func theCellsCommandOffersOnlyTheCellsSubcommands() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let help = try workspace.cell("--help")
        #expect(help.status == 0)
        for command in ["login", "status", "register", "list", "show", "change", "withdraw"] {
            #expect(help.stdout.contains("  \(command) "), "\(command) missing from: \(help.stdout)")
        }
        for office in ["serve", "schedule", "export", "backup", "admin"] {
            #expect(!help.stdout.contains("  \(office) "), "\(office) offered to a cell")
        }
        let unknown = try workspace.cell("serve")
        #expect(unknown.status != 0)
    }
}
