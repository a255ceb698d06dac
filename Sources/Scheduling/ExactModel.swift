internal import CCbc
internal import CCbcConcurrent
import Foundation

/// A week, or the part of it left free around a fixed schedule, as a 0–1 integer program solved by CBC (COIN-OR
/// branch and cut): on district-sized weeks it finds the optimum and proves it, which the local search alone cannot.
///
/// Columns, for the free requests only: `y[o]` (option `o` is chosen), `x[o, m]` (member `m`, or none, attends it),
/// `z[o, t]` (team `t` attends it) and, per member and date, a continuous `e ≥ 0` for the same-day term. Rows:
/// - each chosen option has exactly one member (or none, where allowed) and one team; each request at most one option;
/// - every `after` link between free requests: an option may be chosen only with a predecessor's option that ends
///   by its start; a free predecessor of a fixed, scheduled request must be placed before it;
/// - per person, the options it may attend that share an instant (a clique: at most one), and each remaining pair
///   that clashes only through travel time (rule 5); `maxPerDay` per date, less the fixed sessions (rule 7);
///   `e ≥ sessions − 1` per member and date.
/// Busy blocks, blocs and `notBefore` are settled by the candidate lists of ``Instance``, the fixed requests
/// (pins always among them) by dropping every option and person that does not fit around them.
///
/// With a published baseline the objective gains its terms, linear in the same columns: `moved` on every `y[o]` whose
/// option is not the published one, `memberChanged` on every `x[o, m]` whose member (or none) is not the published
/// one, `teamChanged` on every `z[o, t]` whose team is not, and `dropped × weight` in the cost of leaving a published
/// request out (which every `y` of the request saves). Each excluded solution (``Exclusion``) adds one row: the
/// solution must differ from it on at least one of its requests.
struct ExactModel {
    private let instance: Instance
    /// `(option, member or -1)` of each `x` column and `(option, team)` of each `z` column, by column index.
    private var memberColumns: [(option: Int, member: Int, column: Int)] = []
    private var teamColumns: [(option: Int, team: Int, column: Int)] = []
    /// The `y` column of each global option, -1 when the option cannot be chosen at all.
    private var optionColumn: [Int]
    /// The requests the model places; all others stay as in the fixed schedule.
    let free: [Bool]
    private var columnCount = 0
    private var lower: [Double] = []
    private var upper: [Double] = []
    private var objective: [Double] = []
    private var isInteger: [Bool] = []
    private var rows: [(entries: [(column: Int, value: Double)], lower: Double, upper: Double)] = []
    /// Whether an exclusion rules out every placement of the free requests: the model has no solution.
    private var excludedWhole = false

    /// The model of the `free` requests (none pinned) around `fixed`, in which every other request is as it will
    /// stay and the free ones are unscheduled; `nil` when it would have more than `columnLimit` columns.
    init?(_ instance: Instance, around fixed: Schedule, free: [Bool], columnLimit: Int, exclusions: [Exclusion] = []) {
        self.instance = instance
        self.free = free
        optionColumn = Array(repeating: -1, count: instance.optionStart.count)
        var estimate = 0
        for r in 0..<instance.requestCount where free[r] {
            for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] {
                estimate += 1 + instance.memberCandidates[o].count + instance.teamCandidates[o].count
            }
        }
        guard estimate <= columnLimit else { return nil }
        build(fixed)
        for exclusion in exclusions { exclude(exclusion, around: fixed) }
    }

    /// The row that keeps the free requests from taking exactly the placements `exclusion` gives them, when the fixed
    /// schedule does not already differ from it. With `k` of its requests free, each agrees with it through
    /// `x[o, m] + z[o, t]` (placed as it was: 2) or `2 (1 − Σ y)` (left out as it was: 2): the sum is at most
    /// `2k − 1`. A placement that has no columns here can never agree, and no row is needed.
    private mutating func exclude(_ exclusion: Exclusion, around fixed: Schedule) {
        if !exclusion.changes.isEmpty { return excludeChanges(exclusion.changes, around: fixed) }
        var memberColumn: [Int: Int] = [:]
        var teamColumn: [Int: Int] = [:]
        let stride = instance.personCount + 1
        func key(_ o: Int, _ p: Int) -> Int { o * stride + p + 1 }
        var entries: [(column: Int, value: Double)] = []
        var upper = -1.0
        for (r, placement) in exclusion.entries {
            if !free[r] {
                let agrees = placement.map { fixed.option[r] == $0.option && fixed.member[r] == $0.member && fixed.team[r] == $0.team }
                    ?? !fixed.isScheduled(r)
                if agrees { continue }
                return
            }
            if let (o, m, t) = placement {
                if memberColumn.isEmpty {
                    for entry in memberColumns { memberColumn[key(entry.option, entry.member)] = entry.column }
                    for entry in teamColumns { teamColumn[key(entry.option, entry.team)] = entry.column }
                }
                guard let x = memberColumn[key(o, m)], let z = teamColumn[key(o, t)] else { return }
                entries += [(x, 1), (z, 1)]
                upper += 2
            } else {
                for o in instance.optionBase[r]..<instance.optionBase[r + 1] where optionColumn[o] >= 0 { entries.append((optionColumn[o], -2)) }
                upper += 0
            }
        }
        if entries.isEmpty && upper < 0 {
            // Every request of the exclusion is fixed as it excludes, or left out with no option it could take.
            excludedWhole = true
            return
        }
        rows.append((entries, -.infinity, upper))
    }

    /// The row that keeps the free requests from making every change of an excluded repair: with `n` changes, the sum
    /// of their indicators is at most `n − 1`. A new time is the sum of `y[o]` over the other options, a new member of
    /// `x[o, m]` over the other members (or none), a new team of `z[o, t]` over the other teams, and dropped is
    /// `1 − Σ y`; a change of a fixed request is a constant (one the fixed schedule does not make needs no row).
    private mutating func excludeChanges(_ changes: [Exclusion.Change], around fixed: Schedule) {
        var entries: [(column: Int, value: Double)] = []
        var upper = Double(changes.count - 1)
        for change in changes {
            let r = change.request
            if !free[r] {
                let placement = fixed.isScheduled(r) ? (fixed.option[r], fixed.member[r], fixed.team[r]) : nil
                guard change.isMade(by: placement) else { return }
                upper -= 1
                continue
            }
            let options = instance.optionBase[r]..<instance.optionBase[r + 1]
            switch change.kind {
            case .time:
                for o in options where optionColumn[o] >= 0 && o != change.published.option { entries.append((optionColumn[o], 1)) }
            case .member:
                for entry in memberColumns where options.contains(entry.option) && entry.member != change.published.member {
                    entries.append((entry.column, 1))
                }
            case .team:
                for entry in teamColumns where options.contains(entry.option) && entry.team != change.published.team {
                    entries.append((entry.column, 1))
                }
            case .dropped:
                for o in options where optionColumn[o] >= 0 { entries.append((optionColumn[o], -1)) }
                upper -= 1
            }
        }
        if entries.isEmpty {
            if upper < 0 { excludedWhole = true }
            return
        }
        rows.append((entries, -.infinity, upper))
    }

    private mutating func addColumn(cost: Int, upper: Double = 1, integer: Bool = true) -> Int {
        lower.append(0)
        self.upper.append(upper)
        objective.append(Double(cost))
        isInteger.append(integer)
        columnCount += 1
        return columnCount - 1
    }

    /// Whether option `o` of free request `r` keeps the order with its fixed neighbours.
    private func orderAllows(_ r: Int, _ o: Int, _ fixed: Schedule) -> Bool {
        for p in instance.predecessors[r] where !free[p] {
            let po = fixed.option[p]
            guard po >= 0, instance.optionEnd[po] <= instance.optionStart[o] else { return false }
        }
        for q in instance.successors[r] where !free[q] {
            let qo = fixed.option[q]
            if qo >= 0 && instance.optionEnd[o] > instance.optionStart[qo] { return false }
        }
        return true
    }

    private mutating func build(_ fixed: Schedule) {
        // Read through a local copy: reading `self.instance` in a mutating method copies the whole instance each time
        // in an unoptimised build.
        let instance = self.instance
        let weights = instance.weights
        // Person → the (option, column) pairs it may take.
        var byPerson = [[(option: Int, column: Int)]](repeating: [], count: instance.personCount)
        for r in 0..<instance.requestCount where free[r] {
            var chosenColumns: [Int] = []
            for o in instance.optionBase[r]..<instance.optionBase[r + 1] where instance.optionAllowed[o] && orderAllows(r, o, fixed) {
                let teams = instance.teamCandidates[o].filter { fixed.fits($0, o, instance) }
                var members = instance.memberCandidates[o].filter { fixed.fits($0, o, instance) }
                if !instance.needsMember[r] { members.append(-1) }
                guard !teams.isEmpty, !members.isEmpty else { continue }
                let y = addColumn(cost: instance.optionCost(o) - instance.unscheduledCost[r])
                optionColumn[o] = y
                chosenColumns.append(y)
                var memberRow = [(column: y, value: -1.0)]
                for m in members {
                    // A member who already has a fixed session that date pays the same-day term for this one.
                    let sameDay = m >= 0 && fixed.count(m, on: instance.optionDay[o], instance) > 0 ? weights.sameDay : 0
                    let column = addColumn(cost: instance.memberCost(r, m) + sameDay)
                    memberColumns.append((o, m, column))
                    memberRow.append((column, 1))
                    if m >= 0 { byPerson[m].append((o, column)) }
                }
                rows.append((memberRow, 0, 0))
                var teamRow = [(column: y, value: -1.0)]
                for t in teams {
                    let column = addColumn(cost: instance.teamCost(r, t))
                    teamColumns.append((o, t, column))
                    teamRow.append((column, 1))
                    byPerson[t].append((o, column))
                }
                rows.append((teamRow, 0, 0))
            }
            let mustPlace = instance.successors[r].contains { !free[$0] && fixed.option[$0] >= 0 }
            if chosenColumns.count > 1 || mustPlace { rows.append((chosenColumns.map { ($0, 1) }, mustPlace ? 1 : 0, 1)) }
        }
        for r in 0..<instance.requestCount where free[r] {
            for p in instance.predecessors[r] where free[p] {
                for o in instance.optionBase[r]..<instance.optionBase[r + 1] where optionColumn[o] >= 0 {
                    var entries = [(column: optionColumn[o], value: 1.0)]
                    for q in instance.optionBase[p]..<instance.optionBase[p + 1]
                    where optionColumn[q] >= 0 && instance.optionEnd[q] <= instance.optionStart[o] {
                        entries.append((optionColumn[q], -1))
                    }
                    rows.append((entries, -.infinity, 0))
                }
            }
        }
        for person in 0..<instance.personCount { addPersonRows(person, byPerson[person], fixed, weights: weights) }
    }

    private mutating func addPersonRows(_ person: Int, _ taken: [(option: Int, column: Int)], _ fixed: Schedule, weights: Weights) {
        guard !taken.isEmpty else { return }
        let instance = self.instance
        let optionStart = instance.optionStart
        let optionEnd = instance.optionEnd
        let sorted = taken.sorted { (optionStart[$0.option], $0.column) < (optionStart[$1.option], $1.column) }
        // Options overlapping one instant pairwise clash: one row per distinct set, at each start.
        var lastClique: [Int] = []
        for anchor in sorted {
            let instant = optionStart[anchor.option]
            let clique = sorted.filter { optionStart[$0.option] <= instant && instant < optionEnd[$0.option] }.map(\.column)
            if clique.count > 1 && clique != lastClique && !Set(clique).isSubset(of: lastClique) {
                rows.append((clique.map { ($0, 1) }, -.infinity, 1))
            }
            lastClique = clique
        }
        // Pairs that do not overlap but leave too little time to travel (other requests only: one option each).
        for i in sorted.indices {
            for j in (i + 1)..<sorted.count {
                let a = sorted[i].option
                let b = sorted[j].option
                guard instance.optionRequest[a] != instance.optionRequest[b], optionEnd[a] <= optionStart[b] else { continue }
                if instance.clash(a, b) { rows.append(([(sorted[i].column, 1), (sorted[j].column, 1)], -.infinity, 1)) }
            }
        }
        var byDay: [Int: [Int]] = [:]
        for entry in sorted { byDay[instance.optionDay[entry.option], default: []].append(entry.column) }
        for day in byDay.keys.sorted() {
            let columns = byDay[day]!
            let already = fixed.count(person, on: day, instance)
            let room = instance.maxPerDay[person] - already
            if columns.count > room { rows.append((columns.map { ($0, 1) }, -.infinity, Double(room))) }
            if person < instance.memberCount && already == 0 && columns.count > 1 {
                let extra = addColumn(cost: weights.sameDay, upper: .infinity, integer: false)
                rows.append((columns.map { ($0, 1) } + [(extra, -1)], -.infinity, 1))
            }
        }
    }

    /// The result of ``solve(seconds:start:)``.
    struct Outcome {
        /// `(option, member or -1, team)` of each scheduled request, by request index.
        var placements: [(option: Int, member: Int, team: Int)?]
        /// Whether CBC proved the placements optimal.
        var provenOptimal: Bool
        /// No placement of the free requests lowers the score by more than this (CBC's best bound on the objective).
        var bound: Double
        /// The objective of `placements`.
        var objective: Double

        /// The lower bound on the whole score that CBC proved, given the fixed schedule the model was built around:
        /// scores are integers, so the bound rounds up. `nil` when CBC proved nothing: its bound is only trusted when
        /// the search is proven or the bound lies below the schedule it returned (a search stopped before its root
        /// relaxation was solved reports the schedule itself).
        func scoreBound(around fixed: Schedule) -> Int? {
            guard bound.isFinite, abs(bound) < 1e15, provenOptimal || bound < objective - 0.999 else { return nil }
            // CBC's values carry rounding noise: a bound within a hair of an integer is that integer.
            let nearest = bound.rounded()
            return fixed.cost + Int(abs(bound - nearest) < 1e-6 ? nearest : bound.rounded(.up))
        }
    }

    /// Solves the model within `seconds` (and `nodeLimit` branch-and-bound nodes, if given), starting from the
    /// complete schedule `start` (a valid incumbent); the search ends early, with the best schedule so far, once
    /// `stop` is raised; `presolve` runs Clp's presolve before each relaxation. `nil` when CBC found no solution.
    /// Several models may be solved at once on different threads.
    func solve(seconds: Double, nodeLimit: Int?, start: Schedule?, stop: StopSignal? = nil, presolve: Bool = true) -> Outcome? {
        if excludedWhole { return nil }
        // Nothing left to decide (no free request has a usable option): every free request stays out.
        if columnCount == 0 {
            return Outcome(placements: Array(repeating: nil, count: instance.requestCount), provenOptimal: true, bound: 0, objective: 0)
        }
        guard let model = CbcConcurrent_newModel() else { return nil }
        defer { Cbc_deleteModel(model) }

        // Column-major sparse matrix, as Cbc_loadProblem takes it.
        var counts = [Int32](repeating: 0, count: columnCount + 1)
        for row in rows { for entry in row.entries { counts[entry.column + 1] += 1 } }
        for c in 0..<columnCount { counts[c + 1] += counts[c] }
        var next = counts
        var index = [Int32](repeating: 0, count: Int(counts[columnCount]))
        var value = [Double](repeating: 0, count: index.count)
        for (r, row) in rows.enumerated() {
            for entry in row.entries {
                let at = Int(next[entry.column])
                index[at] = Int32(r)
                value[at] = entry.value
                next[entry.column] += 1
            }
        }
        var rowLower = rows.map(\.lower)
        var rowUpper = rows.map(\.upper)
        var lower = lower
        var upper = upper
        var objective = objective
        Cbc_loadProblem(model, Int32(columnCount), Int32(rows.count), &counts, &index, &value, &lower, &upper, &objective, &rowLower, &rowUpper)
        for c in 0..<columnCount where isInteger[c] { Cbc_setInteger(model, Int32(c)) }
        Cbc_setLogLevel(model, 0)
        Cbc_setMaximumSeconds(model, max(0.05, seconds))
        if let nodeLimit { Cbc_setMaximumNodes(model, Int32(nodeLimit)) }
        // Scores are integers: a gap below one already proves the incumbent optimal.
        Cbc_setAllowableGap(model, 0.999)
        Cbc_setParameter(model, "timeMode", "elapsed")
        // Measured on the public weeks: the LP relaxation is nearly integral, so CBC's presolve and primal heuristics
        // cost far more than they save (district-100: 0.36 s → 0.07 s; province-500: proven in 2.9 s instead of > 15 s).
        Cbc_setParameter(model, "preprocess", "off")
        Cbc_setParameter(model, "heuristicsOnOff", "off")
        // Probing found nothing useful on any public week and took 7 of province-500's 10 s (proven in 3.1 s without it).
        Cbc_setParameter(model, "probingCuts", "off")
        // The whole week's relaxation (province-500: 48,000 columns) solves in well under half the time without Clp's
        // presolve, and the proof ends sooner (2.8–3.1 s instead of 4.1–4.8 s, same host and load).
        if !presolve { Cbc_setParameter(model, "presolve", "off") }

        if let start { setStart(model, start) }

        _ = CbcConcurrent_solve(model, stop?.flag)
        guard let solution = Cbc_bestSolution(model) else { return nil }
        var placements = [(option: Int, member: Int, team: Int)?](repeating: nil, count: instance.requestCount)
        var memberOf: [Int: Int] = [:]
        for (o, m, column) in memberColumns where solution[column] > 0.5 { memberOf[o] = m }
        for (o, t, column) in teamColumns where solution[column] > 0.5 {
            guard solution[optionColumn[o]] > 0.5, let m = memberOf[o] else { continue }
            placements[instance.optionRequest[o]] = (o, m, t)
        }
        return Outcome(
            placements: placements, provenOptimal: Cbc_isProvenOptimal(model) != 0, bound: Cbc_getBestPossibleObjValue(model),
            objective: Cbc_getObjValue(model))
    }

    /// Gives CBC the complete valid schedule `start` as its first incumbent.
    private func setStart(_ model: UnsafeMutableRawPointer, _ start: Schedule) {
        var startColumns: [Int32] = []
        var startValues: [Double] = []
        for o in optionColumn.indices where optionColumn[o] >= 0 {
            startColumns.append(Int32(optionColumn[o]))
            startValues.append(start.option[instance.optionRequest[o]] == o ? 1 : 0)
        }
        for (o, m, column) in memberColumns {
            let r = instance.optionRequest[o]
            startColumns.append(Int32(column))
            startValues.append(start.option[r] == o && start.member[r] == m ? 1 : 0)
        }
        for (o, t, column) in teamColumns {
            let r = instance.optionRequest[o]
            startColumns.append(Int32(column))
            startValues.append(start.option[r] == o && start.team[r] == t ? 1 : 0)
        }
        Cbc_setMIPStartI(model, Int32(startColumns.count), &startColumns, &startValues)
    }
}

/// A solution the search must not return again (``Solver/alternatives(_:count:options:)``).
///
/// Without a baseline: its placement (or `nil`, left out) of each request; a schedule avoids it when it differs on at
/// least one of them. With a baseline: the kinds of change it made to the published week, request by request (a new
/// time, member or team, or dropped); a schedule avoids it when it lacks at least one of them — so that the next
/// alternative is another kind of repair (move the time rather than swap the member), not the same repair with
/// another person, and never the same changes with more added.
struct Exclusion {
    var entries: [(request: Int, placement: (option: Int, member: Int, team: Int)?)] = []
    var changes: [Change] = []

    /// One change of the excluded solution: its kind, and the request's published placement it is measured from.
    struct Change {
        var request: Int
        var kind: BaselineChange.Kind
        var published: (option: Int, member: Int, team: Int)

        /// Whether a schedule placing the request at `placement` (nil: left out) makes this kind of change.
        func isMade(by placement: (option: Int, member: Int, team: Int)?) -> Bool {
            guard let placement else { return kind == .dropped }
            switch kind {
            case .time: return placement.option != published.option
            case .member: return placement.member != published.member
            case .team: return placement.team != published.team
            case .dropped: return false
            }
        }
    }

    func isAvoided(by s: Schedule) -> Bool {
        if !changes.isEmpty {
            return changes.contains { change in
                let r = change.request
                return !change.isMade(by: s.isScheduled(r) ? (s.option[r], s.member[r], s.team[r]) : nil)
            }
        }
        return entries.contains { r, placement in
            guard let placement else { return s.isScheduled(r) }
            return s.option[r] != placement.option || s.member[r] != placement.member || s.team[r] != placement.team
        }
    }
}
