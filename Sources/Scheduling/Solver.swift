import Foundation
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
        let deadline = Deadline(seconds: options.timeLimit)
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

    /// Large neighbourhood search until no improvement for a while, the lower bound is reached, or time is up.
    mutating func improve(until deadline: Deadline) {
        let bound = (0..<instance.requestCount).reduce(0) { total, r in
            total + (instance.pin[r] != nil ? 0 : instance.lowerBound[r])
        } + pinnedCost()
        let movable = (0..<instance.requestCount).filter { instance.pin[$0] == nil }
        guard !movable.isEmpty else { return }
        var search = SubsetSearch()
        var stall = 0
        var iterations = 0
        var totalNodes = 0
        let stallLimit = max(400, 12 * movable.count)
        while stall < stallLimit && schedule.cost > bound && !deadline.hasPassed {
            let size = 3 + rng.below(6)
            let subset = neighbourhood(size: size, movable: movable)
            if search.improve(subset, in: &schedule, instance, undecided: &undecided, rng: &rng, deadline: deadline, acceptEqual: true) {
                stall = 0
            } else {
                stall += 1
            }
            iterations += 1
            totalNodes += search.nodes
        }
        if ProcessInfo.processInfo.environment["SCHED_DEBUG"] != nil { FileHandle.standardError.write("iterations \(iterations) nodes \(totalNodes) cost \(schedule.cost) bound \(bound)\n".data(using: .utf8)!) }
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
        if !left.isEmpty && rng.below(2) == 0 {
            seed = left[rng.below(left.count)]
        } else {
            seed = movable[rng.below(movable.count)]
        }
        stamp += 1
        mark[seed] = stamp
        return rng.below(3) == 0 ? related(to: seed, size: size) : blockingChain(from: seed, size: size)
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
