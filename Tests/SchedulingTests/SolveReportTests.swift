import Foundation
import Testing

@testable import Scheduling

/// What ``Solver/solveWithReport(_:options:)`` says of its solution.
@Suite struct SolveReportTests {
    /// Weeks the exact model proves: the bound is CBC's, and it is the score itself.
    @Test(arguments: ["small-18", "district-40", "oversubscribed-60"])
    func provenWeekHasItsScoreAsBound(_ name: String) throws {
        let problem = try Fixtures.instance(name)
        let optimum = try #require(try Fixtures.expected(name).optimal_score)
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 120))
        let report = result.report
        #expect(SolutionChecker.check(result.solution, against: problem) == [])
        #expect(report.score == result.solution.score)
        #expect(report.score == optimum)
        #expect(report.proven)
        #expect(report.bound == report.score)
        #expect(report.boundSource == .exactModel)
        #expect(report.seconds > 0)
    }

    @Test func statsLineIsOneJSONObject() throws {
        let report = SolveReport(seconds: 2.9134, score: 85410, bound: 85405, proven: false, boundSource: .exactModel)
        #expect(report.jsonLine == #"{"seconds": 2.913, "score": 85410, "bound": 85405, "proven": false}"#)
        #expect(SolveReport(seconds: 0.0004, score: 7, bound: 7, proven: true, boundSource: .perRequest).jsonLine
            == #"{"seconds": 0.000, "score": 7, "bound": 7, "proven": true}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.jsonLine.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["seconds", "score", "bound", "proven"])
    }
}
