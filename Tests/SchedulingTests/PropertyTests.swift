import Foundation
import Testing

@testable import Scheduling

/// A small seeded generator of valid problems in the shape of `gen_problem.py` (half-day slots, blocs, busy
/// blocks, in-charge members, lead times, `after` chains, an occasional pin), scaled down so that brute force can
/// check them.
struct ProblemGenerator {
    var rng: RandomSource

    init(seed: UInt64) {
        rng = RandomSource(seed: seed)
    }

    private mutating func chance(_ p: Double) -> Bool {
        Double(rng.below(1000)) < p * 1000
    }

    private static let monday = LocalDateTime(exact: "2023-12-11T00:00")!

    private func at(day: Int, _ hour: Int, _ minute: Int) -> LocalDateTime {
        Self.monday.adding(minutes: day * 1440 + hour * 60 + minute)
    }

    private mutating func slot(day: Int) -> TimeOption {
        switch rng.below(5) {
        case 0, 1: return TimeOption(start: at(day: day, 7, 30), end: at(day: day, 11, 30))
        case 2, 3: return TimeOption(start: at(day: day, 13, 30), end: at(day: day, 17, 0))
        default: return TimeOption(start: at(day: day, 7, 30), end: at(day: day, 17, 0))
        }
    }

    mutating func problem(requests: Int, members: Int, teams: Int, days: Int) -> Problem {
        let blocs = ["xa", "dang", "su-nghiep"]
        let places = ["xa-a", "xa-b", "huyen-uy", "xa-c"]
        let memberList = (0..<members).map { i in
            Member(
                id: "m\(i + 1)", name: "Thành viên \(i + 1)", maxPerDay: chance(0.25) ? 1 : 2,
                busy: chance(0.3) ? [slot(day: rng.below(days))] : [])
        }
        let teamList = (0..<teams).map { i in
            Team(
                id: "t\(i + 1)", name: "Tổ công tác số \(i + 1)",
                blocs: i == 0 ? ["xa"] : Array(Set([blocs[rng.below(3)], blocs[rng.below(3)]])).sorted(),
                maxPerDay: chance(0.2) ? 1 : 2, busy: chance(0.2) ? [slot(day: rng.below(days))] : [])
        }
        var requestList: [Request] = []
        for i in 0..<requests {
            var options: [TimeOption] = []
            for _ in 0..<(1 + rng.below(2)) {
                let option = slot(day: rng.below(days))
                if !options.contains(option) { options.append(option) }
            }
            let after = i > 0 && chance(0.3) ? ["r\(rng.below(i) + 1)"] : []
            let notBefore = chance(0.2) ? at(day: rng.below(days), 0, 0) : nil
            requestList.append(
                Request(
                    id: "r\(i + 1)", unit: "u\(i + 1)", bloc: blocs[rng.below(3)], location: places[rng.below(places.count)],
                    needsMember: !chance(0.3), inCharge: chance(0.8) ? ["m\(rng.below(members) + 1)"] : [],
                    weight: chance(0.25) ? 3 : 1, notBefore: notBefore, after: after, options: options))
        }
        var problem = Problem(
            week: ISOWeek(year: 2023, week: 50)!, members: memberList, teams: teamList,
            travelMinutes: TravelMinutes(defaultMinutes: 30, pairs: [TravelPair(a: "xa-a", b: "xa-b", minutes: 150)]),
            requests: requestList)
        if chance(0.3), let request = requestList.first, let team = teamList.first(where: { $0.blocs.contains(request.bloc) }) {
            problem.pinned = [Assignment(request: request.id, option: 0, member: memberList.first?.id, team: team.id)]
            if !problem.defects().isEmpty { problem.pinned = [] }
        }
        return problem
    }
}

/// The least score of any valid solution (among those `accepted`, when given), by trying every assignment (with
/// pruning on the pairwise rules), written from the spec independently of the solver; `nil` when no valid solution
/// exists.
func bruteForceOptimum(_ p: Problem, accepted: ((Solution) -> Bool)? = nil) -> Int? {
    struct Choice {
        var option: Int
        var member: String?
        var team: String
    }
    let pins = Dictionary(p.pinned.map { ($0.request, $0) }, uniquingKeysWith: { a, _ in a })
    var choices: [[Choice?]] = []
    for request in p.requests {
        var list: [Choice?] = []
        if let pin = pins[request.id] {
            list = [Choice(option: pin.option, member: pin.member, team: pin.team)]
        } else {
            list.append(nil)
            for (k, option) in request.options.enumerated() where request.notBefore.map({ option.start >= $0 }) ?? true {
                let members = p.members.filter { m in !m.busy.contains { $0.intersects(option) } }.map { Optional($0.id) }
                for member in members + (request.needsMember ? [] : [nil]) {
                    for team in p.teams where team.blocs.contains(request.bloc) && !team.busy.contains(where: { $0.intersects(option) }) {
                        list.append(Choice(option: k, member: member, team: team.id))
                    }
                }
            }
        }
        choices.append(list)
    }
    var best: Int?
    var current: [Choice?] = []
    func compatible(_ i: Int, _ a: Choice, _ j: Int, _ b: Choice) -> Bool {
        let x = p.requests[i].options[a.option]
        let y = p.requests[j].options[b.option]
        let shareMember = a.member != nil && a.member == b.member
        if shareMember || a.team == b.team {
            let (first, second, from, to) = x.start <= y.start ? (x, y, p.requests[i].location, p.requests[j].location) : (y, x, p.requests[j].location, p.requests[i].location)
            if first.end.adding(minutes: p.travelMinutes.minutes(from: from, to: to)) > second.start { return false }
        }
        if p.requests[i].after.contains(p.requests[j].id) && y.end > x.start { return false }
        if p.requests[j].after.contains(p.requests[i].id) && x.end > y.start { return false }
        return true
    }
    func perDayOK(_ upTo: Int) -> Bool {
        var counts: [String: Int] = [:]
        for (i, choice) in current.enumerated() where i <= upTo {
            guard let choice else { continue }
            let day = p.requests[i].options[choice.option].start.daysSinceEpoch
            if let m = choice.member { counts["m\(m)#\(day)", default: 0] += 1 }
            counts["t\(choice.team)#\(day)", default: 0] += 1
        }
        for (key, n) in counts {
            let id = String(key.dropFirst().prefix { $0 != "#" })
            let cap = key.hasPrefix("m") ? p.members.first { $0.id == id }!.maxPerDay : p.teams.first { $0.id == id }!.maxPerDay
            if n > cap { return false }
        }
        return true
    }
    func score() -> Int? {
        let solution = Solution(
            assignments: current.enumerated().compactMap { i, c in
                c.map { Assignment(request: p.requests[i].id, option: $0.option, member: $0.member, team: $0.team) }
            }, unscheduled: [], score: 0)
        if let accepted, !accepted(solution) { return nil }
        return SolutionChecker.score(solution, p)
    }
    func visit(_ i: Int) {
        if i == p.requests.count {
            // Rule 8's other half: a scheduled request's predecessors are scheduled.
            for (k, c) in current.enumerated() where c != nil {
                for id in p.requests[k].after where current[p.requests.firstIndex { $0.id == id }!] == nil { return }
            }
            guard let s = score() else { return }
            if best == nil || s < best! { best = s }
            return
        }
        for choice in choices[i] {
            if let choice {
                var ok = true
                for (j, other) in current.enumerated() {
                    if let other, !compatible(i, choice, j, other) {
                        ok = false
                        break
                    }
                }
                if !ok { continue }
            }
            current.append(choice)
            if perDayOK(i) { visit(i + 1) }
            current.removeLast()
        }
    }
    visit(0)
    return best
}

/// Generated problems: the solver's answer always passes the checker, and on small ones it is the brute-force optimum.
@Suite struct PropertyTests {
    @Test(arguments: 1...60)
    func smallProblemsAreSolvedOptimally(_ seed: Int) throws {
        var generator = ProblemGenerator(seed: UInt64(seed))
        let problem = generator.problem(requests: 3 + seed % 3, members: 2, teams: 2, days: 2)
        try #require(problem.defects() == [])
        let optimum = bruteForceOptimum(problem)
        do {
            let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 30, seed: UInt64(seed)))
            let solution = result.solution
            #expect(SolutionChecker.check(solution, against: problem) == [])
            #expect(solution.score == optimum)
            // The exact model proves every one of these weeks; the per-request bound holds on its own too.
            #expect(result.report.proven)
            #expect(result.report.bound == optimum)
            var engine = Engine(Instance(problem), seed: 1)
            engine.placePins()
            #expect(engine.perRequestBound() <= solution.score)
        } catch {
            #expect(optimum == nil, "solver says infeasible: \(error.reason)")
        }
    }

    @Test(arguments: 1...12)
    func mediumProblemsGiveValidSolutions(_ seed: Int) throws {
        var generator = ProblemGenerator(seed: UInt64(1000 + seed))
        let problem = generator.problem(requests: 12 + seed, members: 4, teams: 3, days: 3)
        try #require(problem.defects() == [])
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 30, seed: UInt64(seed)))
        let solution = result.solution
        #expect(SolutionChecker.check(solution, against: problem) == [])
        #expect(solution.score == SolutionChecker.score(solution, problem))
        #expect(result.report.bound <= solution.score)
        #expect(result.report.proven == (result.report.bound == solution.score))
        #expect(solution.assignments.count + solution.unscheduled.count == problem.requests.count)
        #expect(solution.unscheduled.allSatisfy { !$0.reason.isEmpty })
    }

    /// Instances made by `gen_problem.py` and committed under Fixtures/generated (arguments in docs/solver.md).
    @Test(arguments: ["gen-s11-r30", "gen-s12-r45", "gen-s13-r70-tight", "gen-s14-r90-chains"])
    func generatedInstancesGiveValidSolutions(_ name: String) throws {
        let problem = try ProblemReader.read(Fixtures.data("generated/\(name).json"))
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: isOptimisedBuild ? 10 : 60))
        #expect(SolutionChecker.check(result.solution, against: problem) == [])
        #expect(result.report.bound <= result.solution.score)
    }
}
