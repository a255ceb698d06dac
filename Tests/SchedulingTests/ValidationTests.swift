import Foundation
import Testing

@testable import Scheduling

/// One test per kind of defect in the spec's "A problem is invalid when" paragraph: the path and the message.
@Suite struct ValidationTests {
    /// A small valid problem as a JSON object, to break one field at a time.
    static func base() -> [String: Any] {
        [
            "version": 1, "timezone": "Asia/Ho_Chi_Minh", "week": "2023-W50",
            "members": [
                ["id": "m01", "name": "Nguyễn Văn A", "busy": [["start": "2023-12-11T07:00", "end": "2023-12-11T12:00"]]],
                ["id": "m02", "name": "Trần Thị B", "maxPerDay": 1],
            ],
            "teams": [["id": "t01", "name": "Tổ công tác số 1", "blocs": ["xa"]], ["id": "t02", "name": "Tổ công tác số 2", "blocs": ["dang"]]],
            "travelMinutes": ["default": 30, "pairs": [["a": "xa-a", "b": "xa-b", "minutes": 60]]],
            "requests": [
                [
                    "id": "r001", "unit": "dbx-a", "bloc": "xa", "location": "xa-a", "inCharge": ["m01"],
                    "options": [["start": "2023-12-12T07:30", "end": "2023-12-12T11:30"], ["start": "2023-12-13T13:30", "end": "2023-12-13T17:00"]],
                ],
                [
                    "id": "r002", "unit": "cqx-a", "bloc": "xa", "location": "xa-b", "after": ["r001"], "notBefore": "2023-12-14T00:00",
                    "options": [["start": "2023-12-13T07:30", "end": "2023-12-13T11:30"], ["start": "2023-12-14T07:30", "end": "2023-12-14T11:30"]],
                ],
            ],
        ]
    }

    /// The defects of `base()` after `change`.
    static func defects(_ change: (inout [String: Any]) -> Void) -> [String] {
        var doc = base()
        change(&doc)
        let data = try! JSONSerialization.data(withJSONObject: doc)
        do {
            _ = try ProblemReader.read(data)
            return []
        } catch {
            return error.defects
        }
    }

    static func request(_ doc: inout [String: Any], _ index: Int, _ change: (inout [String: Any]) -> Void) {
        var requests = doc["requests"] as! [[String: Any]]
        change(&requests[index])
        doc["requests"] = requests
    }

    static func member(_ doc: inout [String: Any], _ index: Int, _ change: (inout [String: Any]) -> Void) {
        var members = doc["members"] as! [[String: Any]]
        change(&members[index])
        doc["members"] = members
    }

    @Test func baseIsValidAndDefaultsApply() throws {
        let problem = try ProblemReader.read(JSONSerialization.data(withJSONObject: Self.base()))
        #expect(problem.members[0].maxPerDay == 2)
        #expect(problem.requests[0].needsMember)
        #expect(problem.requests[0].weight == 1)
        #expect(problem.requests[0].notBefore == nil)
        #expect(problem.pinned.isEmpty)
        #expect(problem.weights == Weights(unscheduled: 1000, rank: 10, notInCharge: 50, noMember: 80, sameDay: 20))
        #expect(problem.travelMinutes.minutes(from: "xa-b", to: "xa-a") == 60)
        #expect(problem.travelMinutes.minutes(from: "xa-b", to: "huyen") == 30)
    }

    /// The reader's defects for a text.
    static func defects(of text: String) -> [String] {
        do {
            _ = try ProblemReader.read(Data(text.utf8))
            return []
        } catch {
            return error.defects
        }
    }

    @Test func notJSON() throws {
        #expect(throws: ProblemDefects.self) { try ProblemReader.read(Data("{\"version\": 1,".utf8)) }
        // One defect, in the words of Foundation's JSON parser, which say what is wrong (and where, for most errors).
        func syntaxError(_ defects: [String]) -> Bool {
            defects.count == 1 && defects[0].hasPrefix("problem: is not valid JSON: ") && !defects[0].hasSuffix("The given data was not valid JSON.")
        }
        #expect(syntaxError(Self.defects(of: "{\"version\": 1,")))
        // A malformed number or string is found where the reader looks at it.
        let base = String(decoding: try JSONSerialization.data(withJSONObject: Self.base(), options: .sortedKeys), as: UTF8.self)
        #expect(syntaxError(Self.defects(of: base.replacingOccurrences(of: "\"maxPerDay\":1", with: "\"maxPerDay\":01"))))
        #expect(syntaxError(Self.defects(of: base.replacingOccurrences(of: "\"id\":\"m02\"", with: "\"id\":\"m\\x02\""))))
        #expect(Self.defects(of: "[1, 2]") == ["problem: must be a JSON object, found a list"])
        #expect(Self.defects(of: "\"2023-W50\"") == ["problem: must be a JSON object, found a string"])
    }

    @Test func valuesAreQuotedAsWritten() {
        #expect(Self.defects { $0["version"] = "1" } == ["version: must be 1, found \"1\""])
        #expect(Self.defects { $0["version"] = NSNull() } == ["version: must be 1, found null"])
        #expect(Self.defects { $0["version"] = [1] } == ["version: must be 1, found [1]"])
        #expect(
            Self.defects { Self.request(&$0, 1) { $0["notBefore"] = ["at": "2023-12-14T00:00", "n": [1, true, NSNull()]] } }
                == ["requests[1].notBefore: not a time written YYYY-MM-DDTHH:MM (found {\"at\": \"2023-12-14T00:00\", \"n\": [1, true, null]})"])
        #expect(
            Self.defects { Self.request(&$0, 1) { $0["notBefore"] = 5 } } == ["requests[1].notBefore: not a time written YYYY-MM-DDTHH:MM (found 5)"])
        #expect(Self.defects { $0["members"] = "m01" } == ["members: must be a list, found a string"])
        #expect(Self.defects { $0["teams"] = NSNull() } == ["teams: must be a list, found null"])
        #expect(Self.defects { $0["weights"] = [1, 2] } == ["weights: must be an object, found a list"])
        #expect(Self.defects { Self.member(&$0, 1) { $0["name"] = ["Trần Thị B"] } } == ["members[1].name: must be a string, found a list"])
        #expect(Self.defects { $0["week"] = "2023-W50\n" } == ["week: not an ISO week written YYYY-Www (found \"2023-W50\\n\")"])
        #expect(Self.defects { $0["week"] = "2023-W50\u{1}" } == ["week: not an ISO week written YYYY-Www (found \"2023-W50\\u0001\")"])
    }

    @Test func versionNotOne() {
        #expect(Self.defects { $0["version"] = 2 } == ["version: must be 1, found 2"])
    }

    @Test func requiredFieldMissing() {
        #expect(Self.defects { Self.request(&$0, 0) { $0["bloc"] = nil } }.first == "requests[0].bloc: is missing (required)")
        #expect(Self.defects { $0["timezone"] = nil } == ["timezone: is missing (required)"])
    }

    @Test func wrongType() {
        #expect(Self.defects { Self.member(&$0, 1) { $0["maxPerDay"] = "1" } } == ["members[1].maxPerDay: must be an integer, found a string"])
        #expect(Self.defects { Self.request(&$0, 0) { $0["needsMember"] = 1 } }.first == "requests[0].needsMember: must be true or false, found the number 1")
        #expect(Self.defects { Self.request(&$0, 0) { $0["weight"] = 1.5 } }.first == "requests[0].weight: must be an integer, found the number 1.5")
    }

    @Test func malformedTimeAndWeek() {
        #expect(
            Self.defects { Self.request(&$0, 1) { $0["notBefore"] = "2023-12-13 00:00" } }
                == ["requests[1].notBefore: not a time written YYYY-MM-DDTHH:MM (found \"2023-12-13 00:00\")"])
        #expect(Self.defects { $0["week"] = "2023-W53" } == ["week: not an ISO week written YYYY-Www (found \"2023-W53\")"])
    }

    @Test func repeatedId() {
        #expect(Self.defects { Self.member(&$0, 1) { $0["id"] = "m01" } } == ["members[1].id: id 'm01' repeats members[0]"])
    }

    @Test func unknownReference() {
        #expect(Self.defects { Self.request(&$0, 0) { $0["inCharge"] = ["m09"] } } == ["requests[0].inCharge[0]: unknown member 'm09'"])
        #expect(Self.defects { Self.request(&$0, 1) { $0["after"] = ["r404"] } } == ["requests[1].after[0]: unknown request 'r404'"])
        #expect(
            Self.defects { $0["pinned"] = [["request": "r001", "option": 0, "member": "m07", "team": "t09"]] }
                == ["pinned[0].member: unknown member 'm07'", "pinned[0].team: unknown team 't09'"])
    }

    @Test func intervalEndsAtOrBeforeItsStart() {
        #expect(
            Self.defects {
                Self.request(&$0, 0) { $0["options"] = [["start": "2023-12-12T11:30", "end": "2023-12-12T07:30"]] }
            }.first == "requests[0].options[0].end: ends before it starts (2023-12-12T07:30 < 2023-12-12T11:30)")
        #expect(
            Self.defects { Self.member(&$0, 0) { $0["busy"] = [["start": "2023-12-11T07:00", "end": "2023-12-11T07:00"]] } }
                == ["members[0].busy[0].end: ends when it starts (2023-12-11T07:00): empty interval"])
    }

    @Test func optionOutsideTheWeek() {
        #expect(
            Self.defects { Self.request(&$0, 0) { $0["options"] = [["start": "2023-12-18T07:30", "end": "2023-12-18T11:30"]] } }
                == ["requests[0].options[0].start: 2023-12-18T07:30 is not inside the week (week 2023-W50 is 2023-12-11T00:00 to 2023-12-18T00:00)"])
        #expect(
            Self.defects { Self.request(&$0, 0) { $0["options"] = [["start": "2023-12-17T22:00", "end": "2023-12-18T01:00"]] } }
                == ["requests[0].options[0].end: 2023-12-18T01:00 is not inside the week (week 2023-W50 is 2023-12-11T00:00 to 2023-12-18T00:00)"])
        #expect(Self.defects { Self.request(&$0, 0) { $0["options"] = [["start": "2023-12-17T22:00", "end": "2023-12-18T00:00"]] } } == [])
    }

    @Test func emptyOptions() {
        #expect(Self.defects { Self.request(&$0, 0) { $0["options"] = [] } }.first == "requests[0].options: has no option (at least one is required)")
    }

    @Test func afterCycle() {
        #expect(
            Self.defects { Self.request(&$0, 0) { $0["after"] = ["r002"] } } == ["requests[0].after: cycle in 'after': r001 -> r002 -> r001"])
    }

    @Test func negativeNumbers() {
        #expect(Self.defects { $0["weights"] = ["rank": -1] } == ["weights.rank: weight is negative (-1)"])
        #expect(Self.defects { Self.member(&$0, 0) { $0["maxPerDay"] = -2 } }.first == "members[0].maxPerDay: is negative (-2)")
        #expect(Self.defects { $0["travelMinutes"] = ["default": -5] } == ["travelMinutes.default: is negative (-5)"])
    }

    @Test func travelPairRepeatsWithDifferentMinutes() {
        #expect(
            Self.defects {
                $0["travelMinutes"] = ["default": 30, "pairs": [["a": "x", "b": "y", "minutes": 10], ["a": "y", "b": "x", "minutes": 20], ["a": "x", "b": "y", "minutes": 10]]]
            } == ["travelMinutes.pairs[1]: pair 'y'/'x' repeats travelMinutes.pairs[0] with different minutes (20 vs 10)"])
    }

    @Test func requestPinnedTwice() {
        let pin: [String: Any] = ["request": "r001", "option": 0, "member": "m02", "team": "t01"]
        #expect(Self.defects { $0["pinned"] = [pin, pin] } == ["pinned[1].request: request 'r001' is pinned twice (also pinned[0])"])
    }

    @Test func pinOptionOutOfRangeOrMemberNull() {
        #expect(
            Self.defects { $0["pinned"] = [["request": "r001", "option": 2, "member": "m02", "team": "t01"]] }
                == ["pinned[0].option: option index 2 is out of range (request 'r001' has 2 options)"])
        #expect(
            Self.defects { $0["pinned"] = [["request": "r001", "option": 0, "member": NSNull(), "team": "t01"]] }
                == ["pinned[0].member: is null but request 'r001' needs a member"])
        #expect(
            Self.defects { $0["pinned"] = [["request": "r001", "option": 0, "team": "t01"]] }
                == ["pinned[0].member: is missing (use null for no member)"])
    }

    @Test func pinsBreakingAHardRule() {
        func pins(_ list: [[String: Any]]) -> [String] { Self.defects { $0["pinned"] = list } }
        let wrongBloc = pins([["request": "r001", "option": 0, "member": "m02", "team": "t02"]])
        #expect(wrongBloc.count == 1 && wrongBloc[0].hasPrefix("pinned[0]: pinned sessions break hard rule 3: r001: team t02 does not cover bloc 'xa'"))
        let early = pins([["request": "r002", "option": 0, "member": "m02", "team": "t01"]])
        #expect(early.count == 1 && early[0].hasPrefix("pinned[0]: pinned sessions break hard rule 2: r002: option 0 starts 2023-12-13T07:30, before notBefore"))
        let busy = Self.defects {
            Self.member(&$0, 0) { $0["busy"] = [["start": "2023-12-12T07:00", "end": "2023-12-12T12:00"]] }
            $0["pinned"] = [["request": "r001", "option": 0, "member": "m01", "team": "t01"]]
        }
        #expect(busy.count == 1 && busy[0].hasPrefix("pinned[0]: pinned sessions break hard rule 6: member m01 is busy"))
        let order = Self.defects {
            Self.request(&$0, 1) { $0["notBefore"] = nil }
            $0["pinned"] = [["request": "r001", "option": 1, "member": "m01", "team": "t01"], ["request": "r002", "option": 0, "member": "m02", "team": "t01"]]
        }
        #expect(order.count == 1 && order[0].hasPrefix("pinned[0], pinned[1]: pinned sessions break hard rule 8: r001"))
        let overlap = Self.defects {
            Self.request(&$0, 1) {
                $0["after"] = []
                $0["notBefore"] = nil
                $0["options"] = [["start": "2023-12-12T08:00", "end": "2023-12-12T10:00"]]
            }
            $0["pinned"] = [["request": "r001", "option": 0, "member": "m01", "team": "t01"], ["request": "r002", "option": 0, "member": "m02", "team": "t01"]]
        }
        #expect(overlap.count == 1 && overlap[0].hasPrefix("pinned[0], pinned[1]: pinned sessions break hard rule 5: team t01 is in r001"))
        let full = Self.defects {
            Self.request(&$0, 1) {
                $0["after"] = []
                $0["notBefore"] = nil
                $0["options"] = [["start": "2023-12-12T13:30", "end": "2023-12-12T17:00"]]
            }
            $0["pinned"] = [["request": "r001", "option": 0, "member": "m02", "team": "t01"], ["request": "r002", "option": 0, "member": "m02", "team": "t01"]]
        }
        #expect(full.count == 1 && full[0].hasPrefix("pinned[0], pinned[1]: pinned sessions break hard rule 7: member m02 has 2 sessions starting on 2023-12-12 (maxPerDay 1)"))
    }

    @Test func everyDefectIsListed() {
        let defects = Self.defects {
            $0["version"] = 3
            Self.request(&$0, 0) { $0["location"] = nil }
            Self.member(&$0, 1) { $0["maxPerDay"] = -1 }
        }
        // A broken request counts as absent, so the reference to it is reported too, as the reference checker does.
        #expect(
            defects == [
                "version: must be 1, found 3", "members[1].maxPerDay: is negative (-1)", "requests[0].location: is missing (required)",
                "requests[1].after[0]: unknown request 'r001'",
            ])
    }
}
