import ArgumentParser
import CellCommands
import Foundation
import ReviewCore
import ReviewService
import Scheduling

/// `reviewcal absence`: members and teams away, as busy time for every later run.
struct AbsenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "absence", abstract: "Lịch vắng của UVBTV và tổ công tác: ghi, xem, xóa.",
        discussion: """
            Lịch vắng là thời gian bận cho mọi lần xếp lịch sau. Lịch vắng trùng buổi đã công bố được báo ngay; \
            sửa lịch bằng reviewcal schedule repair --week … . Hai lịch vắng của cùng một người không được trùng nhau: \
            muốn sửa, xóa lịch cũ rồi ghi lại cả khoảng thời gian.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ghi lịch vắng của một UVBTV (--member) hoặc một tổ công tác (--team).",
            discussion: """
                --from, --to: ngày (YYYY-MM-DD, tính trọn ngày: --from 2026-12-09 --to 2026-12-09 là cả ngày 09/12) \
                hoặc thời điểm (YYYY-MM-DDTHH:MM: --from 2026-12-09T12:00 --to 2026-12-09T18:00 là buổi chiều).
                """)
        @OptionGroup var local: LocalOptions
        @Option(help: "UVBTV vắng (mã, xem config/members.yaml).") var member: String?
        @Option(help: "Tổ công tác vắng (mã, xem config/teams.yaml).") var team: String?
        @Option(help: "Bắt đầu: YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM.") var from: String
        @Option(help: "Kết thúc: YYYY-MM-DD (hết ngày đó) hoặc YYYY-MM-DDTHH:MM.") var to: String
        @Option(help: "Lý do (một dòng), ví dụ \"Họp Tỉnh ủy\".") var reason: String

        func validate() throws {
            if (member == nil) == (team == nil) { throw ValidationError("Cần đúng một trong --member và --team.") }
        }

        func run() async throws {
            try await local.withService { service in
                let result = try await runOffice {
                    let start = try ReviewService.absenceStart(from)
                    let end = try ReviewService.absenceEnd(to)
                    return try await service.addAbsence(
                        subject: member != nil ? .member : .team, id: member ?? team!, start: start, end: end, reason: reason, by: local.officeActor)
                }
                let a = result.absence
                print("Đã ghi lịch vắng \(a.id): \(try service.personName(a.subject, a.subjectId)) vắng \(ReviewService.span(a)) (\(a.reason)).")
                let published = result.broken.filter(\.published)
                if !published.isEmpty {
                    print("Lịch vắng này trùng \(published.count) buổi đã công bố:")
                    for b in published { print("  \(b.request): \(b.text)") }
                    let weeks = Set(published.map(\.week)).sorted()
                    for w in weeks { print("Đề xuất sửa lịch: reviewcal schedule repair --week \(w.iso)") }
                }
                let proposed = result.broken.filter { !$0.published }
                if !proposed.isEmpty {
                    print("Trùng \(proposed.count) buổi dự kiến chưa công bố; lần xếp lịch sau sẽ dời:")
                    for b in proposed { print("  \(b.request): \(b.text)") }
                }
                if result.broken.isEmpty { print("Không trùng buổi nào đã xếp.") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê lịch vắng (của một tuần, hoặc tất cả).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2026-W50.") var week: String?
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func run() async throws {
            let w = try week.map(parseWeek)
            try await local.withService { service in
                let list = try await runOffice { try await service.absences(week: w) }
                if json { return try printJSON(list) }
                if list.isEmpty { print(w.map { "Không có lịch vắng nào trong \($0.vietnamese)." } ?? "Chưa có lịch vắng nào.") }
                for a in list {
                    print("\(a.id)  \((try? service.personName(a.subject, a.subjectId)) ?? a.subjectId) vắng \(ReviewService.span(a)): \(a.reason)")
                }
                let broken = try await runOffice { try await service.brokenSessions(week: w, absences: list) }
                if !broken.isEmpty {
                    print("Buổi bị ảnh hưởng:")
                    for b in broken { print("  \(b.request): \(b.text)") }
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xóa một lịch vắng (các lần xếp lịch sau không tính nữa).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã lịch vắng (xem reviewcal absence list).") var id: String

        func run() async throws {
            try await local.withService { service in
                let a = try await runOffice { try await service.removeAbsence(id: id, by: local.officeActor) }
                print("Đã xóa lịch vắng \(a.id) (\(ReviewService.span(a)), \(a.reason)).")
            }
        }
    }
}

extension ScheduleCommand {
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đề xuất sửa lịch tuần đã công bố, thay đổi ít nhất có thể (chưa công bố); --choose K chọn phương án K.",
            discussion: """
                Buổi đã công bố là mốc: phương án đổi càng ít buổi càng tốt (đổi giờ tính 300, đổi UVBTV hay tổ 100, hủy \
                buổi 3000 điểm phạt). Lịch vắng là thời gian bận; buổi đã ghim, đã diễn ra hoặc bắt đầu trong --frozen-hours \
                giờ tới được giữ nguyên. Chọn một phương án bằng --choose K, rồi công bố bằng reviewcal schedule publish.
                """)
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2026-W50.") var week: String
        @Option(help: "Số phương án đề xuất (1–9).") var alternatives: Int = 3
        @Option(help: "Chọn phương án K (đánh số từ 1, như đã liệt kê) làm lịch dự kiến của tuần.") var choose: Int?
        @Option(help: "Giữ nguyên các buổi bắt đầu trong số giờ này tính từ bây giờ.") var frozenHours: Double = 24
        @Option(help: "Giới hạn thời gian (giây).") var timeLimit: Double = 10
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func validate() throws {
            if !(1...9).contains(alternatives) { throw ValidationError("--alternatives là từ 1 đến 9.") }
            if let choose, choose < 1 { throw ValidationError("--choose là số thứ tự phương án, từ 1.") }
            if timeLimit <= 0 { throw ValidationError("--time-limit phải lớn hơn 0.") }
        }

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                if let choose {
                    let chosen = try await runOffice { try await service.chooseRepair(week: w, number: choose, by: local.officeActor) }
                    print("Đã chọn phương án \(choose) làm lịch dự kiến \(w.vietnamese): đổi \(chosen.changedSessions) buổi, cần báo \(chosen.peopleToTell) người/đơn vị.")
                    print("Xem: reviewcal schedule show --week \(w.iso); công bố: reviewcal schedule publish --week \(w.iso)")
                    return
                }
                let plan = try await runOffice {
                    try await service.repair(
                        week: w, alternatives: alternatives, frozenHours: frozenHours, by: local.officeActor, options: SolverOptions(timeLimit: timeLimit))
                }
                if json { return try printJSON(RepairJSON(plan)) }
                print(RepairText.describe(plan))
            }
        }
    }
}

/// `schedule repair --json`: the alternatives as the scheduling contract names their parts.
struct RepairJSON: Encodable {
    struct Alternative: Encodable {
        var number: Int
        var score: Int
        var proven: Bool
        var changedSessions: Int
        var peopleToTell: Int
        var changes: [ReviewService.RepairChange]
        var lines: [String]
        var notices: [String]
    }
    var week: String
    var alternatives: [Alternative]
    var warnings: [String]

    init(_ plan: ReviewService.RepairPlan) {
        week = plan.week.iso
        alternatives = plan.alternatives.map {
            Alternative(
                number: $0.number, score: $0.score, proven: $0.proven, changedSessions: $0.changedSessions, peopleToTell: $0.peopleToTell,
                changes: $0.changes, lines: $0.lines, notices: $0.notices)
        }
        warnings = plan.warnings
    }
}

/// `schedule repair` in words.
enum RepairText {
    static func describe(_ plan: ReviewService.RepairPlan) -> String {
        var out: [String] = []
        let w = plan.week
        if !plan.broken.isEmpty {
            out.append("Lịch vắng trùng \(plan.broken.count) buổi:")
            for b in plan.broken { out.append("  \(b.request): \(b.text)") }
        }
        for a in plan.alternatives {
            let least = a.proven ? (a.number == 1 ? " (ít thay đổi nhất, đã chứng minh)" : " (tốt nhất trong các phương án khác, đã chứng minh)") : ""
            out.append("")
            out.append("Phương án \(a.number): điểm phạt \(a.score)\(least); đổi \(a.changedSessions) buổi đã công bố, cần báo \(a.peopleToTell) người/đơn vị.")
            if a.lines.isEmpty { out.append("  Không cần đổi buổi nào.") }
            for line in a.lines { out.append("  - \(line)") }
            if !a.notices.isEmpty {
                out.append("  Cần báo:")
                for n in a.notices { out.append("    • \(n)") }
            }
        }
        for warning in plan.warnings { out.append("Cảnh báo: \(warning)") }
        out.append("")
        out.append("Chọn phương án: reviewcal schedule repair --week \(w.iso) --choose K; rồi công bố: reviewcal schedule publish --week \(w.iso)")
        return out.joined(separator: "\n")
    }
}
