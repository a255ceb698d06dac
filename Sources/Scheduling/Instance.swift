/// A ``Problem`` compiled into flat integer arrays for the search.
///
/// Requests, members and teams become indexes; every option of every request gets one global index `o`
/// (`optionBase[r] + rank`). Members and teams share one "person" index space: members `0..<memberCount`, then
/// teams. Busy blocks and bloc coverage are settled here once, as per-option candidate lists.
struct Instance {
    let problem: Problem
    let requestCount: Int
    let memberCount: Int
    let teamCount: Int
    var personCount: Int { memberCount + teamCount }

    /// Options of request `r` are `optionBase[r]..<optionBase[r + 1]`.
    let optionBase: [Int]
    let optionStart: [Int]
    let optionEnd: [Int]
    /// Local date (day number) of the option's start.
    let optionDay: [Int]
    let optionRequest: [Int]
    /// Whether the option starts at or after the request's `notBefore`.
    let optionAllowed: [Bool]
    /// Members free of busy blocks during the option, cheapest (in charge) first.
    let memberCandidates: [[Int]]
    /// How many of `memberCandidates[o]` are in charge of the request (they come first).
    let inChargePrefix: [Int]
    /// Persons (team indexes offset by `memberCount`) covering the bloc and free of busy blocks, specialists first.
    let teamCandidates: [[Int]]

    let location: [Int]
    private let locationCount: Int
    private let travelTable: [Int32]

    let maxPerDay: [Int]
    let needsMember: [Bool]
    let inCharge: [[Int]]
    let unscheduledCost: [Int]
    let predecessors: [[Int]]
    let successors: [[Int]]
    /// The pinned choice of each request, as (global option, member or -1, team person).
    let pin: [(option: Int, member: Int, team: Int)?]
    /// The published choice of each request (``Problem/published``), as (global option, member or -1, team person):
    /// the baseline the score's `moved`, `memberChanged`, `teamChanged` and `dropped` terms compare with.
    let published: [(option: Int, member: Int, team: Int)?]
    /// Requests that must be scheduled in every valid solution: pinned ones and all their predecessors.
    let forced: [Bool]
    /// A lower bound of each request's own cost: its cheapest option, member and team, ignoring everyone else.
    private(set) var lowerBound: [Int]
    /// Requests with at least one option starting on each day (`day - firstDay`).
    let requestsByDay: [[Int]]
    let firstDay: Int
    let weights: Weights

    init(_ problem: Problem) {
        self.problem = problem
        weights = problem.weights
        requestCount = problem.requests.count
        memberCount = problem.members.count
        teamCount = problem.teams.count

        var memberIndex: [String: Int] = [:]
        for (i, m) in problem.members.enumerated() where memberIndex[m.id] == nil { memberIndex[m.id] = i }
        var teamIndex: [String: Int] = [:]
        for (i, t) in problem.teams.enumerated() where teamIndex[t.id] == nil { teamIndex[t.id] = i }
        var requestIndex: [String: Int] = [:]
        for (i, r) in problem.requests.enumerated() where requestIndex[r.id] == nil { requestIndex[r.id] = i }

        var locationIndex: [String: Int] = [:]
        location = problem.requests.map { request in
            if let index = locationIndex[request.location] { return index }
            let index = locationIndex.count
            locationIndex[request.location] = index
            return index
        }
        locationCount = locationIndex.count
        var table = [Int32](repeating: Int32(clamping: problem.travelMinutes.defaultMinutes), count: locationCount * locationCount)
        for i in 0..<locationCount { table[i * locationCount + i] = 0 }
        var pairSeen = Set<Int>()
        for pair in problem.travelMinutes.pairs where pair.a != pair.b {
            guard let a = locationIndex[pair.a], let b = locationIndex[pair.b] else { continue }
            // The first pair wins, as in the spec's reading "the pair's minutes" (repeats with other minutes are invalid).
            guard pairSeen.insert(min(a, b) * locationCount + max(a, b)).inserted else { continue }
            table[a * locationCount + b] = Int32(clamping: pair.minutes)
            table[b * locationCount + a] = Int32(clamping: pair.minutes)
        }
        travelTable = table

        maxPerDay = problem.members.map(\.maxPerDay) + problem.teams.map(\.maxPerDay)
        needsMember = problem.requests.map(\.needsMember)
        inCharge = problem.requests.map { $0.inCharge.compactMap { memberIndex[$0] } }
        // The first entry of each request counts (a valid problem has no other).
        var publishedEntry: [Int: Assignment] = [:]
        for entry in problem.published {
            guard let r = requestIndex[entry.request], publishedEntry[r] == nil, teamIndex[entry.team] != nil,
                problem.requests[r].options.indices.contains(entry.option)
            else { continue }
            publishedEntry[r] = entry
        }
        // Leaving out a published request also drops it from the published week.
        unscheduledCost = problem.requests.indices.map { r in
            let request = problem.requests[r]
            return problem.weights.unscheduled * request.weight + (publishedEntry[r] != nil ? problem.weights.dropped * request.weight : 0)
        }
        predecessors = problem.requests.map { $0.after.compactMap { requestIndex[$0] } }
        var successors = [[Int]](repeating: [], count: problem.requests.count)
        for (r, list) in predecessors.enumerated() {
            for p in list { successors[p].append(r) }
        }
        self.successors = successors

        var base = [0]
        var starts: [Int] = []
        var ends: [Int] = []
        var days: [Int] = []
        var owners: [Int] = []
        var allowed: [Bool] = []
        var memberLists: [[Int]] = []
        var teamLists: [[Int]] = []
        let memberCount = self.memberCount
        for (r, request) in problem.requests.enumerated() {
            let coveringTeams = problem.teams.indices.filter { problem.teams[$0].blocs.contains(request.bloc) }
                .sorted { (problem.teams[$0].blocs.count, $0) < (problem.teams[$1].blocs.count, $1) }
            let inChargeSet = Set(inCharge[r])
            let memberOrder = problem.members.indices.sorted { (inChargeSet.contains($0) ? 0 : 1, $0) < (inChargeSet.contains($1) ? 0 : 1, $1) }
            for option in request.options {
                starts.append(option.start.minutesSinceEpoch)
                ends.append(option.end.minutesSinceEpoch)
                days.append(option.start.daysSinceEpoch)
                owners.append(r)
                allowed.append(request.notBefore.map { option.start >= $0 } ?? true)
                memberLists.append(memberOrder.filter { m in !problem.members[m].busy.contains { $0.intersects(option) } })
                teamLists.append(
                    coveringTeams.filter { t in !problem.teams[t].busy.contains { $0.intersects(option) } }.map { $0 + memberCount })
            }
            base.append(starts.count)
        }
        optionBase = base
        published = problem.requests.indices.map { r in
            publishedEntry[r].map { entry in
                (base[r] + entry.option, entry.member.flatMap { memberIndex[$0] } ?? -1, teamIndex[entry.team]! + memberCount)
            }
        }
        optionStart = starts
        optionEnd = ends
        optionDay = days
        optionRequest = owners
        optionAllowed = allowed
        memberCandidates = memberLists
        let inChargeLists = inCharge
        inChargePrefix = memberLists.indices.map { o in memberLists[o].prefix { inChargeLists[owners[o]].contains($0) }.count }
        teamCandidates = teamLists

        var pins = [(option: Int, member: Int, team: Int)?](repeating: nil, count: problem.requests.count)
        for pin in problem.pinned {
            guard let r = requestIndex[pin.request], let t = teamIndex[pin.team] else { continue }
            pins[r] = (base[r] + pin.option, pin.member.flatMap { memberIndex[$0] } ?? -1, t + memberCount)
        }
        pin = pins
        var forced = pins.map { $0 != nil }
        var stack = forced.indices.filter { forced[$0] }
        while let r = stack.popLast() {
            for p in predecessors[r] where !forced[p] {
                forced[p] = true
                stack.append(p)
            }
        }
        self.forced = forced

        firstDay = days.min() ?? 0
        var byDay = [[Int]](repeating: [], count: (days.max() ?? 0) - firstDay + 1)
        for r in 0..<problem.requests.count {
            for day in Set(days[base[r]..<base[r + 1]]).sorted() { byDay[day - firstDay].append(r) }
        }
        requestsByDay = byDay

        lowerBound = []
        var bounds: [Int] = []
        for r in 0..<problem.requests.count {
            var best = forced[r] ? Int.max : unscheduledCost[r]
            for o in base[r]..<base[r + 1] where allowed[o] && !teamLists[o].isEmpty {
                var memberCost = needsMember[r] ? Int.max : self.memberCost(r, -1)
                for m in memberLists[o] { memberCost = min(memberCost, self.memberCost(r, m)) }
                let teamCost = teamLists[o].reduce(Int.max) { min($0, self.teamCost(r, $1)) }
                if memberCost != Int.max { best = min(best, optionCost(o) + memberCost + teamCost) }
            }
            bounds.append(best == Int.max ? 0 : best)
        }
        lowerBound = bounds
    }

    @inline(__always) func travel(_ a: Int, _ b: Int) -> Int {
        Int(travelTable[a * locationCount + b])
    }

    /// Whether one person could not attend both options (hard rule 5, either order).
    @inline(__always) func clash(_ a: Int, _ b: Int) -> Bool {
        let startA = optionStart[a]
        let startB = optionStart[b]
        if startA <= startB {
            return optionEnd[a] + travel(location[optionRequest[a]], location[optionRequest[b]]) > startB
        }
        return optionEnd[b] + travel(location[optionRequest[b]], location[optionRequest[a]]) > startA
    }

    /// The penalty for choosing option `o`: its rank, and `moved` when its request was published at another option.
    @inline(__always) func optionCost(_ o: Int) -> Int {
        let r = optionRequest[o]
        let rank = weights.rank * (o - optionBase[r])
        if let p = published[r], p.option != o { return rank + weights.moved }
        return rank
    }

    /// The penalty for member `m` (-1: none) at request `r`, before the same-day term: no member, not in charge, and
    /// `memberChanged` when the request was published with another member (or none, -1 being a value too).
    @inline(__always) func memberCost(_ r: Int, _ m: Int) -> Int {
        var cost: Int
        if m < 0 {
            cost = weights.noMember
        } else {
            let list = inCharge[r]
            cost = list.isEmpty || list.contains(m) ? 0 : weights.notInCharge
        }
        if let p = published[r], p.member != m { cost += weights.memberChanged }
        return cost
    }

    /// The penalty for team `t` (person index) at request `r`: `teamChanged` when it was published with another team.
    @inline(__always) func teamCost(_ r: Int, _ t: Int) -> Int {
        if let p = published[r], p.team != t { return weights.teamChanged }
        return 0
    }

    /// Whether the week has a published baseline.
    var hasBaseline: Bool { !problem.published.isEmpty }
}
