import Foundation
import Testing

@testable import Scheduling

/// Repairing a published week (spec "Repairing a published week"): the `published` baseline read and refused as the
/// reference checker does, its score terms, the solver's least-score repairs of the public repair instances (copies in
/// `Fixtures/repair`), and the alternatives.
@Suite struct RepairTests {
    static let districtRepairs = ["repair-district-60", "repair-district-100", "repair-pins-chains-50", "repair-oversubscribed-60"]

    /// `repair/NAME.expected.json`.
    struct Expected: Decodable {
        var optimal_score: Int
        var proven_optimal: Bool
        var changed_sessions: Int
        var plain_rerun_changed_sessions: Int
    }

    static func repair(_ name: String) throws -> Problem {
        try ProblemReader.read(Fixtures.data("repair/\(name).json"))
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Fixtures.data("repair/\(name).expected.json"))
    }

    static func t(_ text: String) -> LocalDateTime { LocalDateTime(exact: text)! }

    // MARK: Public repair instances

    /// Each district repair is solved to its least score, proven, and changes as many published sessions as the
    /// reference's least-score repair; the report's changes are the solution's, and a plain re-run of the same week
    /// without its baseline changes more of it.
    @Test(arguments: districtRepairs)
    func repairsToTheLeastScore(_ name: String) throws {
        let problem = try Self.repair(name)
        let expected = try Self.expected(name)
        #expect(!problem.published.isEmpty)
        #expect(expected.proven_optimal)
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: isOptimisedBuild ? 10 : 120))
        let solution = result.solution
        #expect(SolutionChecker.check(solution, against: problem) == [])
        #expect(solution.score == expected.optimal_score)
        #expect(result.report.proven)
        #expect(result.report.bound == expected.optimal_score)
        let changes = problem.changes(in: solution)
        #expect(changes.changedSessions == expected.changed_sessions)
        #expect(result.report.changes == changes)

        // The baseline terms of the score are the changes at their weights.
        let terms = SolutionChecker.scoreTerms(solution, problem)
        let weightOf = Dictionary(uniqueKeysWithValues: problem.requests.map { ($0.id, $0.weight) })
        #expect(terms["moved"] == problem.weights.moved * changes.moved)
        #expect(terms["memberChanged"] == problem.weights.memberChanged * changes.memberChanged)
        #expect(terms["teamChanged"] == problem.weights.teamChanged * changes.teamChanged)
        let dropped = changes.changes.filter { $0.kind == .dropped }.reduce(0) { $0 + problem.weights.dropped * weightOf[$1.request]! }
        #expect(terms["dropped"] == dropped)

        var plain = problem
        plain.published = []
        let rerun = try Solver.solve(plain, options: SolverOptions(timeLimit: isOptimisedBuild ? 10 : 120))
        #expect(SolutionChecker.check(rerun, against: plain) == [])
        #expect(problem.changes(in: rerun).changedSessions > changes.changedSessions)
        // Without the baseline's terms the re-run is at least as good as the repair.
        #expect(rerun.score <= SolutionChecker.score(solution, plain))
    }

    /// The province repair (500 requests, 428 published) is proven at its least score (86230) with 6 sessions changed.
    @Test func provinceRepairIsProvenAtItsLeastScore() throws {
        let problem = try Self.repair("repair-province-500")
        let expected = try Self.expected("repair-province-500")
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: isOptimisedBuild ? 10 : 90))
        #expect(SolutionChecker.check(result.solution, against: problem) == [])
        #expect(result.solution.score == expected.optimal_score)
        #expect(result.report.proven)
        #expect(problem.changes(in: result.solution).changedSessions == expected.changed_sessions)
    }

    /// A week too large for the exact model gets the neighbourhood search, with the same prices and from the published
    /// week (here a district repair with the whole-week model turned off): valid, its report's changes are its own,
    /// and it keeps most of the published week, where a re-run without the baseline changes most of it.
    @Test func neighbourhoodSearchRepairsFromThePublishedWeek() throws {
        let problem = try Self.repair("repair-district-100")
        let expected = try Self.expected("repair-district-100")
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 120, maxSteps: 6), wholeWeekColumnLimit: 0)
        #expect(SolutionChecker.check(result.solution, against: problem) == [])
        #expect(result.solution.score >= expected.optimal_score)
        #expect(result.report.bound <= expected.optimal_score)
        #expect(result.report.boundSource == .perRequest)
        let changes = problem.changes(in: result.solution)
        #expect(result.report.changes == changes)
        #expect(changes.changedSessions <= 3 * expected.changed_sessions)
        #expect(changes.dropped == 0)
    }

    /// Alternatives of a week too large for the exact model: valid, distinct, in order of score.
    @Test func neighbourhoodSearchAlternatives() throws {
        let problem = try Self.repair("repair-district-60")
        let results = try Solver.alternatives(
            problem, count: 3, options: SolverOptions(timeLimit: 120, maxSteps: 4), wholeWeekColumnLimit: 0)
        #expect(results.count == 3)
        Self.checkAlternatives(results, of: problem)
    }

    // MARK: Reading the baseline

    static func defects(_ change: (inout [String: Any]) -> Void) -> [String] {
        ValidationTests.defects(change)
    }

    static func entry(_ request: String, _ option: Int, _ member: String?, _ team: String) -> [String: Any] {
        ["request": request, "option": option, "member": member.map { $0 as Any } ?? NSNull(), "team": team]
    }

    @Test func publishedIsReadWithItsWeights() throws {
        var doc = ValidationTests.base()
        doc["published"] = [Self.entry("r001", 1, "m02", "t01"), Self.entry("r002", 0, nil, "t01")]
        doc["weights"] = ["moved": 250, "dropped": 0]
        let problem = try ProblemReader.read(JSONSerialization.data(withJSONObject: doc))
        #expect(
            problem.published == [
                Assignment(request: "r001", option: 1, member: "m02", team: "t01"), Assignment(request: "r002", option: 0, member: nil, team: "t01"),
            ])
        #expect(problem.weights == Weights(moved: 250, dropped: 0))
        #expect(problem.weights.memberChanged == 100 && problem.weights.teamChanged == 100)
        // Written and read back unchanged; a week without a baseline is written without one.
        let again = try ProblemReader.read(ProblemWriter.encode(problem))
        #expect(again.published == problem.published)
        #expect(again.weights == problem.weights)
        let plain = try ProblemReader.read(JSONSerialization.data(withJSONObject: ValidationTests.base()))
        let text = String(decoding: ProblemWriter.encode(plain), as: UTF8.self)
        #expect(!text.contains("published") && !text.contains("moved"))
        #expect(plain.published.isEmpty && plain.weights == Weights())
    }

    /// Only references are checked: an entry that breaks the hard rules now (busy member, wrong bloc, before
    /// `notBefore`, no member where one is needed, the same member twice at once) is a valid baseline.
    @Test func publishedMayBreakTheHardRules() {
        #expect(
            Self.defects {
                $0["published"] = [Self.entry("r001", 0, nil, "t02"), Self.entry("r002", 0, "m01", "t02")]
                $0["pinned"] = [Self.entry("r001", 0, "m02", "t01")]
            } == [])
    }

    @Test func unknownRequestMemberAndTeam() {
        #expect(
            Self.defects { $0["published"] = [Self.entry("r404", 0, "m09", "t09")] } == [
                "published[0].request: unknown request 'r404'", "published[0].member: unknown member 'm09'",
                "published[0].team: unknown team 't09'",
            ])
    }

    @Test func optionOutOfRange() {
        #expect(
            Self.defects { $0["published"] = [Self.entry("r001", 2, "m01", "t01"), Self.entry("r002", -1, "m01", "t01")] } == [
                "published[0].option: option index 2 is out of range (request 'r001' has 2 options)",
                "published[1].option: option index -1 is out of range (request 'r002' has 2 options)",
            ])
    }

    @Test func requestPublishedTwice() {
        #expect(
            Self.defects { $0["published"] = [Self.entry("r001", 0, "m01", "t01"), Self.entry("r002", 1, "m02", "t01"), Self.entry("r001", 1, "m02", "t01")] }
                == ["published[2].request: request 'r001' is published twice (also published[0])"])
    }

    @Test func malformedEntriesAndWeights() {
        #expect(Self.defects { $0["published"] = 3 } == ["published: must be a list, found the number 3"])
        #expect(
            Self.defects { $0["published"] = [["request": "r001", "option": 0, "team": "t01"], ["request": "r002", "option": "0", "member": NSNull(), "team": ""]] } == [
                "published[0].member: is missing (use null for no member)", "published[1].option: must be an integer, found a string",
                "published[1].team: must be a non-empty string id",
            ])
        #expect(
            Self.defects { $0["weights"] = ["moved": -1, "memberChanged": 1.5, "teamChanged": -2, "dropped": "x"] } == [
                "weights.moved: weight is negative (-1)", "weights.memberChanged: must be an integer, found the number 1.5",
                "weights.teamChanged: weight is negative (-2)", "weights.dropped: must be an integer, found a string",
            ])
    }

    // MARK: The score's baseline terms

    /// The base problem with a second team of bloc `xa`, published as r001 (option 0, m01, t01) and r002 (option 1,
    /// m02, t01).
    static func published() throws -> Problem {
        var problem = try TypedValidationTests.base()
        problem.teams.append(Team(id: "t03", name: "Tổ công tác số 3", blocs: ["xa"]))
        problem.published = [
            Assignment(request: "r001", option: 0, member: "m01", team: "t01"), Assignment(request: "r002", option: 1, member: "m02", team: "t01"),
        ]
        try #require(problem.defects() == [])
        return problem
    }

    @Test func checkerScoresTheBaselineTermsByHand() throws {
        let problem = try Self.published()
        // r001 moved to option 1 with m02 (not in charge) and t03; r002 left out.
        let moved = Solution(
            assignments: [Assignment(request: "r001", option: 1, member: "m02", team: "t03")],
            unscheduled: [Unscheduled(request: "r002", reason: "để trống")], score: 0)
        let terms = SolutionChecker.scoreTerms(moved, problem)
        #expect(
            terms == [
                "unscheduled": 1000, "rank": 10, "noMember": 0, "notInCharge": 50, "sameDay": 0, "moved": 300, "memberChanged": 100, "teamChanged": 100,
                "dropped": 3000,
            ])
        #expect(SolutionChecker.score(moved, problem) == 4560)
        #expect(
            problem.changes(in: moved)
                == BaselineChanges(changes: [
                    BaselineChange(request: "r001", kind: .time, from: "0", to: "1"),
                    BaselineChange(request: "r001", kind: .member, from: "m01", to: "m02"),
                    BaselineChange(request: "r001", kind: .team, from: "t01", to: "t03"),
                    BaselineChange(request: "r002", kind: .dropped, from: "1", to: nil),
                ]))
        #expect(problem.changes(in: moved).changedSessions == 2)

        // Weights scale the terms; a dropped request counts its weight.
        var heavier = problem
        heavier.requests[1].weight = 3
        heavier.weights = Weights(moved: 7, memberChanged: 5, teamChanged: 2, dropped: 11)
        #expect(SolutionChecker.score(moved, heavier) == 3000 + 10 + 50 + 7 + 5 + 2 + 33)

        // As published: no baseline term; no member where one was published is a change of member.
        let kept = Solution(
            assignments: [
                Assignment(request: "r001", option: 0, member: "m01", team: "t01"), Assignment(request: "r002", option: 1, member: nil, team: "t01"),
            ], unscheduled: [], score: 0)
        #expect(SolutionChecker.scoreTerms(kept, problem)["memberChanged"] == 100)
        #expect(SolutionChecker.score(kept, problem) == 10 + 80 + 100)
        #expect(problem.changes(in: kept).changes == [BaselineChange(request: "r002", kind: .member, from: "m02", to: nil)])
        var none = problem
        none.published = []
        #expect(SolutionChecker.scoreTerms(moved, none)["moved"] == nil)
        #expect(SolutionChecker.score(moved, none) == 1060)
        #expect(none.changes(in: moved).changes.isEmpty)
    }

    // MARK: Solving

    /// m01 is now busy during r001's published session: r001 must change. Its cheapest change keeps the time and the
    /// team and takes m02 (not in charge: 50 + 100 for the new member), which beats moving it (300 + 10).
    @Test func publishedSessionWhoseMemberBecameBusyChanges() throws {
        var problem = try Self.published()
        problem.members[0].busy.append(TimeOption(start: Self.t("2023-12-12T07:00"), end: Self.t("2023-12-12T12:00")))
        let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 30))
        let solution = result.solution
        #expect(SolutionChecker.check(solution, against: problem) == [])
        #expect(problem.changes(in: solution).changes == [BaselineChange(request: "r001", kind: .member, from: "m01", to: "m02")])
        #expect(solution.score == 150 + 10)
        #expect(result.report.proven)
        #expect(result.report.jsonLine.hasSuffix(#""changedSessions": 1, "moved": 0, "memberChanged": 1, "teamChanged": 0, "dropped": 0}"#))
    }

    /// A published session on a team's day off is the one that moves; the other stays as published.
    @Test func publishedSessionWhoseTeamBecameBusyChanges() throws {
        var problem = try Self.published()
        problem.teams[0].busy = [TimeOption(start: Self.t("2023-12-14T00:00"), end: Self.t("2023-12-15T00:00"))]
        let solution = try Solver.solve(problem, options: SolverOptions(timeLimit: 30))
        #expect(SolutionChecker.check(solution, against: problem) == [])
        #expect(problem.changes(in: solution).changes == [BaselineChange(request: "r002", kind: .team, from: "t01", to: "t03")])
        #expect(solution.score == 100 + 10)
    }

    /// Small generated weeks, published (their own solution, or arbitrary entries that may break the rules) and then
    /// disturbed: the repair is the brute-force optimum of the extended score, proven.
    @Test(arguments: 1...40)
    func smallRepairsAreSolvedOptimally(_ seed: Int) throws {
        var generator = ProblemGenerator(seed: UInt64(500 + seed))
        var problem = generator.problem(requests: 3 + seed % 3, members: 2, teams: 2, days: 2)
        try #require(problem.defects() == [])
        var rng = RandomSource(seed: UInt64(seed))
        if seed % 2 == 0 {
            guard let week = try? Solver.solve(problem, options: SolverOptions(timeLimit: 30)) else { return }
            problem.published = week.assignments
            // The first published session's member (else its team) is called away during it.
            if let first = week.assignments.first, let request = problem.requests.first(where: { $0.id == first.request }) {
                let when = request.options[first.option]
                if let m = problem.members.firstIndex(where: { $0.id == first.member }) {
                    problem.members[m].busy.append(when)
                } else if let t = problem.teams.firstIndex(where: { $0.id == first.team }) {
                    problem.teams[t].busy.append(when)
                }
            }
            if !problem.defects().isEmpty { problem.pinned = [] }
        } else {
            problem.published = problem.requests.filter { _ in rng.below(4) != 0 }.map { request in
                let member = rng.below(3) == 0 ? nil : problem.members[rng.below(problem.members.count)].id
                return Assignment(
                    request: request.id, option: rng.below(request.options.count), member: member, team: problem.teams[rng.below(problem.teams.count)].id)
            }
        }
        try #require(problem.defects() == [])
        let optimum = bruteForceOptimum(problem)
        do {
            let result = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 30, seed: UInt64(seed)))
            #expect(SolutionChecker.check(result.solution, against: problem) == [])
            #expect(result.solution.score == optimum)
            #expect(result.report.proven)
            #expect(result.report.bound == optimum)
            var engine = Engine(Instance(problem), seed: 1)
            engine.placePins()
            #expect(engine.perRequestBound() <= result.solution.score)
        } catch {
            #expect(optimum == nil, "solver says infeasible: \(error.reason)")
        }
    }

    // MARK: Alternatives

    /// Whether `s` differs from `earlier` on one of the requests `earlier` changed against the baseline (on any
    /// request without one).
    /// Whether `s` is another alternative than `earlier`: without a baseline, another assignment of some request; with
    /// one, it lacks at least one kind of change (request and kind: time, member, team, dropped) that `earlier` made.
    static func differs(_ s: Solution, from earlier: Solution, in problem: Problem) -> Bool {
        if problem.published.isEmpty {
            let mine = Dictionary(s.assignments.map { ($0.request, $0) }, uniquingKeysWith: { a, _ in a })
            let theirs = Dictionary(earlier.assignments.map { ($0.request, $0) }, uniquingKeysWith: { a, _ in a })
            return problem.requests.map(\.id).contains { mine[$0] != theirs[$0] }
        }
        let made = Set(problem.changes(in: s).changes.map { "\($0.request)|\($0.kind.rawValue)" })
        return problem.changes(in: earlier).changes.contains { !made.contains("\($0.request)|\($0.kind.rawValue)") }
    }

    static func checkAlternatives(_ results: [SolveResult], of problem: Problem) {
        for (k, result) in results.enumerated() {
            #expect(SolutionChecker.check(result.solution, against: problem) == [], "alternative \(k)")
            #expect(result.report.score == result.solution.score)
            for earlier in results[..<k] {
                #expect(earlier.solution.score <= result.solution.score, "alternative \(k)")
                #expect(differs(result.solution, from: earlier.solution, in: problem), "alternative \(k)")
                if !problem.published.isEmpty {
                    #expect(problem.changes(in: result.solution).changes != problem.changes(in: earlier.solution).changes, "alternative \(k)")
                }
            }
        }
    }

    @Test func alternativesOfADistrictRepair() throws {
        let problem = try Self.repair("repair-district-60")
        let results = try Solver.alternatives(problem, count: 4, options: SolverOptions(timeLimit: isOptimisedBuild ? 20 : 120))
        #expect(results.count == 4)
        let optimum = try Self.expected("repair-district-60").optimal_score
        #expect(results.first?.solution.score == optimum)
        #expect(results.allSatisfy { $0.report.proven })
        Self.checkAlternatives(results, of: problem)
        #expect(Set(results.map { problem.changes(in: $0.solution).changes }).count == results.count)
        #expect(results.allSatisfy { $0.report.changes == problem.changes(in: $0.solution) })
    }

    /// On small repairs, each proven alternative is the brute-force least score among the solutions that differ from
    /// every earlier one on a request it changed.
    @Test(arguments: 1...16)
    func alternativesAreTheLeastAmongTheRest(_ seed: Int) throws {
        var generator = ProblemGenerator(seed: UInt64(700 + seed))
        var problem = generator.problem(requests: 3 + seed % 2, members: 2, teams: 2, days: 2)
        if seed % 4 != 0 {
            guard let week = try? Solver.solve(problem, options: SolverOptions(timeLimit: 30)), let first = week.assignments.first,
                let m = problem.members.firstIndex(where: { $0.id == first.member })
            else { return }
            problem.published = week.assignments
            problem.members[m].busy.append(problem.requests.first { $0.id == first.request }!.options[first.option])
            if !problem.defects().isEmpty { problem.pinned = [] }
        }
        try #require(problem.defects() == [])
        guard let results = try? Solver.alternatives(problem, count: 3, options: SolverOptions(timeLimit: 30)) else { return }
        #expect(!results.isEmpty)
        Self.checkAlternatives(results, of: problem)
        for (k, result) in results.enumerated() {
            #expect(result.report.proven)
            let earlier = results[..<k].map(\.solution)
            let least = bruteForceOptimum(problem) { s in earlier.allSatisfy { Self.differs(s, from: $0, in: problem) } }
            #expect(result.solution.score == least, "alternative \(k)")
        }
        // Fewer than asked only when nothing is left to differ from: an alternative with no change, or no solution.
        if results.count < 3, let last = results.last?.solution {
            let noChange = !problem.published.isEmpty && problem.changes(in: last).changes.isEmpty
            let nothingLeft = bruteForceOptimum(problem) { s in results.allSatisfy { Self.differs(s, from: $0.solution, in: problem) } } == nil
            #expect(noChange || nothingLeft)
        }
    }

    /// The published week is still the least-score one: it is the only alternative (none differs from "no change").
    @Test func anUndisturbedWeekHasOneAlternative() throws {
        var problem = try TypedValidationTests.base()
        let week = try Solver.solve(problem, options: SolverOptions(timeLimit: 30))
        problem.published = week.assignments
        let results = try Solver.alternatives(problem, count: 3, options: SolverOptions(timeLimit: 30))
        #expect(results.count == 1)
        #expect(results.first?.solution.assignments == week.assignments)
        #expect(results.first?.report.changes?.changedSessions == 0)
    }
}
