/// A complete or partial assignment of an ``Instance``, with its score kept up to date move by move.
struct Schedule {
    /// Global option index of each request, -1 when unscheduled.
    var option: [Int]
    /// Member of each request, -1 for none.
    var member: [Int]
    /// Team (person index) of each request.
    var team: [Int]
    /// Options attended by each person.
    var sessions: [[Int]]
    /// The spec's score of the current assignment (unscheduled requests included).
    var cost: Int

    init(_ instance: Instance) {
        option = Array(repeating: -1, count: instance.requestCount)
        member = Array(repeating: -1, count: instance.requestCount)
        team = Array(repeating: -1, count: instance.requestCount)
        sessions = Array(repeating: [], count: instance.personCount)
        cost = instance.unscheduledCost.reduce(0, +)
    }

    @inline(__always) func isScheduled(_ r: Int) -> Bool { option[r] >= 0 }

    /// Whether person `p` can also attend option `o`: no overlap or missed travel with its sessions, and room under
    /// `maxPerDay`. Busy blocks are already excluded by the candidate lists.
    @inline(__always) func fits(_ p: Int, _ o: Int, _ instance: Instance) -> Bool {
        let day = instance.optionDay[o]
        var sameDay = 0
        for s in sessions[p] {
            if instance.clash(o, s) { return false }
            if instance.optionDay[s] == day { sameDay += 1 }
        }
        return sameDay < instance.maxPerDay[p]
    }

    /// Sessions of person `p` starting on `day`.
    @inline(__always) func count(_ p: Int, on day: Int, _ instance: Instance) -> Int {
        var n = 0
        for s in sessions[p] where instance.optionDay[s] == day { n += 1 }
        return n
    }

    /// The change of score if unscheduled request `r` took option `o` with member `m` (-1: none) and team `t`.
    @inline(__always) func delta(_ r: Int, _ o: Int, _ m: Int, _ t: Int, _ instance: Instance) -> Int {
        var d = instance.optionCost(o) + instance.memberCost(r, m) + instance.teamCost(r, t) - instance.unscheduledCost[r]
        if m >= 0 && count(m, on: instance.optionDay[o], instance) > 0 { d += instance.weights.sameDay }
        return d
    }

    /// Whether option `o` of `r` respects `after` with every scheduled neighbour; `undecided[p]` marks
    /// unscheduled predecessors that may still be placed (otherwise an unscheduled predecessor forbids `o`).
    @inline(__always) func orderAllows(_ r: Int, _ o: Int, _ instance: Instance, undecided: [Bool]) -> Bool {
        let start = instance.optionStart[o]
        for p in instance.predecessors[r] {
            let po = option[p]
            if po >= 0 {
                if instance.optionEnd[po] > start { return false }
            } else if !undecided[p] {
                return false
            }
        }
        let end = instance.optionEnd[o]
        for q in instance.successors[r] {
            let qo = option[q]
            if qo >= 0 && end > instance.optionStart[qo] { return false }
        }
        return true
    }

    /// Whether `r` may stay unscheduled: not pinned and no scheduled successor.
    @inline(__always) func mayLeaveOut(_ r: Int, _ instance: Instance) -> Bool {
        if instance.pin[r] != nil { return false }
        for q in instance.successors[r] where option[q] >= 0 { return false }
        return true
    }

    mutating func assign(_ r: Int, _ o: Int, _ m: Int, _ t: Int, _ instance: Instance) {
        cost += delta(r, o, m, t, instance)
        option[r] = o
        member[r] = m
        team[r] = t
        if m >= 0 { sessions[m].append(o) }
        sessions[t].append(o)
    }

    mutating func unassign(_ r: Int, _ instance: Instance) {
        let o = option[r]
        let m = member[r]
        let t = team[r]
        remove(o, from: t)
        if m >= 0 { remove(o, from: m) }
        option[r] = -1
        member[r] = -1
        team[r] = -1
        cost -= delta(r, o, m, t, instance)
    }

    private mutating func remove(_ o: Int, from p: Int) {
        if let index = sessions[p].lastIndex(of: o) {
            sessions[p].swapAt(index, sessions[p].count - 1)
            sessions[p].removeLast()
        }
    }
}
