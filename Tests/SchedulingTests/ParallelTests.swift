import Foundation
import Testing

@testable import Scheduling

/// CBC solving several models at once, and the solver's two threads.
@Suite struct ParallelTests {
    /// CBC models solved on two threads at once give what each gives alone.
    @Test func exactModelsSolveInParallelAsAlone() throws {
        func wholeWeek(_ name: String) throws -> (model: ExactModel, start: Schedule) {
            var engine = Engine(Instance(try Fixtures.instance(name)), seed: 1)
            engine.placePins()
            let fixed = engine.schedule
            try engine.placeForced(Deadline(seconds: 60))
            engine.construct()
            let free = (0..<engine.instance.requestCount).map { engine.instance.pin[$0] == nil }
            return (try #require(ExactModel(engine.instance, around: fixed, free: free, columnLimit: .max)), engine.schedule)
        }
        @Sendable func summary(_ outcome: ExactModel.Outcome?) -> [Int] {
            guard let outcome else { return [] }
            return [Int(outcome.objective.rounded()), outcome.provenOptimal ? 1 : 0]
                + outcome.placements.flatMap { p in p.map { [$0.option, $0.member, $0.team] } ?? [-1] }
        }
        let first = try wholeWeek("district-100")
        let second = try wholeWeek("oversubscribed-60")
        // Different arguments on each side (with and without Clp's presolve), as the solver's two threads have.
        let firstAlone = summary(first.model.solve(seconds: 60, nodeLimit: nil, start: first.start, presolve: false))
        let secondAlone = summary(second.model.solve(seconds: 60, nodeLimit: nil, start: second.start))
        #expect(firstAlone.count > 2 && secondAlone.count > 2)
        for _ in 0..<4 {
            let (a, b) = inParallel(
                { summary(first.model.solve(seconds: 60, nodeLimit: nil, start: first.start, presolve: false)) },
                { summary(second.model.solve(seconds: 60, nodeLimit: nil, start: second.start)) })
            #expect(a == firstAlone)
            #expect(b == secondAlone)
        }
    }

    /// A proven week's solution is CBC's own, whether the neighbourhood search ran beside it or not.
    @Test(arguments: ["pins-chains-50", "district-80"])
    func oneOrTwoThreadsGiveTheSameProvenSolution(_ name: String) throws {
        let problem = try Fixtures.instance(name)
        let alone = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 120, seed: 4, threads: 1))
        let beside = try Solver.solveWithReport(problem, options: SolverOptions(timeLimit: 120, seed: 4, threads: 2))
        #expect(alone.report.proven && beside.report.proven)
        #expect(SolutionWriter.encode(alone.solution) == SolutionWriter.encode(beside.solution))
    }

    /// Once the proof is over, the neighbourhood search beside it takes no further step.
    @Test func raisedStopEndsTheNeighbourhoodSearch() throws {
        var engine = Engine(Instance(try Fixtures.instance("district-60")), seed: 1)
        engine.placePins()
        try engine.placeForced(Deadline(seconds: 60))
        engine.construct()
        let constructed = engine.schedule
        // Without the signal, a few steps improve the greedy schedule of this week.
        var unstopped = engine
        unstopped.improveExactly(until: Deadline(seconds: 600), maxSteps: 6, workers: 2, stop: StopSignal())
        #expect(unstopped.schedule.cost < constructed.cost)
        let stop = StopSignal()
        #expect(!stop.isRaised)
        stop.raise()
        #expect(stop.isRaised)
        engine.improveExactly(until: Deadline(seconds: 600), maxSteps: 6, workers: 2, stop: stop)
        #expect(engine.schedule.option == constructed.option)
        #expect(engine.schedule.cost == constructed.cost)
    }
}
