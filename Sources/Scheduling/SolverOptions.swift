/// How long and with which random stream ``Solver`` searches.
public struct SolverOptions: Sendable {
    /// Wall-clock budget in seconds; the search returns the best solution found when it runs out.
    public var timeLimit: Double
    /// Seed of the search's random choices: the same problem and seed give the same solution unless the time limit
    /// cuts the search short. Weeks the exact model proves are always the same; on larger weeks the neighbourhood
    /// search runs until the time limit, so its last steps depend on the machine's speed unless `maxSteps` bounds it.
    public var seed: UInt64
    /// At most this many neighbourhoods re-placed on weeks too large for the exact model (`nil`: until the time limit).
    public var maxSteps: Int?

    /// Options; 10 seconds, seed 1 and no step limit by default.
    public init(timeLimit: Double = 10, seed: UInt64 = 1, maxSteps: Int? = nil) {
        self.timeLimit = timeLimit
        self.seed = seed
        self.maxSteps = maxSteps
    }
}
