import Foundation
import Testing

@testable import Scheduling

/// A problem built in Swift (the service's week) is checked by the same rules, in the same order and with the same
/// words, as the same problem written as JSON and read back.
@Suite struct TypedValidationTests {
    static func base() throws -> Problem {
        try ProblemReader.read(JSONSerialization.data(withJSONObject: ValidationTests.base()))
    }

    /// The reader's defects for `problem` written as JSON.
    static func readBack(_ problem: Problem) -> [String] {
        do {
            _ = try ProblemReader.read(ProblemWriter.encode(problem))
            return []
        } catch {
            return error.defects
        }
    }

    static func t(_ text: String) -> LocalDateTime { LocalDateTime(exact: text)! }

    static var changes: [(name: String, change: (inout Problem) -> Void)] {
        [
            ("version", { $0.version = 2 }),
            ("timezone", { $0.timezone = " " }),
            ("negative maxPerDay", { $0.members[1].maxPerDay = -1 }),
            ("blank member id", { $0.members[0].id = "" }),
            ("repeated member id", { $0.members[1].id = "m01" }),
            (
                "repeated team id and blank bloc",
                {
                    $0.teams[1].id = "t01"
                    $0.teams[0].blocs = ["xa", " "]
                }
            ),
            ("empty busy interval", { $0.members[0].busy = [TimeOption(start: t("2023-12-11T07:00"), end: t("2023-12-11T07:00"))] }),
            ("no option", { $0.requests[0].options = [] }),
            ("option ends before it starts", { $0.requests[0].options[1] = TimeOption(start: t("2023-12-13T17:00"), end: t("2023-12-13T13:30")) }),
            ("option outside the week", { $0.requests[1].options[0] = TimeOption(start: t("2023-12-17T22:00"), end: t("2023-12-18T01:00")) }),
            ("negative weight", { $0.requests[0].weight = -3 }),
            (
                "unknown references",
                {
                    $0.requests[0].inCharge = ["", "m09"]
                    $0.requests[1].after = ["r404", "r001"]
                }
            ),
            ("cycle", { $0.requests[0].after = ["r002"] }),
            ("repeated request id", { $0.requests[1].id = "r001" }),
            ("broken request named by another", { $0.requests[0].location = "" }),
            (
                "travel",
                {
                    $0.travelMinutes.pairs += [TravelPair(a: "xa-b", b: "xa-a", minutes: 45), TravelPair(a: "x", b: "x", minutes: -1)]
                }
            ),
            (
                "negative default travel hides the pairs",
                {
                    $0.travelMinutes.defaultMinutes = -5
                    $0.travelMinutes.pairs = [TravelPair(a: "", b: "x", minutes: 1)]
                }
            ),
            (
                "weights",
                {
                    $0.weights.rank = -1
                    $0.weights.sameDay = -2
                }
            ),
            (
                "pins",
                {
                    $0.pinned = [
                        Assignment(request: "r001", option: 2, member: "m07", team: "t09"),
                        Assignment(request: "r001", option: 0, member: nil, team: "t01"),
                        Assignment(request: "r404", option: 0, member: "", team: "t01"),
                        Assignment(request: "r002", option: 1, member: nil, team: "t01"),
                    ]
                }
            ),
            (
                "published",
                {
                    $0.published = [
                        Assignment(request: "r001", option: 2, member: "m07", team: "t09"),
                        Assignment(request: "r404", option: 0, member: "", team: "t01"),
                        Assignment(request: "r002", option: 0, member: nil, team: " "),
                        Assignment(request: "r001", option: 0, member: nil, team: "t02"),
                    ]
                }
            ),
            (
                "baseline weights",
                {
                    $0.weights.moved = -1
                    $0.weights.dropped = -3000
                }
            ),
            (
                "pins breaking hard rules",
                {
                    $0.requests[1].after = []
                    $0.requests[1].notBefore = nil
                    $0.requests[1].options = [TimeOption(start: t("2023-12-12T08:00"), end: t("2023-12-12T10:00"))]
                    $0.pinned = [
                        Assignment(request: "r001", option: 0, member: "m01", team: "t01"),
                        Assignment(request: "r002", option: 0, member: "m02", team: "t01"),
                    ]
                }
            ),
            (
                "many at once",
                {
                    $0.version = 3
                    $0.members[1].maxPerDay = -1
                    $0.requests[0].location = ""
                    $0.requests[1].inCharge = ["m02"]
                    $0.teams[0].busy = [TimeOption(start: t("2023-12-12T09:00"), end: t("2023-12-12T08:00"))]
                }
            ),
        ]
    }

    @Test func validProblemHasNoDefect() throws {
        #expect(try Self.base().defects() == [])
    }

    @Test func everyChangeIsReportedAsTheReaderReportsIt() throws {
        let base = try Self.base()
        for (name, change) in Self.changes {
            var problem = base
            change(&problem)
            let typed = problem.defects()
            #expect(!typed.isEmpty, "\(name)")
            #expect(typed == Self.readBack(problem), "\(name)")
        }
    }
}
