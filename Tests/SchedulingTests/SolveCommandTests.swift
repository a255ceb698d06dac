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

    /// With a published baseline, the line also counts the published sessions the solution changed, by kind, as the
    /// solution itself gives them.
    @Test(.enabled(if: SolveCommandTests.command != nil)) func solveCommandCountsTheChangesOfARepair() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/repair/repair-district-60.json", withExtension: nil))
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
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
        let problem = try ProblemReader.read(Data(contentsOf: url))
        let solution = try JSONDecoder().decode(Solution.self, from: solutionData)
        let changes = problem.changes(in: solution)
        #expect(stats["score"] as? Int == solution.score)
        #expect(solution.score == SolutionChecker.score(solution, problem))
        #expect(stats["changedSessions"] as? Int == changes.changedSessions)
        #expect(changes.changedSessions == 2)
        for kind in BaselineChange.Kind.allCases {
            let key = ["time": "moved", "member": "memberChanged", "team": "teamChanged", "dropped": "dropped"][kind.rawValue]!
            #expect(stats[key] as? Int == changes.count(kind), "\(key)")
        }
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
