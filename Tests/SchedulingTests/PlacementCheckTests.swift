import Scheduling
import Testing

/// A session placed by hand is checked against every hard rule, each refusal in words a clerk can act on.
@Suite struct PlacementCheckTests {
    static func t(_ text: String) -> LocalDateTime { LocalDateTime(exact: text)! }
    static func span(_ a: String, _ b: String) -> TimeOption { TimeOption(start: t(a), end: t(b)) }

    /// Two halls 40 minutes apart; m1 and team T1 (bloc A); r1 and r2 at hall X, r3 at hall Y, r4 after r1.
    static let problem = Problem(
        week: "2023-W50",
        members: [Member(id: "m1", name: "Nguyễn Văn An", maxPerDay: 2, busy: [span("2023-12-14T07:00", "2023-12-14T09:00")]),
                  Member(id: "m2", name: "Trần Thị Bình")],
        teams: [Team(id: "T1", name: "Tổ 1", blocs: ["A"]), Team(id: "T2", name: "Tổ 2", blocs: ["B"])],
        travelMinutes: TravelMinutes(defaultMinutes: 0, pairs: [TravelPair(a: "X", b: "Y", minutes: 40)]),
        requests: [
            Request(id: "r1", unit: "u1", bloc: "A", location: "X", options: [span("2023-12-12T07:30", "2023-12-12T09:30")]),
            Request(id: "r2", unit: "u2", bloc: "A", location: "X", options: [
                span("2023-12-12T08:00", "2023-12-12T10:00"), span("2023-12-14T08:00", "2023-12-14T10:00"), span("2023-12-12T13:30", "2023-12-12T15:00"),
            ]),
            Request(id: "r3", unit: "u3", bloc: "A", location: "Y", notBefore: t("2023-12-13T00:00"), options: [
                span("2023-12-12T09:50", "2023-12-12T11:00"), span("2023-12-13T07:30", "2023-12-13T09:00"),
            ]),
            Request(id: "r4", unit: "u4", bloc: "A", location: "X", after: ["r1"], options: [span("2023-12-12T08:30", "2023-12-12T09:00")]),
            Request(id: "r5", unit: "u5", bloc: "A", location: "X", options: [span("2023-12-12T16:00", "2023-12-12T17:00")]),
        ])

    let r1 = Assignment(request: "r1", option: 0, member: "m1", team: "T1")

    func refusals(_ a: Assignment, _ others: [Assignment]) -> [String] {
        PlacementCheck.refusals(of: a, among: others, in: Self.problem) { ["r1": "Đơn vị 1"][$0] }
    }

    @Test func aFreePlaceIsAllowed() {
        #expect(refusals(Assignment(request: "r2", option: 2, member: "m1", team: "T1"), [r1]).isEmpty)
        #expect(refusals(Assignment(request: "r2", option: 0, member: "m2", team: "T1"), []).isEmpty)
    }

    @Test func overlapNamesTheOtherSession() {
        let why = refusals(Assignment(request: "r2", option: 0, member: "m1", team: "T1"), [r1])
        #expect(why.contains("Đồng chí Nguyễn Văn An đang dự buổi Đơn vị 1 (r1) (07:30–09:30)."))
        #expect(why.contains("Tổ 1 đang dự buổi Đơn vị 1 (r1) (07:30–09:30)."))
    }

    @Test func travelBetweenHallsCounts() {
        // r1 ends 09:30 at X; r3 starts 09:50 at Y, 40 minutes away. Its notBefore also forbids Tuesday.
        let why = refusals(Assignment(request: "r3", option: 0, member: "m1", team: "T2"), [r1])
        #expect(why.contains { $0.contains("không kịp di chuyển từ buổi Đơn vị 1 (r1)") && $0.contains("cần 40 phút") })
        #expect(why.contains { $0.hasPrefix("Phương án 1") && $0.contains("trước ngày được phép") })
        #expect(why.contains { $0.contains("Tổ 2 không theo dõi khối của đơn vị; tổ theo dõi khối này: Tổ 1") })
    }

    @Test func busyTimeAndTheDailyLimit() {
        #expect(refusals(Assignment(request: "r2", option: 1, member: "m1", team: "T1"), []).contains { $0.contains("có lịch bận Thứ Năm 14/12 07:00–09:00") })
        let full = [r1, Assignment(request: "r2", option: 2, member: "m1", team: "T1")]
        #expect(refusals(Assignment(request: "r5", option: 0, member: "m1", team: "T2"), full).contains { $0.contains("đã đủ 2 buổi trong ngày 12/12") })
    }

    @Test func orderBetweenRequestsAndMissingPeople() {
        // r4 must come after r1, which ends at 09:30.
        #expect(refusals(Assignment(request: "r4", option: 0, member: "m2", team: "T1"), [r1]).contains { $0.contains("kết thúc lúc 09:30 12/12") })
        #expect(refusals(Assignment(request: "r4", option: 0, member: "m2", team: "T1"), []).contains { $0.contains("chưa được xếp lịch") })
        // Moving r1 after r4 is refused from r1's side too.
        let r4 = Assignment(request: "r4", option: 0, member: "m2", team: "T1")
        #expect(refusals(r1, [r4]).contains { $0.contains("phải kết thúc trước khi buổi r4 bắt đầu") })
        #expect(refusals(Assignment(request: "r2", option: 0, member: nil, team: "T1"), []) == ["Buổi kiểm điểm cần một đồng chí UVBTV dự, chỉ đạo."])
        #expect(refusals(Assignment(request: "r2", option: 5, member: "m1", team: "T1"), []).first?.contains("chỉ có 3 phương án") == true)
        #expect(refusals(Assignment(request: "r2", option: 0, member: "m9", team: "T1"), []).contains("Không có đồng chí UVBTV với mã 'm9'."))
    }
}
