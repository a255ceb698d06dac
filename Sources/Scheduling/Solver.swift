/// Solves the weekly scheduling problem: every hard rule holds, and the score is as low as the search finds.
///
/// The method (see docs/solver.md): pins first; then the requests every solution must schedule (predecessors of
/// pins), by a complete search; a greedy construction; then large neighbourhood search, which takes out a few
/// related requests and re-places them optimally by branch and bound until the score stops improving.
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
        engine.improve(until: deadline)
        return engine.solution()
    }
}

/// The search state shared by the solver's phases.
struct Engine {
    let instance: Instance
    var schedule: Schedule
    var rng: RandomSource
    var undecided: [Bool]
    private var mark: [Int]
    private var stamp = 0

    init(_ instance: Instance, seed: UInt64) {
        self.instance = instance
        schedule = Schedule(instance)
        rng = RandomSource(seed: seed)
        undecided = Array(repeating: false, count: instance.requestCount)
        mark = Array(repeating: 0, count: instance.requestCount)
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
        search.complete = true
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
    func cheapestPlacement(_ r: Int, avoiding avoided: Int = -1) -> (option: Int, member: Int, team: Int, delta: Int)? {
        var best: (option: Int, member: Int, team: Int, delta: Int)?
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] && o != avoided {
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

    /// Large neighbourhood search, restarted from the best schedule with a random kick whenever it stalls; stops
    /// after a few kicks in a row bring nothing, at the lower bound, or when time is up.
    mutating func improve(until deadline: Deadline) {
        let bound = (0..<instance.requestCount).reduce(0) { total, r in
            total + (instance.pin[r] != nil ? 0 : instance.lowerBound[r])
        } + pinnedCost()
        let movable = (0..<instance.requestCount).filter { instance.pin[$0] == nil }
        guard !movable.isEmpty else { return }
        var search = SubsetSearch()
        let stallLimit = max(200, 5 * movable.count)
        var best = schedule
        var fruitlessKicks = 0
        while schedule.cost > bound && !deadline.hasPassed {
            var stall = 0
            while stall < stallLimit && schedule.cost > bound && !deadline.hasPassed {
                let size = 4 + rng.below(7)
                let subset = neighbourhood(size: size, movable: movable)
                let improved = search.improve(
                    subset, in: &schedule, instance, undecided: &undecided, rng: &rng, deadline: deadline, acceptEqual: true)
                stall = improved ? 0 : stall + 1
            }
            if schedule.cost < best.cost {
                best = schedule
                fruitlessKicks = 0
            } else {
                schedule = best
                fruitlessKicks += 1
            }
            if fruitlessKicks > 2 || schedule.cost <= bound { break }
            kick(movable)
        }
        schedule = best
    }

    /// Takes out a dozen related requests and puts them back greedily in random order, each avoiding its old
    /// option when it can: a jump out of the local optimum, possibly to a worse score.
    private mutating func kick(_ movable: [Int]) {
        let before = schedule
        let subset = neighbourhood(size: 12, movable: movable)
        let old = subset.map { schedule.option[$0] }
        for r in subset where schedule.isScheduled(r) { schedule.unassign(r, instance) }
        for (i, r) in subset.enumerated().shuffled(using: &rng).map({ ($0.offset, $0.element) }) {
            if let placement = cheapestPlacement(r, avoiding: old[i]) ?? cheapestPlacement(r, avoiding: -1), placement.delta < 0 {
                schedule.assign(r, placement.option, placement.member, placement.team, instance)
            }
        }
        // A kick may leave a predecessor out, or late, under a scheduled successor: take such successors out too,
        // and give up the kick if that would reach a pinned request.
        var changed = true
        while changed {
            changed = false
            for r in 0..<instance.requestCount where schedule.isScheduled(r) {
                let start = instance.optionStart[schedule.option[r]]
                let ordered = instance.predecessors[r].allSatisfy {
                    schedule.isScheduled($0) && instance.optionEnd[schedule.option[$0]] <= start
                }
                if ordered { continue }
                if instance.pin[r] != nil {
                    schedule = before
                    return
                }
                schedule.unassign(r, instance)
                changed = true
            }
        }
    }

    /// The score the pins contribute on their own (rank, member and their shared dates).
    private func pinnedCost() -> Int {
        var pinsOnly = Schedule(instance)
        for r in 0..<instance.requestCount {
            if let pin = instance.pin[r] { pinsOnly.assign(r, pin.option, pin.member, pin.team, instance) }
        }
        let unscheduled = (0..<instance.requestCount).reduce(0) { $0 + (instance.pin[$1] == nil ? instance.unscheduledCost[$1] : 0) }
        return pinsOnly.cost - unscheduled
    }

    /// A seed request (half the time an unscheduled one) and up to `size - 1` others: either the chain of
    /// requests holding the persons its options need, or requests competing with it on the same days.
    private mutating func neighbourhood(size: Int, movable: [Int]) -> [Int] {
        let seed: Int
        let left = movable.filter { !schedule.isScheduled($0) }
        let dice = rng.below(4)
        if !left.isEmpty && dice < 2 {
            seed = left[rng.below(left.count)]
        } else if dice < 3, let costly = costlyRequest(movable) {
            seed = costly
        } else {
            seed = movable[rng.below(movable.count)]
        }
        stamp += 1
        mark[seed] = stamp
        return rng.below(3) == 0 ? related(to: seed, size: size) : blockingChain(from: seed, size: size)
    }

    /// A random scheduled request paying more than its isolated lower bound (a later option, a member not in
    /// charge, a shared date), if there is one among a few draws.
    private mutating func costlyRequest(_ movable: [Int]) -> Int? {
        for _ in 0..<8 {
            let r = movable[rng.below(movable.count)]
            guard schedule.isScheduled(r) else { continue }
            let o = schedule.option[r]
            let m = schedule.member[r]
            let own = instance.weights.rank * (o - instance.optionBase[r]) + instance.memberCost(r, m)
            if own > instance.lowerBound[r] || (m >= 0 && schedule.count(m, on: instance.optionDay[o], instance) > 1) { return r }
        }
        return nil
    }

    /// The seed, then breadth first the requests sitting on the teams and in-charge members its options need.
    private mutating func blockingChain(from seed: Int, size: Int) -> [Int] {
        var subset = [seed]
        var next = 0
        while next < subset.count && subset.count < size {
            let r = subset[next]
            next += 1
            var blockers: [Int] = []
            for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
                for t in instance.teamCandidates[o] { collectBlockers(of: o, on: t, into: &blockers) }
                for m in instance.inCharge[r] { collectBlockers(of: o, on: m, into: &blockers) }
                if schedule.member[r] >= 0 { collectBlockers(of: o, on: schedule.member[r], into: &blockers) }
            }
            for p in instance.predecessors[r] + instance.successors[r] where mark[p] != stamp && instance.pin[p] == nil {
                mark[p] = stamp
                blockers.append(p)
            }
            blockers.shuffle(using: &rng)
            let take = min(blockers.count, max(1, (size - subset.count + 1) / 2), size - subset.count)
            subset += blockers.prefix(take)
            for b in blockers.dropFirst(take) where mark[b] == stamp { mark[b] = stamp - 1 }
        }
        return subset
    }

    /// Unpinned, not yet chosen requests that keep person `p` from option `o` (a clash or the same date).
    private mutating func collectBlockers(of o: Int, on p: Int, into blockers: inout [Int]) {
        for s in schedule.sessions[p] {
            let owner = instance.optionRequest[s]
            guard mark[owner] != stamp, instance.pin[owner] == nil else { continue }
            if instance.optionDay[s] == instance.optionDay[o] || instance.clash(o, s) {
                mark[owner] = stamp
                blockers.append(owner)
            }
        }
    }

    /// The seed and the requests scoring highest on sharing its days, teams, members and `after` links.
    private mutating func related(to seed: Int, size: Int) -> [Int] {
        let seedTeams = Set((instance.optionBase[seed]..<instance.optionBase[seed + 1]).flatMap { instance.teamCandidates[$0] })
        var seedMembers = Set(instance.inCharge[seed])
        if schedule.member[seed] >= 0 { seedMembers.insert(schedule.member[seed]) }
        let linked = Set(instance.predecessors[seed] + instance.successors[seed])
        var scored: [(request: Int, score: Int)] = []
        let days = Set((instance.optionBase[seed]..<instance.optionBase[seed + 1]).map { instance.optionDay[$0] - instance.firstDay })
        for day in days.sorted() {
            for r in instance.requestsByDay[day] where mark[r] != stamp && instance.pin[r] == nil {
                mark[r] = stamp
                var score = rng.below(6)
                if linked.contains(r) { score += 8 }
                if schedule.team[r] >= 0 && seedTeams.contains(schedule.team[r]) { score += 4 }
                if schedule.member[r] >= 0 && seedMembers.contains(schedule.member[r]) { score += 4 }
                if instance.inCharge[r].contains(where: seedMembers.contains) { score += 3 }
                if score >= 3 { scored.append((r, score)) }
            }
        }
        scored.sort { ($0.score, $1.request) > ($1.score, $0.request) }
        return [seed] + scored.prefix(size - 1).map(\.request)
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
