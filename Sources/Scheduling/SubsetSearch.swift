/// Exact re-optimisation of a few requests while all others stay put: depth-first branch and bound.
///
/// The bound is the score so far plus each remaining request's isolated lower bound; the incumbent is the score
/// before the requests were taken out, so only equal or better placements are ever kept.
struct SubsetSearch {
    /// Caps on the branching (ignored when `complete`): non-in-charge members and teams tried per option.
    var otherMembers = 3
    var teamsPerOption = 3
    /// Nodes visited before giving up (the best found so far is kept).
    var nodeLimit = 5000
    /// Try every member and team, for the feasibility of forced requests.
    var complete = false

    private(set) var nodes = 0
    private var order: [Int] = []
    private var suffixBound: [Int] = []
    private var best: [(option: Int, member: Int, team: Int)] = []
    private var bestCost = Int.max
    private var found = false
    private var path: [(option: Int, member: Int, team: Int)] = []
    private var stopped = false

    /// Re-places `subset` (all currently scheduled or not, none pinned) as well as it can; returns whether the
    /// score strictly improved. With `acceptEqual`, a different placement of the same score may be taken.
    mutating func improve(
        _ subset: [Int], in schedule: inout Schedule, _ instance: Instance, undecided: inout [Bool], rng: inout RandomSource,
        deadline: Deadline, acceptEqual: Bool
    ) -> Bool {
        let before = schedule.cost
        let original = subset.map { (schedule.option[$0], schedule.member[$0], schedule.team[$0]) }
        for r in subset where schedule.isScheduled(r) { schedule.unassign(r, instance) }
        order = orderForSearch(subset, instance, &rng)
        for r in subset { undecided[r] = true }
        suffixBound = Array(repeating: 0, count: order.count + 1)
        for i in stride(from: order.count - 1, through: 0, by: -1) {
            // The score already counts every remaining request as unscheduled; each will cost at least its bound.
            suffixBound[i] = suffixBound[i + 1] + instance.lowerBound[order[i]] - instance.unscheduledCost[order[i]]
        }
        bestCost = acceptEqual ? before : before - 1
        found = false
        nodes = 0
        stopped = false
        path = []
        best = []
        dfs(0, &schedule, instance, &undecided, &rng, deadline)
        for r in subset { undecided[r] = false }
        let chosen: [(option: Int, member: Int, team: Int)]
        if found {
            chosen = best
        } else {
            chosen = order.map { r in original[subset.firstIndex(of: r)!] }
        }
        for (i, r) in order.enumerated() where chosen[i].option >= 0 {
            schedule.assign(r, chosen[i].option, chosen[i].member, chosen[i].team, instance)
        }
        return schedule.cost < before
    }

    /// Finds any placement of `subset` (forced requests: none may be left out); `nil` when there is none.
    mutating func place(
        _ subset: [Int], in schedule: inout Schedule, _ instance: Instance, undecided: inout [Bool], rng: inout RandomSource,
        deadline: Deadline
    ) -> Bool {
        order = subset
        for r in subset { undecided[r] = true }
        suffixBound = Array(repeating: 0, count: order.count + 1)
        bestCost = Int.max - 1
        found = false
        nodes = 0
        stopped = false
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

    /// Successors before predecessors (so that an unscheduled predecessor is ruled out at once), then the
    /// requests with fewer options first; random among equals.
    private func orderForSearch(_ subset: [Int], _ instance: Instance, _ rng: inout RandomSource) -> [Int] {
        let keyed = subset.map { r in (r, instance.optionBase[r + 1] - instance.optionBase[r], rng.below(1 << 20)) }
        return keyed.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
    }

    private mutating func dfs(
        _ depth: Int, _ schedule: inout Schedule, _ instance: Instance, _ undecided: inout [Bool], _ rng: inout RandomSource,
        _ deadline: Deadline
    ) {
        nodes += 1
        if !complete && nodes > nodeLimit { stopped = true }
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
        if schedule.cost + suffixBound[depth] > bestCost { return }
        // Placing requests only adds sessions, so what each remaining request could still get now bounds what it
        // will get: a far stronger bound than the isolated one, worth its price at every node.
        var dynamicBound = schedule.cost
        for i in depth..<order.count {
            guard let least = cheapestDelta(order[i], schedule, instance, undecided) else { return }
            dynamicBound += least
            if dynamicBound + suffixBound[i + 1] > bestCost { return }
        }
        let r = order[depth]
        var choices = self.choices(for: r, schedule, instance, undecided, &rng)
        choices.sort { ($0.delta, $0.tie) < ($1.delta, $1.tie) }
        undecided[r] = false
        for choice in choices {
            if schedule.cost + choice.delta + suffixBound[depth + 1] > bestCost { break }
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
            let rank = instance.weights.rank * (o - instance.optionBase[r])
            if let current = best, rank - instance.unscheduledCost[r] >= current { continue }
            guard schedule.orderAllows(r, o, instance, undecided: undecided),
                instance.teamCandidates[o].contains(where: { schedule.fits($0, o, instance) })
            else { continue }
            var memberCost = Int.max
            let candidates = instance.memberCandidates[o]
            let prefix = instance.inChargePrefix[o]
            if candidates[..<prefix].contains(where: { schedule.fits($0, o, instance) }) {
                memberCost = 0
            } else if instance.inCharge[r].isEmpty {
                if candidates.contains(where: { schedule.fits($0, o, instance) }) { memberCost = 0 }
            } else if candidates[prefix...].contains(where: { schedule.fits($0, o, instance) }) {
                memberCost = instance.weights.notInCharge
            }
            if !instance.needsMember[r] { memberCost = min(memberCost, instance.weights.noMember) }
            guard memberCost != Int.max else { continue }
            let delta = rank + memberCost - instance.unscheduledCost[r]
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
            for t in instance.teamCandidates[o] where schedule.fits(t, o, instance) {
                teams.append(t)
                if !complete && teams.count >= teamsPerOption { break }
            }
            if teams.isEmpty { continue }
            var members: [(member: Int, delta: Int)] = []
            let candidates = instance.memberCandidates[o]
            let prefix = instance.inChargePrefix[o]
            for m in candidates[..<prefix] where schedule.fits(m, o, instance) {
                members.append((m, schedule.delta(r, o, m, instance)))
            }
            // Members not in charge all cost the same: a few, from a random starting point, keep the branching small.
            let otherCount = candidates.count - prefix
            if otherCount > 0 {
                let offset = complete ? 0 : rng.below(otherCount)
                var taken = 0
                for k in 0..<otherCount {
                    let m = candidates[prefix + (offset + k) % otherCount]
                    guard schedule.fits(m, o, instance) else { continue }
                    members.append((m, schedule.delta(r, o, m, instance)))
                    taken += 1
                    if !complete && taken >= otherMembers { break }
                }
            }
            if !instance.needsMember[r] { members.append((-1, schedule.delta(r, o, -1, instance))) }
            for (m, delta) in members {
                for t in teams {
                    out.append(Choice(option: o, member: m, team: t, delta: delta, tie: rng.below(1 << 20)))
                }
            }
        }
        if schedule.mayLeaveOut(r, instance) {
            out.append(Choice(option: -1, member: -1, team: -1, delta: 0, tie: rng.below(1 << 20)))
        }
        return out
    }
}
