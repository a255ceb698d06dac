import Dispatch

/// Solves the weekly scheduling problem: every hard rule holds, and the score is as low as the search finds.
///
/// The method (see docs/solver.md): pins first; then the requests every solution must schedule (predecessors of
/// pins), by a complete search; a greedy construction; then the whole week as an integer program solved to a proven
/// optimum by CBC when it is small enough (district and province-500 weeks), while on the second core a large
/// neighbourhood search improves the greedy schedule in case the proof does not finish in time; weeks too large
/// for the whole model get the neighbourhood search alone, two neighbourhoods at a time, until the time is up.
/// A repair (a problem with a ``Problem/published`` week) is the same search with the baseline's terms in the score,
/// starting from the published week as far as it still fits.
public enum Solver {
    /// The best solution found within `options.timeLimit`.
    ///
    /// `problem` must be valid (as ``ProblemReader`` returns it, or with no ``Problem/defects()``).
    /// - Throws: ``Infeasible`` when a pinned request's predecessors cannot all be placed before it.
    public static func solve(_ problem: Problem, options: SolverOptions = .init()) throws(Infeasible) -> Solution {
        try solveWithReport(problem, options: options).solution
    }

    /// The best solution found within `options.timeLimit`, with how long the search took, the best lower bound it
    /// knows on the score of any valid solution, and whether the solution is proven optimal (``SolveReport``).
    ///
    /// - Throws: ``Infeasible`` when a pinned request's predecessors cannot all be placed before it.
    public static func solveWithReport(_ problem: Problem, options: SolverOptions = .init()) throws(Infeasible) -> SolveResult {
        try solveWithReport(problem, options: options, wholeWeekColumnLimit: exactColumnLimit)
    }

    /// ``solveWithReport(_:options:)`` with weeks of more than `wholeWeekColumnLimit` columns left to the
    /// neighbourhood search.
    static func solveWithReport(_ problem: Problem, options: SolverOptions, wholeWeekColumnLimit: Int) throws(Infeasible) -> SolveResult {
        let started = DispatchTime.now().uptimeNanoseconds
        // A tenth of the budget is kept for compiling the instance and writing the reasons, so the whole call ends in time.
        let deadline = Deadline(seconds: options.timeLimit * 0.9)
        let instance = Instance(problem)
        var engine = Engine(instance, seed: options.seed)
        engine.wholeWeekColumnLimit = wholeWeekColumnLimit
        let perRequestBound = try engine.start(deadline)
        let exact = engine.search(until: deadline, options: options)
        return engine.result(started: started, perRequestBound: perRequestBound, exact: exact)
    }

    /// The least-score solution, then up to `count − 1` further ones, each the least score (as far as the search can
    /// prove it) among the solutions that are another alternative than every earlier one. With a ``Problem/published``
    /// baseline, another kind of repair: a solution lacking at least one of the earlier one's changes, counted by
    /// request and kind (a new time, member or team, or dropped; ``Problem/changes(in:)``), so that after "another
    /// member attends" comes "the session moves", not the same swap with yet another member; without a baseline,
    /// another assignment of some request.
    ///
    /// Each result's report gives its score, a lower bound and whether it is proven least under its exclusions. Scores
    /// never decrease along the list. The list stops early when no further solution exists, or when an alternative
    /// cannot be excluded (one with no change at all from the published week, or whose only changes are pins).
    /// On a week the exact model takes, every exclusion is a row of the integer program over the columns of the
    /// requests the earlier solution changed; on larger weeks, the neighbourhood search keeps to the same rows and its
    /// results are not proven. `options.timeLimit` is the budget of the whole call: the first solution gets half of it
    /// (or its share, when `count` is larger), each later one its share of what is left.
    ///
    /// - Throws: ``Infeasible`` when a pinned request's predecessors cannot all be placed before it.
    public static func alternatives(_ problem: Problem, count: Int, options: SolverOptions = .init()) throws(Infeasible) -> [SolveResult] {
        try alternatives(problem, count: count, options: options, wholeWeekColumnLimit: exactColumnLimit)
    }

    /// ``alternatives(_:count:options:)`` with weeks of more than `wholeWeekColumnLimit` columns left to the
    /// neighbourhood search.
    static func alternatives(_ problem: Problem, count: Int, options: SolverOptions, wholeWeekColumnLimit: Int) throws(Infeasible) -> [SolveResult] {
        guard count > 0 else { return [] }
        var started = DispatchTime.now().uptimeNanoseconds
        let overall = Deadline(seconds: options.timeLimit * 0.9)
        let instance = Instance(problem)
        var base = Engine(instance, seed: options.seed)
        base.wholeWeekColumnLimit = wholeWeekColumnLimit
        let perRequestBound = try base.start(overall)
        var results: [SolveResult] = []
        var exclusions: [Exclusion] = []
        var previous: Schedule?
        for k in 0..<count {
            let share = k == 0 ? max(0.5, 1 / Double(count)) : 1 / Double(count - k)
            let deadline = Deadline(seconds: overall.remaining * share)
            var engine = base
            engine.exclusions = exclusions
            if let previous { engine.leave(previous) }
            let exact = engine.search(until: deadline, options: options)
            guard engine.satisfiesExclusions(engine.schedule) else { break }
            results.append(engine.result(started: started, perRequestBound: perRequestBound, exact: exact))
            started = DispatchTime.now().uptimeNanoseconds
            guard k + 1 < count, let exclusion = engine.exclusion() else { break }
            exclusions.append(exclusion)
            previous = engine.schedule
            if overall.hasPassed { break }
        }
        // Proven alternatives come in order of score; a later one that the search could not prove may beat an earlier
        // one, which it also differs from: the list is kept in order of score.
        return results.enumerated().sorted { ($0.element.solution.score, $0.offset) < ($1.element.solution.score, $1.offset) }.map(\.element)
    }
}

extension Solver {
    /// A lower bound on the score of every valid solution: the whole week's integer program (pins fixed) relaxed and
    /// tightened by CBC's cuts at the root, in at most `seconds`; `nil` when that does not finish. Benchmarks use it to
    /// say how far a week too large to prove is from its optimum.
    public static func lowerBound(_ problem: Problem, seconds: Double) -> Int? {
        let deadline = Deadline(seconds: seconds)
        let instance = Instance(problem)
        var engine = Engine(instance, seed: 1)
        engine.placePins()
        let pinsOnly = engine.schedule
        // A complete schedule to start CBC from, as in ``solve(_:options:)``.
        guard (try? engine.placeForced(deadline)) != nil else { return nil }
        engine.construct()
        let free = (0..<instance.requestCount).map { instance.pin[$0] == nil }
        guard let model = ExactModel(instance, around: pinsOnly, free: free, columnLimit: .max),
            let outcome = model.solve(seconds: deadline.remaining, nodeLimit: 0, start: engine.schedule)
        else { return nil }
        return outcome.scoreBound(around: pinsOnly)
    }
}

/// Up to this many columns the whole week goes to the exact model at once (province-500, 48 000 columns, is proven
/// optimal in 2.4–3.3 s); above it, CBC would spend the whole budget on the root relaxation.
let exactColumnLimit = 100_000

/// Branch-and-bound nodes CBC may spend on one neighbourhood: the neighbourhoods of province-2000 are proven within
/// a few dozen; one that needs more is too big, and the next is made smaller.
let lnsNodeLimit = 200
/// Requests re-placed in one neighbourhood at first: on the province weeks (2,000 requests), 60 gave the best score
/// in 10 s of the sizes tried from 20 to 250 (docs/solver.md).
let lnsStartSize = 60
/// Steps in a row without a better schedule before the neighbourhood grows by a quarter.
let lnsPatience = 30

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

    /// Weeks with more columns than this go to the neighbourhood search (``exactColumnLimit``; the tests lower it to
    /// take that path on small weeks).
    var wholeWeekColumnLimit = exactColumnLimit

    /// Earlier solutions the schedule must differ from (``Solver/alternatives(_:count:options:)``): every schedule kept
    /// differs from each on at least one of its requests.
    var exclusions: [Exclusion] = []

    /// The complete valid schedule the search starts from: pins, the requests every solution must schedule, the
    /// published week as far as it still fits, then the greedy construction. Returns the per-request lower bound.
    mutating func start(_ deadline: Deadline) throws(Infeasible) -> Int {
        placePins()
        let bound = perRequestBound()
        try placeForced(deadline)
        placePublished()
        construct()
        return bound
    }

    /// The exact model of the whole week when it is small enough (its proof beside the neighbourhood search on two
    /// threads), else the neighbourhood search alone; `nil` when the week was too large for the exact model.
    mutating func search(until deadline: Deadline, options: SolverOptions) -> WholeWeek? {
        let workers = max(1, min(options.threads ?? availableCores, 2))
        // Weeks small enough for the exact model are solved to a proven optimum; larger ones get the neighbourhood
        // search, in which CBC re-places a few dozen requests at a time optimally around all the others.
        let exact = solveWholeWeek(until: deadline, workers: workers, maxSteps: options.maxSteps)
        if exact == nil { improveExactly(until: deadline, maxSteps: options.maxSteps, workers: workers) }
        return exact
    }

    /// The solution of the current schedule and its report.
    func result(started: UInt64, perRequestBound: Int, exact: WholeWeek?) -> SolveResult {
        let solution = solution()
        let bound = max(perRequestBound, exact?.bound ?? perRequestBound)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let report = SolveReport(
            seconds: seconds, score: solution.score, bound: bound, proven: exact?.proven == true || bound >= solution.score,
            boundSource: exact?.bound.map { $0 >= perRequestBound } == true ? .exactModel : .perRequest,
            changes: instance.hasBaseline ? instance.problem.changes(in: solution) : nil)
        return SolveResult(solution: solution, report: report)
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

    /// Places every published session that still fits as it was published (its option allowed, its member and team
    /// candidates and free, its predecessors placed before it), predecessors first, so that the search starts from the
    /// published week and every session the disruption left alone stays where it is.
    mutating func placePublished() {
        guard instance.hasBaseline else { return }
        for r in predecessorsFirst(Array(0..<instance.requestCount)) where !schedule.isScheduled(r) && instance.pin[r] == nil {
            guard let (o, m, t) = instance.published[r], fitsAsIs(r, o, m, t), schedule.delta(r, o, m, t, instance) < 0 else { continue }
            schedule.assign(r, o, m, t, instance)
        }
    }

    /// Whether unscheduled request `r` can take option `o` with member `m` (-1: none) and team `t` around the current
    /// schedule without breaking a hard rule.
    func fitsAsIs(_ r: Int, _ o: Int, _ m: Int, _ t: Int) -> Bool {
        guard instance.optionAllowed[o], instance.teamCandidates[o].contains(t), schedule.fits(t, o, instance),
            schedule.orderAllows(r, o, instance, undecided: undecided)
        else { return false }
        if m < 0 { return !instance.needsMember[r] }
        return instance.memberCandidates[o].contains(m) && schedule.fits(m, o, instance)
    }

    /// `requests` ordered so that every request comes after its predecessors.
    private func predecessorsFirst(_ requests: [Int]) -> [Int] {
        var visited = [Bool](repeating: false, count: instance.requestCount)
        var order: [Int] = []
        func visit(_ r: Int) {
            guard !visited[r] else { return }
            visited[r] = true
            for p in instance.predecessors[r] { visit(p) }
            order.append(r)
        }
        for r in requests { visit(r) }
        return order
    }

    /// A lower bound on the score of every valid solution, from the pins (placed, nothing else yet) and each other
    /// request's own cheapest outcome ignoring everyone else (``Instance/lowerBound``): it holds for any week, however
    /// large, and costs nothing to compute.
    func perRequestBound() -> Int {
        var bound = schedule.cost
        for r in 0..<instance.requestCount where instance.pin[r] == nil {
            bound += instance.lowerBound[r] - instance.unscheduledCost[r]
        }
        return bound
    }

    /// What the exact model of the whole week said: whether the schedule kept is proven optimal, and the lower bound
    /// on the score that CBC proved (`nil` when it proved none).
    struct WholeWeek {
        var proven: Bool
        var bound: Int?
    }

    /// Solves the whole week (pins fixed) with the exact model, from the current schedule; `nil` at once when the week
    /// is too big for the model.
    ///
    /// With two workers, CBC has the whole time for its proof, while on a second thread the neighbourhood search
    /// improves the current schedule until the proof ends: a proven schedule is CBC's own (the same for every run and
    /// seed), otherwise the better of the two is kept. With one worker, two thirds of the time go to the proof and the
    /// rest, when it does not finish, to the neighbourhood search.
    mutating func solveWholeWeek(until deadline: Deadline, workers: Int, maxSteps: Int?) -> WholeWeek? {
        let free = (0..<instance.requestCount).map { instance.pin[$0] == nil }
        guard free.contains(true) else { return WholeWeek(proven: true, bound: schedule.cost) }
        let fixed = schedule(without: free)
        guard let model = ExactModel(instance, around: fixed, free: free, columnLimit: wholeWeekColumnLimit, exclusions: exclusions) else { return nil }
        // CBC starts from the current schedule, unless it is one of the excluded solutions.
        let start = satisfiesExclusions(schedule) ? schedule : nil
        guard workers >= 2 else {
            let outcome = model.solve(seconds: deadline.remaining * 2 / 3, nodeLimit: nil, start: start, presolve: false)
            let proven = keep(outcome, of: model, around: fixed) && outcome?.provenOptimal == true
            if !proven { improveExactly(until: deadline, maxSteps: maxSteps, workers: 1) }
            return WholeWeek(proven: proven, bound: outcome?.scoreBound(around: fixed))
        }
        let proofEnded = StopSignal()
        let search = self
        let (outcome, searched) = inParallel(
            {
                defer { proofEnded.raise() }
                return model.solve(seconds: deadline.remaining, nodeLimit: nil, start: start, presolve: false)
            },
            {
                var engine = search
                engine.improveExactly(until: deadline, maxSteps: maxSteps, workers: 1, stop: proofEnded)
                return engine.schedule
            })
        var proven = keep(outcome, of: model, around: fixed) && outcome?.provenOptimal == true
        // A proven optimum is never beaten; the search's schedule is kept only when the proof did not finish.
        if satisfiesExclusions(searched) && (searched.cost < schedule.cost || !satisfiesExclusions(schedule)) {
            schedule = searched
            proven = false
        }
        return WholeWeek(proven: proven, bound: outcome?.scoreBound(around: fixed))
    }

    /// Large neighbourhood search with the exact model, for weeks too big to solve whole: a few dozen requests are
    /// re-placed optimally around all the others, step after step, until the deadline, `maxSteps` steps, or `stop`.
    /// The neighbourhoods alternate between requests with an option on one date and requests that compete for the same
    /// team or member; they start small (many fast steps improve a large week most, docs/solver.md) and grow when a
    /// run of steps finds nothing better.
    ///
    /// With two workers, steps go in rounds of two: two disjoint neighbourhoods of the same schedule are solved at
    /// once, then their results are applied in order, the second checked again around the first. Every choice
    /// follows from the seed and the steps' outcomes, never the clock, so a step limit gives the same schedule on
    /// every machine fast enough to take those steps.
    mutating func improveExactly(until deadline: Deadline, maxSteps: Int?, workers: Int, stop: StopSignal? = nil) {
        let days = instance.requestsByDay.indices.filter { !instance.requestsByDay[$0].isEmpty }
        guard !days.isEmpty else { return }
        var size = lnsStartSize
        var stalled = 0
        // CBC checks its clock only between steps, so a step may overrun what it was given: no round starts unless the
        // longest one so far still fits in what is left.
        var longest = 0.2
        var steps = 0
        let limit = maxSteps ?? .max
        while deadline.remaining > longest, steps < limit, stop?.isRaised != true {
            let started = DispatchTime.now().uptimeNanoseconds
            let count = min(workers, limit - steps)
            var taken = [Bool](repeating: false, count: instance.requestCount)
            var neighbourhoods: [(free: [Bool], fixed: Schedule, model: ExactModel)] = []
            for _ in 0..<count {
                steps += 1
                var free = [Bool](repeating: false, count: instance.requestCount)
                if steps % 2 == 0 {
                    var pool = instance.requestsByDay[days[rng.below(days.count)]].filter { instance.pin[$0] == nil && !taken[$0] }
                    pool.shuffle(using: &rng)
                    for r in pool.prefix(size) { free[r] = true }
                } else {
                    relatedNeighbourhood(size: size, excluding: taken, into: &free)
                }
                for r in 0..<instance.requestCount where free[r] { taken[r] = true }
                let fixed = schedule(without: free)
                guard let model = ExactModel(instance, around: fixed, free: free, columnLimit: .max, exclusions: exclusions) else { return }
                neighbourhoods.append((free, fixed, model))
            }
            // CBC may overrun its limit while it solves the root LP: leave it well inside what is left. Outcomes, not
            // the clock, decide how the neighbourhood grows, so that one seed always takes the same path.
            let seconds = min(1.5, deadline.remaining * 0.5)
            let start = satisfiesExclusions(schedule) ? schedule : nil
            let outcomes: [ExactModel.Outcome?]
            if neighbourhoods.count == 2 {
                let second = neighbourhoods[1].model
                let (a, b) = inParallel(
                    { neighbourhoods[0].model.solve(seconds: seconds, nodeLimit: lnsNodeLimit, start: start, stop: stop) },
                    { second.solve(seconds: seconds, nodeLimit: lnsNodeLimit, start: start, stop: stop) })
                outcomes = [a, b]
            } else {
                outcomes = neighbourhoods.map { $0.model.solve(seconds: seconds, nodeLimit: lnsNodeLimit, start: start, stop: stop) }
            }
            for (index, (neighbourhood, outcome)) in zip(neighbourhoods, outcomes).enumerated() {
                let before = schedule.cost
                // The first result fits around the schedule it was solved in; a later one is checked again around what
                // the earlier ones of its round changed.
                keep(outcome, of: neighbourhood.model, around: index == 0 ? neighbourhood.fixed : schedule(without: neighbourhood.free))
                stalled = schedule.cost < before ? 0 : stalled + 1
                if outcome?.provenOptimal != true {
                    size = max(lnsStartSize / 2, size - size / 4)
                } else if stalled >= lnsPatience {
                    size = min(size + size / 4, 500)
                    stalled = 0
                }
            }
            longest = max(longest, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
    }

    /// A neighbourhood of requests that compete with one another: from a random request (an unscheduled one when
    /// there is one, half the time), the requests of its bloc or with a member in charge in common that have an option
    /// on one of its dates, then theirs, breadth first.
    mutating func relatedNeighbourhood(size: Int, excluding taken: [Bool], into free: inout [Bool]) {
        let unscheduled = (0..<instance.requestCount).filter { !schedule.isScheduled($0) && instance.pin[$0] == nil && !taken[$0] }
        var seed = !unscheduled.isEmpty && rng.below(2) == 0 ? unscheduled[rng.below(unscheduled.count)] : rng.below(instance.requestCount)
        // A repair searches near the published week: a third of the neighbourhoods start from a published session the
        // schedule changed, where a better repair is most likely.
        if instance.hasBaseline {
            let changed = (0..<instance.requestCount).filter { r in
                guard let p = instance.published[r], instance.pin[r] == nil, !taken[r] else { return false }
                return schedule.option[r] != p.option || schedule.member[r] != p.member || schedule.team[r] != p.team
            }
            if !changed.isEmpty && rng.below(3) == 0 { seed = changed[rng.below(changed.count)] }
        }
        var queue = [seed]
        var head = 0
        var count = 0
        var seen = Set([seed])
        while head < queue.count, count < size {
            let r = queue[head]
            head += 1
            if instance.pin[r] == nil && !taken[r] { free[r] = true; count += 1 }
            let bloc = instance.problem.requests[r].bloc
            let members = Set(instance.inCharge[r])
            var dates = Set<Int>()
            for o in instance.optionBase[r]..<instance.optionBase[r + 1] { dates.insert(instance.optionDay[o] - instance.firstDay) }
            var next: [Int] = []
            for d in dates.sorted() where d >= 0 && d < instance.requestsByDay.count {
                for q in instance.requestsByDay[d] where !seen.contains(q) {
                    if instance.problem.requests[q].bloc == bloc || instance.inCharge[q].contains(where: members.contains) { next.append(q) }
                }
            }
            next.shuffle(using: &rng)
            for q in next where seen.insert(q).inserted { queue.append(q) }
        }
    }

    /// The current schedule with the `free` requests taken out.
    private func schedule(without free: [Bool]) -> Schedule {
        var fixed = schedule
        for r in 0..<instance.requestCount where free[r] && fixed.isScheduled(r) { fixed.unassign(r, instance) }
        return fixed
    }

    /// Keeps the schedule CBC returned for the model's free requests around `fixed` (the current schedule without
    /// them) when it is valid, differs from every excluded solution, and is no worse (or the current one is excluded);
    /// returns whether it was kept.
    @discardableResult
    private mutating func keep(_ outcome: ExactModel.Outcome?, of model: ExactModel, around fixed: Schedule) -> Bool {
        guard let outcome, let candidate = validSchedule(fixed, adding: outcome.placements, free: model.free),
            satisfiesExclusions(candidate), candidate.cost <= schedule.cost || !satisfiesExclusions(schedule)
        else { return false }
        schedule = candidate
        return true
    }

    /// Whether `s` differs from every excluded solution on at least one request of each.
    func satisfiesExclusions(_ s: Schedule) -> Bool {
        exclusions.allSatisfy { $0.isAvoided(by: s) }
    }

    /// The current schedule as a solution to exclude from now on: with a baseline, the published requests (not
    /// pinned) it changed, as it placed them or left them out; without one, every request not pinned. `nil` when there
    /// is none, so that no schedule could differ from it on them.
    func exclusion() -> Exclusion? {
        var entries: [(request: Int, placement: (option: Int, member: Int, team: Int)?)] = []
        var changes: [Exclusion.Change] = []
        for r in 0..<instance.requestCount where instance.pin[r] == nil {
            let current = schedule.isScheduled(r) ? (option: schedule.option[r], member: schedule.member[r], team: schedule.team[r]) : nil
            if instance.hasBaseline {
                guard let published = instance.published[r] else { continue }
                for kind in BaselineChange.Kind.allCases {
                    let change = Exclusion.Change(request: r, kind: kind, published: published)
                    if change.isMade(by: current) { changes.append(change) }
                }
                continue
            }
            entries.append((r, current))
        }
        if instance.hasBaseline { return changes.isEmpty ? nil : Exclusion(changes: changes) }
        return entries.isEmpty ? nil : Exclusion(entries: entries)
    }

    /// Starts from `previous` (the last solution excluded), changed as little as the greedy can: for each exclusion it
    /// does not yet differ from, the cheapest of re-placing one of its requests elsewhere, leaving it out or placing
    /// it. When that fails, the schedule stays excluded and the exact model starts without it.
    mutating func leave(_ previous: Schedule) {
        schedule = previous
        for (index, exclusion) in exclusions.enumerated() where !exclusion.isAvoided(by: schedule) {
            var best: Schedule?
            // A repair's changes: undo one of them, at the least cost the greedy finds.
            for change in exclusion.changes where instance.pin[change.request] == nil {
                let r = change.request
                var variant = self
                var candidates: [Schedule] = []
                if variant.schedule.isScheduled(r) { variant.schedule.unassign(r, instance) }
                if change.kind != .dropped, variant.schedule.mayLeaveOut(r, instance) { candidates.append(variant.schedule) }
                if let c = variant.cheapestPlacement(r, accepting: { !change.isMade(by: $0) }) {
                    var placed = variant.schedule
                    placed.assign(r, c.option, c.member, c.team, instance)
                    candidates.append(placed)
                }
                for candidate in candidates where exclusions[...index].allSatisfy({ $0.isAvoided(by: candidate) }) {
                    if best == nil || candidate.cost < best!.cost { best = candidate }
                }
            }
            for (r, placement) in exclusion.entries where instance.pin[r] == nil {
                var variant = self
                var candidates: [Schedule] = []
                if let placement {
                    variant.schedule.unassign(r, instance)
                    if variant.schedule.mayLeaveOut(r, instance) { candidates.append(variant.schedule) }
                    if let c = variant.cheapestPlacement(r, avoiding: placement) {
                        var placed = variant.schedule
                        placed.assign(r, c.option, c.member, c.team, instance)
                        candidates.append(placed)
                    }
                } else if let c = variant.cheapestPlacement(r) {
                    var placed = variant.schedule
                    placed.assign(r, c.option, c.member, c.team, instance)
                    candidates.append(placed)
                }
                for candidate in candidates where exclusions[...index].allSatisfy({ $0.isAvoided(by: candidate) }) {
                    if best == nil || candidate.cost < best!.cost { best = candidate }
                }
            }
            guard let best else { return }
            schedule = best
        }
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
        for r in predecessorsFirst(byPriority) where !schedule.isScheduled(r) && instance.pin[r] == nil {
            if let best = cheapestPlacement(r), best.delta < 0 { schedule.assign(r, best.option, best.member, best.team, instance) }
        }
    }

    /// The cheapest placement of unscheduled request `r` that leaves every other request where it is, other than
    /// `avoiding` (an exact option, member and team).
    func cheapestPlacement(_ r: Int, avoiding: (option: Int, member: Int, team: Int)? = nil) -> (option: Int, member: Int, team: Int, delta: Int)? {
        guard let avoiding else { return cheapest(r, accepting: nil) }
        return cheapest(r, accepting: { $0.option != avoiding.option || $0.member != avoiding.member || $0.team != avoiding.team })
    }

    /// The cheapest placement of unscheduled request `r` that leaves every other request where it is and that
    /// `accepting` (when given) takes; with a filter every free team is tried, else only the published or first one.
    func cheapestPlacement(
        _ r: Int, accepting: ((option: Int, member: Int, team: Int)) -> Bool
    ) -> (option: Int, member: Int, team: Int, delta: Int)? {
        withoutActuallyEscaping(accepting) { cheapest(r, accepting: $0) }
    }

    private func cheapest(
        _ r: Int, accepting: (((option: Int, member: Int, team: Int)) -> Bool)?
    ) -> (option: Int, member: Int, team: Int, delta: Int)? {
        var best: (option: Int, member: Int, team: Int, delta: Int)?
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
            guard schedule.orderAllows(r, o, instance, undecided: undecided) else { continue }
            // Teams only differ by the baseline: its published team when it is free, else the first free one
            // (specialists first); every free team when one placement is to be avoided.
            let free = instance.teamCandidates[o].filter { schedule.fits($0, o, instance) }
            guard let first = free.first else { continue }
            let published = instance.published[r].map(\.team).flatMap { free.contains($0) ? $0 : nil }
            let teams = accepting != nil ? free : [published ?? first]
            var members = instance.memberCandidates[o].filter { schedule.fits($0, o, instance) }
            if !instance.needsMember[r] { members.append(-1) }
            for t in teams {
                for m in members where accepting?((o, m, t)) ?? true {
                    let delta = schedule.delta(r, o, m, t, instance)
                    if best == nil || delta < best!.delta { best = (o, m, t, delta) }
                }
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
