/// A complete depth-first search for a placement of the requests every solution must schedule (the predecessors
/// of pins), all others fixed: it finds one if there is one, so that its failure proves the week infeasible.
struct SubsetSearch {
    private var order: [Int] = []
    private var best: [(option: Int, member: Int, team: Int)] = []
    private var found = false
    private var path: [(option: Int, member: Int, team: Int)] = []
    private var stopped = false
    private var nodes = 0
    private var bestCost = Int.max

    /// Places `subset` (ordered successors first) as cheaply as it can; `false` when no placement schedules every one.
    mutating func place(
        _ subset: [Int], in schedule: inout Schedule, _ instance: Instance, undecided: inout [Bool], rng: inout RandomSource,
        deadline: Deadline
    ) -> Bool {
        order = subset
        for r in subset { undecided[r] = true }
        found = false
        stopped = false
        nodes = 0
        bestCost = Int.max - 1
        path = []
        best = []
        dfs(0, &schedule, instance, &undecided, &rng, deadline)
        for r in subset { undecided[r] = false }
        guard found else { return false }
        for (i, r) in order.enumerated() where best[i].option >= 0 {
            schedule.assign(r, best[i].option, best[i].member, best[i].team, instance)
        }
        return order.indices.allSatisfy { best[$0].option >= 0 }
    }

    private mutating func dfs(
        _ depth: Int, _ schedule: inout Schedule, _ instance: Instance, _ undecided: inout [Bool], _ rng: inout RandomSource,
        _ deadline: Deadline
    ) {
        nodes += 1
        if nodes & 1023 == 0 && deadline.hasPassed { stopped = true }
        if stopped { return }
        if depth == order.count {
            if schedule.cost <= bestCost {
                best = path
                bestCost = schedule.cost - 1
                found = true
            }
            return
        }
        // Placing requests only adds sessions, so what each remaining request could still get now bounds what it
        // will get; a request that can be neither placed nor left out ends the branch at once.
        var dynamicBound = schedule.cost
        for i in depth..<order.count {
            guard let least = cheapestDelta(order[i], schedule, instance, undecided) else { return }
            dynamicBound += least
            if dynamicBound > bestCost { return }
        }
        let r = order[depth]
        var choices = self.choices(for: r, schedule, instance, undecided, &rng)
        choices.sort { ($0.delta, $0.tie) < ($1.delta, $1.tie) }
        undecided[r] = false
        for choice in choices {
            if schedule.cost + choice.delta > bestCost { break }
            if choice.option >= 0 {
                schedule.assign(r, choice.option, choice.member, choice.team, instance)
            }
            path.append((choice.option, choice.member, choice.team))
            dfs(depth + 1, &schedule, instance, &undecided, &rng, deadline)
            path.removeLast()
            if choice.option >= 0 { schedule.unassign(r, instance) }
            if stopped { break }
        }
        undecided[r] = true
    }

    /// The least score change request `r` can still make: leaving it out (0) or its cheapest placement;
    /// `nil` when it can neither be left out nor placed.
    private func cheapestDelta(_ r: Int, _ schedule: Schedule, _ instance: Instance, _ undecided: [Bool]) -> Int? {
        let floor = instance.lowerBound[r] - instance.unscheduledCost[r]
        var best: Int? = schedule.mayLeaveOut(r, instance) ? 0 : nil
        if let current = best, current <= floor { return current }
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
            let optionCost = instance.optionCost(o)
            if let current = best, optionCost - instance.unscheduledCost[r] >= current { continue }
            guard schedule.orderAllows(r, o, instance, undecided: undecided) else { continue }
            var teamCost = Int.max
            for t in instance.teamCandidates[o] where schedule.fits(t, o, instance) {
                teamCost = min(teamCost, instance.teamCost(r, t))
                if teamCost == 0 { break }
            }
            guard teamCost != Int.max else { continue }
            // The same-day term is left out: it only adds, so this stays a lower bound.
            var memberCost = instance.needsMember[r] ? Int.max : instance.memberCost(r, -1)
            for m in instance.memberCandidates[o] where schedule.fits(m, o, instance) {
                memberCost = min(memberCost, instance.memberCost(r, m))
                if memberCost == 0 { break }
            }
            guard memberCost != Int.max else { continue }
            let delta = optionCost + memberCost + teamCost - instance.unscheduledCost[r]
            if best == nil || delta < best! { best = delta }
            if best! <= floor { break }
        }
        return best
    }

    private struct Choice {
        var option: Int
        var member: Int
        var team: Int
        var delta: Int
        var tie: Int
    }

    private func choices(
        for r: Int, _ schedule: Schedule, _ instance: Instance, _ undecided: [Bool], _ rng: inout RandomSource
    ) -> [Choice] {
        var out: [Choice] = []
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
            guard schedule.orderAllows(r, o, instance, undecided: undecided) else { continue }
            var teams: [Int] = []
            for t in instance.teamCandidates[o] where schedule.fits(t, o, instance) { teams.append(t) }
            if teams.isEmpty { continue }
            var members: [Int] = []
            for m in instance.memberCandidates[o] where schedule.fits(m, o, instance) { members.append(m) }
            if !instance.needsMember[r] { members.append(-1) }
            for m in members {
                for t in teams {
                    out.append(Choice(option: o, member: m, team: t, delta: schedule.delta(r, o, m, t, instance), tie: rng.below(1 << 20)))
                }
            }
        }
        if schedule.mayLeaveOut(r, instance) {
            out.append(Choice(option: -1, member: -1, team: -1, delta: 0, tie: rng.below(1 << 20)))
        }
        return out
    }
}
