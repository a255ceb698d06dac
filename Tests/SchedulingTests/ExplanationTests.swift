import Foundation
import Testing

@testable import Scheduling

/// The reasons name what blocked each option: the person and session, the bloc, the lead-time date, the predecessor.
@Suite struct ExplanationTests {
    static func at(_ text: String) -> LocalDateTime { LocalDateTime(exact: text)! }

    static let tuesdayMorning = TimeOption(start: at("2023-12-12T07:30"), end: at("2023-12-12T11:30"))
    static let wednesdayMorning = TimeOption(start: at("2023-12-13T07:30"), end: at("2023-12-13T11:30"))

    /// r001 (weight 3) and r002 want the only member and the only team on Tuesday morning; r002's second option
    /// is too early for its draft report; r003 must follow r004, which no team can attend; r005's bloc has no team.
    static func problem() -> Problem {
        Problem(
            week: "2023-W50",
            members: [Member(id: "m01", name: "Nguyễn Văn A")],
            teams: [Team(id: "t01", name: "Tổ công tác số 1", blocs: ["xa"])],
            requests: [
                Request(id: "r001", unit: "dbx-a", bloc: "xa", location: "xa-a", inCharge: ["m01"], weight: 3, options: [tuesdayMorning]),
                Request(
                    id: "r002", unit: "dbx-b", bloc: "xa", location: "xa-b", inCharge: ["m01"], notBefore: at("2023-12-14T00:00"),
                    options: [tuesdayMorning, wednesdayMorning]),
                Request(id: "r003", unit: "dbx-c", bloc: "xa", location: "xa-c", after: ["r004"], options: [wednesdayMorning.shifted(days: 1)]),
                Request(id: "r004", unit: "cqx-c", bloc: "ca", location: "xa-c", options: [wednesdayMorning]),
                Request(id: "r005", unit: "cb-x", bloc: "ca", location: "huyen", options: [tuesdayMorning.shifted(days: 2)]),
            ])
    }

    static func reasons() throws -> [String: String] {
        let solution = try Solver.solve(problem())
        #expect(SolutionChecker.check(solution, against: problem()) == [])
        return Dictionary(uniqueKeysWithValues: solution.unscheduled.map { ($0.request, $0.reason) })
    }

    @Test func namesTheBusyPersonAndTheirSession() throws {
        let reason = try #require(try Self.reasons()["r002"])
        #expect(reason.hasPrefix("Phương án 1 (Thứ Ba 12/12 07:30–11:30): "))
        #expect(reason.contains("đồng chí Nguyễn Văn A (phụ trách) bận — dự buổi r001 (07:30–11:30)"))
        #expect(reason.contains("không tổ công tác nào của khối 'xa' rảnh (Tổ công tác số 1 dự buổi r001 (07:30–11:30))"))
    }

    @Test func namesTheLeadTimeDate() throws {
        let reason = try #require(try Self.reasons()["r002"])
        #expect(reason.contains("Phương án 2 (Thứ Tư 13/12 07:30–11:30): trước ngày được phép (dự thảo gửi muộn, sớm nhất 14/12)"))
    }

    @Test func namesTheMissingPredecessor() throws {
        let reason = try #require(try Self.reasons()["r003"])
        #expect(reason.hasPrefix("Buổi phải tổ chức trước (r004) không được xếp lịch"))
    }

    @Test func namesTheBlocWithoutTeams() throws {
        let reason = try #require(try Self.reasons()["r005"])
        #expect(reason.contains("không có tổ công tác nào phụ trách khối 'ca'"))
        #expect(!reason.contains("\n"))
    }

    @Test func pinnedRequestWithAnImpossiblePredecessorIsInfeasible() throws {
        var problem = Self.problem()
        problem.requests[2].bloc = "xa"
        problem.pinned = [Pin(request: "r003", option: 0, member: "m01", team: "t01")]
        #expect(ProblemReader.defects(in: problem) == [])
        #expect {
            try Solver.solve(problem)
        } throws: { error in
            let reason = (error as? Infeasible)?.reason ?? ""
            return reason.contains("r003") && reason.contains("r004") && reason.contains("không có tổ công tác nào phụ trách khối 'ca'")
        }
    }
}

extension TimeOption {
    func shifted(days: Int) -> TimeOption {
        TimeOption(start: start.adding(minutes: days * 1440), end: end.adding(minutes: days * 1440))
    }
}
