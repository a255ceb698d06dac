/// Checks a ``Solution`` against the spec's ten hard rules and recomputes its score.
///
/// Written straight from the spec's text over the public model, independently of the solver's internals, so that
/// the tests can use it as an oracle for the solver.
public enum SolutionChecker {
    /// Every violated hard rule (plus a wrong `version` or `score`), one line each; empty when the solution is valid.
    public static func check(_ s: Solution, against p: Problem) -> [String] {
        var audit = Audit(problem: p)
        if s.version != 1 { audit.violations.append("format: version must be 1, found \(s.version)") }
        audit.run(assignments: s.assignments, unscheduled: s.unscheduled, checkPinsAndReasons: true)
        let recomputed = score(s, p)
        if recomputed != s.score {
            audit.violations.append("format: score: solution says \(s.score), recomputed score is \(recomputed)")
        }
        return audit.violations
    }

    /// The spec's penalty of the solution's assignments (its `score` field is ignored); invalid option indexes count
    /// as unscheduled. With a ``Problem/published`` baseline, each published request adds `dropped × weight` when
    /// unscheduled, else `moved`, `memberChanged` and `teamChanged` for what differs from its published entry.
    public static func score(_ s: Solution, _ p: Problem) -> Int {
        scoreTerms(s, p).reduce(0) { $0 + $1.value }
    }

    /// The penalty by term, keyed as the reference checker's breakdown: `unscheduled`, `rank`, `noMember`,
    /// `notInCharge`, `sameDay`, and with a baseline `moved`, `memberChanged`, `teamChanged`, `dropped`.
    public static func scoreTerms(_ s: Solution, _ p: Problem) -> [String: Int] {
        var terms = ["unscheduled": 0, "rank": 0, "noMember": 0, "notInCharge": 0, "sameDay": 0]
        var chosen: [String: Assignment] = [:]
        for a in s.assignments where chosen[a.request] == nil { chosen[a.request] = a }
        var perMemberDate: [String: [Int: Int]] = [:]
        for request in p.requests {
            guard let a = chosen[request.id], request.options.indices.contains(a.option) else {
                terms["unscheduled"]! += p.weights.unscheduled * request.weight
                continue
            }
            terms["rank"]! += p.weights.rank * a.option
            if let member = a.member {
                if !request.inCharge.isEmpty && !request.inCharge.contains(member) { terms["notInCharge"]! += p.weights.notInCharge }
                perMemberDate[member, default: [:]][request.options[a.option].start.daysSinceEpoch, default: 0] += 1
            } else {
                terms["noMember"]! += p.weights.noMember
            }
        }
        for dates in perMemberDate.values {
            for count in dates.values where count > 1 { terms["sameDay"]! += p.weights.sameDay * (count - 1) }
        }
        if !p.published.isEmpty {
            let diff = p.changes(in: s)
            let weights = Dictionary(p.requests.map { ($0.id, $0.weight) }, uniquingKeysWith: { first, _ in first })
            terms["moved"] = p.weights.moved * diff.moved
            terms["memberChanged"] = p.weights.memberChanged * diff.memberChanged
            terms["teamChanged"] = p.weights.teamChanged * diff.teamChanged
            terms["dropped"] = diff.changes.filter { $0.kind == .dropped }.reduce(0) { $0 + p.weights.dropped * (weights[$1.request] ?? 0) }
        }
        return terms
    }

    /// Hard rules 2–8 applied to the pins alone; each line names the pins involved (`pinned[0], pinned[2]: …`).
    static func pinConflicts(_ p: Problem) -> [String] {
        var audit = Audit(problem: p)
        var pinIndex: [String: Int] = [:]
        for (index, pin) in p.pinned.enumerated() { pinIndex[pin.request] = index }
        audit.run(assignments: p.pinned, unscheduled: [], checkPinsAndReasons: false)
        return zip(audit.violations, audit.involved).map { message, ids in
            let pins = Set(ids.compactMap { pinIndex[$0] }).sorted().map { "pinned[\($0)]" }
            return "\(pins.isEmpty ? "pinned" : pins.joined(separator: ", ")): pinned sessions break hard \(message)"
        }
    }
}

/// One pass of the hard rules over a list of assignments.
private struct Audit {
    let problem: Problem
    var violations: [String] = []
    /// The request ids each violation involves (parallel to `violations`).
    var involved: [[String]] = []

    init(problem: Problem) {
        self.problem = problem
        var pairs: [String: [String: Int]] = [:]
        for pair in problem.travelMinutes.pairs where pair.a != pair.b && pairs[pair.a]?[pair.b] == nil {
            pairs[pair.a, default: [:]][pair.b] = pair.minutes
            pairs[pair.b, default: [:]][pair.a] = pair.minutes
        }
        travelPairs = pairs
    }

    /// The minutes of `travelMinutes.pairs` by location and location, both ways, the first pair of two locations
    /// winning as in ``TravelMinutes/minutes(from:to:)``; pairs with `a == b` left out.
    private let travelPairs: [String: [String: Int]]

    /// The spec's `travel(x, y)`.
    private func travel(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        return travelPairs[x]?[y] ?? problem.travelMinutes.defaultMinutes
    }

    mutating func violate(_ rule: Int, _ message: String, _ ids: [String] = []) {
        violations.append("rule \(rule): \(message)")
        involved.append(ids)
    }

    private struct Session {
        var request: Request
        var index: Int
        var when: TimeOption
    }

    /// `checkPinsAndReasons` is false for the pins-alone check: rules 1, 9 and 10 and the "predecessor not
    /// scheduled" half of rule 8 only make sense for a whole solution.
    mutating func run(assignments: [Assignment], unscheduled: [Unscheduled], checkPinsAndReasons whole: Bool) {
        let p = problem
        var requestIndex: [String: Int] = [:]
        for (index, request) in p.requests.enumerated() where requestIndex[request.id] == nil { requestIndex[request.id] = index }
        let members = Dictionary(p.members.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let teams = Dictionary(p.teams.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        // Rule 1.
        var chosen: [String: Assignment] = [:]
        var seen: [String: [String]] = [:]
        for (i, a) in assignments.enumerated() {
            guard requestIndex[a.request] != nil else {
                violate(1, "assignments[\(i)] names unknown request '\(a.request)'", [a.request])
                continue
            }
            seen[a.request, default: []].append("assignments[\(i)]")
            if chosen[a.request] == nil { chosen[a.request] = a }
        }
        if whole {
            for (i, u) in unscheduled.enumerated() {
                guard requestIndex[u.request] != nil else {
                    violate(1, "unscheduled[\(i)] names unknown request '\(u.request)'", [u.request])
                    continue
                }
                seen[u.request, default: []].append("unscheduled[\(i)]")
            }
            for request in p.requests {
                let places = seen[request.id] ?? []
                if places.isEmpty {
                    violate(1, "request \(request.id) is neither in assignments nor in unscheduled", [request.id])
                } else if places.count > 1 {
                    violate(1, "request \(request.id) appears \(places.count) times (\(places.joined(separator: ", ")))", [request.id])
                }
            }
        }

        // Rule 2.
        var placed: [String: (Assignment, TimeOption)] = [:]
        for request in p.requests {
            guard let a = chosen[request.id] else { continue }
            guard request.options.indices.contains(a.option) else {
                violate(2, "\(request.id): option \(a.option) is not a valid index (the request has \(request.options.count) options)", [request.id])
                continue
            }
            let when = request.options[a.option]
            if let notBefore = request.notBefore, when.start < notBefore {
                violate(2, "\(request.id): option \(a.option) starts \(when.start), before notBefore \(notBefore)", [request.id])
            }
            placed[request.id] = (a, when)
        }

        // Rules 3 and 4.
        for request in p.requests {
            guard let (a, _) = placed[request.id] else { continue }
            if let team = teams[a.team] {
                if !team.blocs.contains(request.bloc) {
                    violate(3, "\(request.id): team \(a.team) does not cover bloc '\(request.bloc)' (its blocs: \(team.blocs.sorted().joined(separator: ", ")))", [request.id])
                }
            } else {
                violate(3, "\(request.id): team '\(a.team)' does not exist", [request.id])
            }
            if let member = a.member {
                if members[member] == nil { violate(4, "\(request.id): member '\(member)' does not exist", [request.id]) }
            } else if request.needsMember {
                violate(4, "\(request.id): member is null but the request needs a member", [request.id])
            }
        }

        // Rules 5, 6 and 7, person by person.
        var memberSessions: [String: [Session]] = [:]
        var teamSessions: [String: [Session]] = [:]
        for (index, request) in p.requests.enumerated() {
            guard let (a, when) = placed[request.id] else { continue }
            let session = Session(request: request, index: index, when: when)
            if let member = a.member, members[member] != nil { memberSessions[member, default: []].append(session) }
            if teams[a.team] != nil { teamSessions[a.team, default: []].append(session) }
        }
        for member in p.members {
            if let sessions = memberSessions[member.id] {
                checkPerson("member \(member.id)", member.busy, member.maxPerDay, sessions)
            }
        }
        for team in p.teams {
            if let sessions = teamSessions[team.id] {
                checkPerson("team \(team.id)", team.busy, team.maxPerDay, sessions)
            }
        }

        // Rule 8.
        for request in p.requests {
            guard let (_, when) = placed[request.id] else { continue }
            for predecessor in request.after {
                if let (_, before) = placed[predecessor] {
                    if before.end > when.start {
                        violate(8, "\(predecessor) (\(before.start)–\(before.end)) must end by the start of \(request.id) (\(when.start))", [request.id, predecessor])
                    }
                } else if whole && chosen[predecessor] == nil {
                    violate(8, "\(request.id) is scheduled but \(predecessor), which must take place before it, is not", [request.id, predecessor])
                }
            }
        }

        guard whole else { return }
        // Rule 9.
        for (i, pin) in p.pinned.enumerated() {
            let expected = "option \(pin.option), member \(pin.member ?? "null"), team \(pin.team)"
            guard let a = chosen[pin.request] else {
                violate(9, "pinned[\(i)]: \(pin.request) must be assigned (\(expected)) but is not", [pin.request])
                continue
            }
            if a.option != pin.option || a.member != pin.member || a.team != pin.team {
                violate(9, "pinned[\(i)]: \(pin.request) is pinned to \(expected), assigned option \(a.option), member \(a.member ?? "null"), team \(a.team)", [pin.request])
            }
        }
        // Rule 10.
        for (i, u) in unscheduled.enumerated() where !u.reason.contains(where: \.isLetter) {
            violate(10, "unscheduled[\(i)] (\(u.request)): reason must be a non-empty sentence", [u.request])
        }
    }

    private mutating func checkPerson(_ label: String, _ busy: [TimeOption], _ maxPerDay: Int, _ unsorted: [Session]) {
        let sessions = unsorted.sorted { ($0.when.start, $0.index) < ($1.when.start, $1.index) }
        for (i, a) in sessions.enumerated() {
            for b in sessions[(i + 1)...] {
                let gap = travel(a.request.location, b.request.location)
                if a.when.end.adding(minutes: gap) > b.when.start {
                    violate(5, "\(label) is in \(a.request.id) (\(a.when.start)–\(a.when.end) at \(a.request.location)) and \(b.request.id) (\(b.when.start)–\(b.when.end) at \(b.request.location)); needs end + \(gap) min travel <= start", [a.request.id, b.request.id])
                }
            }
            for block in busy where block.intersects(a.when) {
                violate(6, "\(label) is busy \(block.start)–\(block.end) during \(a.request.id) (\(a.when.start)–\(a.when.end))", [a.request.id])
            }
        }
        var byDate: [Int: [String]] = [:]
        for session in sessions { byDate[session.when.start.daysSinceEpoch, default: []].append(session.request.id) }
        for date in byDate.keys.sorted() {
            let ids = byDate[date]!
            if ids.count > maxPerDay {
                violate(7, "\(label) has \(ids.count) sessions starting on \(LocalDate(daysSinceEpoch: date)) (maxPerDay \(maxPerDay)): \(ids.joined(separator: ", "))", ids)
            }
        }
    }
}
