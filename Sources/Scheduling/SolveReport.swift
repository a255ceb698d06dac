/// What ``Solver/solveWithReport(_:options:)`` returns: the solution, and what is known of it.
public struct SolveResult: Sendable {
    public var solution: Solution
    public var report: SolveReport

    public init(solution: Solution, report: SolveReport) {
        self.solution = solution
        self.report = report
    }
}

/// How one solve went: how long it took, the score it reached, the best lower bound it knows on the score of every
/// valid solution, and whether the score is proven optimal.
public struct SolveReport: Sendable, Equatable {
    /// Where ``bound`` comes from.
    public enum BoundSource: String, Sendable, Equatable {
        /// CBC's best bound on the whole week's integer program (pins fixed): the optimum itself once proven, else
        /// the relaxation tightened by cuts and branching so far. Weeks small enough for the exact model.
        case exactModel
        /// The pins' own score plus each other request's cheapest outcome on its own (its cheapest allowed option
        /// with its cheapest free member and a team of its bloc, or leaving it out, whichever costs less), ignoring
        /// every other request: weeks too large for the exact model, or whose model proved no better bound in time.
        case perRequest
    }

    /// Wall-clock seconds of the solve itself (compiling the instance, searching, writing the reasons), not of
    /// reading the problem or writing the solution.
    public var seconds: Double
    /// The solution's score.
    public var score: Int
    /// No valid solution scores less than this.
    public var bound: Int
    /// Whether no valid solution scores less than ``score``: the exact model proved it, or ``bound`` reaches it.
    public var proven: Bool
    /// Where ``bound`` comes from.
    public var boundSource: BoundSource
    /// How the solution differs from the problem's published week (``Problem/changes(in:)``); `nil` when the problem
    /// has no baseline.
    public var changes: BaselineChanges?

    public init(seconds: Double, score: Int, bound: Int, proven: Bool, boundSource: BoundSource, changes: BaselineChanges? = nil) {
        self.seconds = seconds
        self.score = score
        self.bound = bound
        self.proven = proven
        self.boundSource = boundSource
        self.changes = changes
    }

    /// One JSON object on one line, for `reviewcal solve --stats`:
    /// `{"seconds": 2.913, "score": 85410, "bound": 85410, "proven": true}` (seconds to the millisecond); with a
    /// published baseline, also the published sessions changed and the changes by kind, as `score_solution.py --json`
    /// names them: `"changedSessions": 6, "moved": 2, "memberChanged": 5, "teamChanged": 1, "dropped": 0`.
    public var jsonLine: String {
        let millis = Int((seconds * 1000).rounded())
        let fraction = String(millis % 1000)
        let secondsText = "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        var line = "{\"seconds\": \(secondsText), \"score\": \(score), \"bound\": \(bound), \"proven\": \(proven)"
        if let changes {
            line += ", \"changedSessions\": \(changes.changedSessions), \"moved\": \(changes.moved), \"memberChanged\": \(changes.memberChanged)"
            line += ", \"teamChanged\": \(changes.teamChanged), \"dropped\": \(changes.dropped)"
        }
        return line + "}"
    }
}
