import Dispatch

/// Solves the weekly scheduling problem: every hard rule holds, and the score is as low as the search finds.
///
/// The method (see docs/solver.md): pins first; then the requests every solution must schedule (predecessors of
/// pins), by a complete search; a greedy construction; then the whole week as an integer program solved to a proven
/// optimum by CBC when it is small enough (district weeks), else large neighbourhood search in which CBC re-places a
/// few hundred requests of one date optimally around all the others, until the time is up.
public enum Solver {
    /// The best solution found within `options.timeLimit`.
    ///
    /// `problem` must be valid (as ``ProblemReader`` returns it, or with no ``ProblemReader/defects(in:)``).
    /// - Throws: ``Infeasible`` when a pinned request's predecessors cannot all be placed before it.
    public static func solve(_ problem: Problem, options: SolverOptions = .init()) throws(Infeasible) -> Solution {
        // A tenth of the budget is kept for compiling the instance and writing the reasons, so the whole call ends in time.
        let deadline = Deadline(seconds: options.timeLimit * 0.9)
        let instance = Instance(problem)
        var engine = Engine(instance, seed: options.seed)
        engine.placePins()
        try engine.placeForced(deadline)
        engine.construct()
        // Weeks small enough for the exact model are solved to a proven optimum; larger ones go on with the exact
        // model on one date's requests at a time, from the best schedule found.
        if !engine.solveExactly(until: deadline) { engine.improveExactly(until: deadline) }
        return engine.solution()
    }
}

/// Up to this many columns the whole week goes to the exact model at once (province-500, 48 000 columns, is proven
/// optimal in about 5 s); above it, CBC would spend the whole budget on the root relaxation.
let exactColumnLimit = 100_000

/// The search state shared by the solver's phases.
struct Engine {
    let instance: Instance
    var schedule: Schedule
    var rng: RandomSource
    var undecided: [Bool]

    init(_ instance: Instance, seed: UInt64) {
        self.instance = instance
        schedule = Schedule(instance)
        rng = RandomSource(seed: seed)
        undecided = Array(repeating: false, count: instance.requestCount)
    }

    /// Pins are valid together (the reader checked them): they are placed as they are.
    mutating func placePins() {
        for r in 0..<instance.requestCount {
            if let pin = instance.pin[r] { schedule.assign(r, pin.option, pin.member, pin.team, instance) }
        }
    }

    /// Places the predecessors of pins, which no solution may leave out, by a complete search.
    mutating func placeForced(_ deadline: Deadline) throws(Infeasible) {
        let forced = (0..<instance.requestCount).filter { instance.forced[$0] && instance.pin[$0] == nil }
        guard !forced.isEmpty else { return }
        var search = SubsetSearch()
        if search.place(successorsFirst(forced), in: &schedule, instance, undecided: &undecided, rng: &rng, deadline: deadline) {
            return
        }
        throw Infeasible(reason: Explanations(instance: instance, schedule: schedule).infeasibility(forced: forced))
    }

    /// `requests` ordered so that every request comes before its predecessors.
    private func successorsFirst(_ requests: [Int]) -> [Int] {
        var visited = Set<Int>()
        var order: [Int] = []
        let members = Set(requests)
        func visit(_ r: Int) {
            guard visited.insert(r).inserted else { return }
            for p in instance.predecessors[r] where members.contains(p) { visit(p) }
            order.append(r)
        }
        for r in requests { visit(r) }
        return order.reversed()
    }

    /// Solves the whole week (pins fixed) with the exact model, from the current schedule, and keeps CBC's schedule
    /// when it is valid and no worse (optimal unless the deadline cut CBC short); `false` at once when the week is
    /// too big for the model.
    mutating func solveExactly(until deadline: Deadline) -> Bool {
        let free = (0..<instance.requestCount).map { instance.pin[$0] == nil }
        guard free.contains(true) else { return true }
        let fixed = schedule(without: free)
        guard let model = ExactModel(instance, around: fixed, free: free, columnLimit: exactColumnLimit) else { return false }
        reoptimise(model, around: fixed, seconds: deadline.remaining)
        return true
    }

    /// Large neighbourhood search with the exact model, for weeks too big to solve whole: a few hundred requests
    /// sharing a date are re-placed optimally around all others, the neighbourhood growing while CBC proves its
    /// optimum quickly and shrinking when it does not.
    mutating func improveExactly(until deadline: Deadline) {
        let days = instance.requestsByDay.indices.filter { !instance.requestsByDay[$0].isEmpty }
        guard !days.isEmpty else { return }
        var size = 200
        while deadline.remaining > 0.3 {
            var pool = instance.requestsByDay[days[rng.below(days.count)]].filter { instance.pin[$0] == nil }
            pool.shuffle(using: &rng)
            var free = [Bool](repeating: false, count: instance.requestCount)
            for r in pool.prefix(size) { free[r] = true }
            let started = DispatchTime.now().uptimeNanoseconds
            let fixed = schedule(without: free)
            guard let model = ExactModel(instance, around: fixed, free: free, columnLimit: .max) else { return }
            // CBC may overrun its limit while it solves the root LP: leave it well inside what is left.
            let proven = reoptimise(model, around: fixed, seconds: min(1.5, deadline.remaining * 0.6))
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            // Measured on province-2000: 400–500 requests of a date are proven optimal in 0.3–1 s.
            if proven && elapsed < 0.6 {
                size = min(size + size / 4, 500)
            } else if !proven || elapsed > 1.2 {
                size = max(40, size - size / 4)
            }
        }
    }

    /// The current schedule with the `free` requests taken out.
    private func schedule(without free: [Bool]) -> Schedule {
        var fixed = schedule
        for r in 0..<instance.requestCount where free[r] && fixed.isScheduled(r) { fixed.unassign(r, instance) }
        return fixed
    }

    /// Re-places the model's free requests optimally around `fixed` (the schedule without them) with CBC, in at
    /// most `seconds`, keeping the result when it is valid and no worse; returns whether CBC proved it optimal.
    @discardableResult
    private mutating func reoptimise(_ model: ExactModel, around fixed: Schedule, seconds: Double) -> Bool {
        guard let outcome = model.solve(seconds: seconds, start: schedule) else { return false }
        if let candidate = validSchedule(fixed, adding: outcome.placements, free: model.free), candidate.cost <= schedule.cost {
            schedule = candidate
        }
        return outcome.provenOptimal
    }

    /// `fixed` with the `free` requests placed as in `placements`, checked here rule by rule against the instance
    /// (the model is trusted for nothing); `nil` when one does not hold.
    private func validSchedule(_ fixed: Schedule, adding placements: [(option: Int, member: Int, team: Int)?], free: [Bool]) -> Schedule? {
        var candidate = fixed
        for r in 0..<instance.requestCount where free[r] {
            guard let (o, m, t) = placements[r] else { continue }
            guard instance.pin[r] == nil, instance.optionRequest[o] == r, instance.optionAllowed[o],
                instance.teamCandidates[o].contains(t), candidate.fits(t, o, instance)
            else { return nil }
            if m < 0 {
                guard !instance.needsMember[r] else { return nil }
            } else {
                guard instance.memberCandidates[o].contains(m), candidate.fits(m, o, instance) else { return nil }
            }
            candidate.assign(r, o, m, t, instance)
        }
        for r in 0..<instance.requestCount where candidate.isScheduled(r) {
            let start = instance.optionStart[candidate.option[r]]
            for p in instance.predecessors[r] {
                guard candidate.isScheduled(p), instance.optionEnd[candidate.option[p]] <= start else { return nil }
            }
        }
        return candidate
    }

    /// Greedy construction: predecessors first, the least flexible requests first, each at its cheapest placement.
    mutating func construct() {
        let flexibility = (0..<instance.requestCount).map { r in
            (instance.optionBase[r]..<instance.optionBase[r + 1]).filter { instance.optionAllowed[$0] }.reduce(0) {
                $0 + instance.teamCandidates[$1].count
            }
        }
        let byPriority = (0..<instance.requestCount).sorted {
            (-instance.unscheduledCost[$0], flexibility[$0], $0) < (-instance.unscheduledCost[$1], flexibility[$1], $1)
        }
        var visited = [Bool](repeating: false, count: instance.requestCount)
        var order: [Int] = []
        func visit(_ r: Int) {
            guard !visited[r] else { return }
            visited[r] = true
            for p in instance.predecessors[r] { visit(p) }
            order.append(r)
        }
        for r in byPriority { visit(r) }
        for r in order where !schedule.isScheduled(r) && instance.pin[r] == nil {
            if let best = cheapestPlacement(r), best.delta < 0 { schedule.assign(r, best.option, best.member, best.team, instance) }
        }
    }

    /// The cheapest placement of unscheduled request `r` that leaves every other request where it is.
    func cheapestPlacement(_ r: Int) -> (option: Int, member: Int, team: Int, delta: Int)? {
        var best: (option: Int, member: Int, team: Int, delta: Int)?
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
            guard schedule.orderAllows(r, o, instance, undecided: undecided),
                let t = instance.teamCandidates[o].first(where: { schedule.fits($0, o, instance) })
            else { continue }
            var members = instance.memberCandidates[o].filter { schedule.fits($0, o, instance) }
            if !instance.needsMember[r] { members.append(-1) }
            for m in members {
                let delta = schedule.delta(r, o, m, instance)
                if best == nil || delta < best!.delta { best = (o, m, t, delta) }
            }
        }
        return best
    }

    /// The solution document of the current schedule, with a reason for every unscheduled request.
    func solution() -> Solution {
        let problem = instance.problem
        var assignments: [Assignment] = []
        var unscheduled: [Unscheduled] = []
        let explanations = Explanations(instance: instance, schedule: schedule)
        for (r, request) in problem.requests.enumerated() {
            if schedule.isScheduled(r) {
                let m = schedule.member[r]
                assignments.append(
                    Assignment(
                        request: request.id, option: schedule.option[r] - instance.optionBase[r],
                        member: m >= 0 ? problem.members[m].id : nil,
                        team: problem.teams[schedule.team[r] - instance.memberCount].id))
            } else {
                unscheduled.append(Unscheduled(request: request.id, reason: explanations.reason(for: r)))
            }
        }
        return Solution(version: 1, assignments: assignments, unscheduled: unscheduled, score: schedule.cost)
    }
}
