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
    /// Threads the search runs on, 1 or 2 (`nil`: two when the process may run on two cores or more). With two, the
    /// exact model's proof and the neighbourhood search run side by side, and weeks too large for the exact model
    /// re-place two neighbourhoods at a time.
    public var threads: Int?

    /// Options; 10 seconds, seed 1, no step limit and the threads the machine offers by default.
    public init(timeLimit: Double = 10, seed: UInt64 = 1, maxSteps: Int? = nil, threads: Int? = nil) {
        self.timeLimit = timeLimit
        self.seed = seed
        self.maxSteps = maxSteps
        self.threads = threads
    }
}
