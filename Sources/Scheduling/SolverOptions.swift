/// How long and with which random stream ``Solver`` searches.
public struct SolverOptions: Sendable {
    /// Wall-clock budget in seconds; the search returns the best solution found when it runs out.
    public var timeLimit: Double
    /// Seed of the search's random choices: the same problem and seed give the same solution (unless the time
    /// limit cuts the search short).
    public var seed: UInt64

    /// Options; 10 seconds and seed 1 by default.
    public init(timeLimit: Double = 10, seed: UInt64 = 1) {
        self.timeLimit = timeLimit
        self.seed = seed
    }
}
