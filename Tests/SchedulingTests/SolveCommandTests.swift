import Foundation
import Testing

@testable import Scheduling

/// `reviewcal solve`, run as a command when it is built beside the tests.
@Suite struct SolveCommandTests {
    /// `reviewcal solve --stats`, when the command is built beside the tests: one JSON line on standard error that
    /// agrees with the solution on standard output.
    @Test(.enabled(if: SolveCommandTests.command != nil)) func solveCommandPrintsItsStats() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/instances/district-40.json", withExtension: nil))
        let process = Process()
        process.executableURL = Self.command
        process.arguments = ["solve", url.path, "--stats"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let solutionData = output.fileHandleForReading.readDataToEndOfFile()
        let printed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = printed.split(separator: "\n")
        #expect(lines.count == 1)
        let stats = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        let solution = try JSONDecoder().decode(Solution.self, from: solutionData)
        #expect(stats["score"] as? Int == solution.score)
        #expect(stats["bound"] as? Int == solution.score)
        #expect(stats["proven"] as? Bool == true)
        #expect((stats["seconds"] as? Double).map { $0 >= 0 } == true)
    }

    static let command: URL? = {
        var folder = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("reviewcal")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }()
}
