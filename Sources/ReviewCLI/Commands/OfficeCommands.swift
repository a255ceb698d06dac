import ArgumentParser
import CellCommands
import Foundation
import ReviewCore
import ReviewService
import ReviewStore
import Scheduling

/// `reviewcal config check`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Kiểm tra cấu hình của huyện.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kiểm tra toàn bộ cấu hình, báo mọi lỗi kèm tệp và dòng.")
        @Argument(help: "Thư mục cấu hình.") var directory: String = "config"

        func run() async throws {
            // The same check as the office's district page: every defect of every file, then the total once.
            let report = ConfigReport.check(directory: URL(fileURLWithPath: directory))
            guard let d = report.district, report.defects.isEmpty else {
                printError(report.printed)
                throw ExitCode(1)
            }
            print("Cấu hình hợp lệ: \(d.name) — \(d.members.count) UVBTV, \(d.blocs.count) khối, \(d.units.count) đơn vị, \(d.teams.count) tổ công tác, \(d.campaigns.count) đợt.")
        }
    }
}

/// `reviewcal solve`.
struct Solve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Giải một bài toán xếp lịch tuần (JSON theo docs/weekly-scheduling.md).")
    @Argument(help: "Tệp bài toán JSON.") var problem: String
    @Option(help: "Ghi lời giải vào tệp này (mặc định: stdout).") var out: String?
    @Option(help: "Giới hạn thời gian (giây).") var timeLimit: Double = 10
    @Option(help: "Hạt giống ngẫu nhiên: cùng bài toán, cùng hạt giống cho cùng lời giải.") var seed: UInt64 = 1
    @Option(help: "Tuần lớn (quá cỡ mô hình chính xác): số bước cải thiện tối đa, để kết quả không phụ thuộc tốc độ máy.")
    var maxSteps: Int?
    @Flag(
        help:
            "In lên stderr một dòng JSON: {\"seconds\": …, \"score\": …, \"bound\": …, \"proven\": …} (thời gian giải, điểm phạt, cận dưới, đã chứng minh tối ưu chưa); khi bài toán có lịch đã công bố (published), thêm số buổi bị thay đổi (changedSessions) và số thay đổi theo loại (moved, memberChanged, teamChanged, dropped)."
    )
    var stats = false

    func validate() throws {
        if !(timeLimit > 0) { throw ValidationError("--time-limit phải là số giây lớn hơn 0.") }
        if let maxSteps, maxSteps < 0 { throw ValidationError("--max-steps không được âm.") }
    }

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: problem))
        } catch {
            printError("Không đọc được tệp \(problem): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let p: Problem
        do {
            p = try ProblemReader.read(data)
        } catch {
            for d in error.defects { printError(d) }
            throw ExitCode(2)
        }
        let result: SolveResult
        do {
            result = try Solver.solveWithReport(p, options: SolverOptions(timeLimit: timeLimit, seed: seed, maxSteps: maxSteps))
        } catch {
            printError(error.reason)
            throw ExitCode(3)
        }
        if stats { printError(result.report.jsonLine) }
        let bytes = SolutionWriter.encode(result.solution)
        if let out {
            try bytes.write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }
}

/// `reviewcal schedule …`.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Xếp lịch tuần: xuất bài toán, chạy, ghim, công bố.",
        subcommands: [
            ExportProblem.self, Run.self, Repair.self, Publish.self, Pin.self, Unpin.self, Move.self, Reschedule.self, Cancel.self, DraftSent.self, Show.self,
            Print.self,
        ])

    struct ExportProblem: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "In bài toán xếp lịch của tuần (JSON).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2023-W50.") var week: String
        @Flag(help: "Bài toán sửa lịch đã công bố: buổi đã công bố là mốc (published), không ghim.") var repair = false
        @Option(help: "Với --repair: giữ nguyên (ghim) các buổi bắt đầu trong số giờ này tính từ bây giờ.") var frozenHours: Double = 24

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                FileHandle.standardOutput.write(
                    try await runOffice {
                        repair ? try await service.exportRepairProblem(week: w, frozenHours: frozenHours) : try await service.exportProblem(week: w)
                    })
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xếp lịch tuần từ các đăng ký và lưu thành dự kiến (chưa công bố).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2023-W50.") var week: String
        @Option(name: .customLong("release"), help: "Cho phép dời buổi đã công bố hoặc đã ghim này (mã đăng ký; lặp lại được).") var release: [String] = []
        @Option(help: "Giới hạn thời gian (giây).") var timeLimit: Double = 5

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                let r = try await runOffice {
                    try await service.runSchedule(week: w, by: local.officeActor, release: Set(release), options: SolverOptions(timeLimit: timeLimit))
                }
                print("\(w.vietnamese): đã xếp \(r.scheduled) buổi, chưa xếp được \(r.unscheduled.count); điểm phạt \(r.score).")
                for u in r.unscheduled { print("  \(u.request): \(u.reason)") }
                for w in r.warnings { print("Cảnh báo: \(w)") }
                print("Xem: reviewcal schedule show --week \(w.iso); công bố: reviewcal schedule publish --week \(w.iso)")
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Công bố lịch tuần lên lịch của UVBTV, tổ công tác, đơn vị.")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2023-W50.") var week: String

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                let n = try await runOffice { try await service.publish(week: w, by: local.officeActor) }
                print("Đã công bố \(w.vietnamese): \(n) buổi mới hoặc thay đổi.")
            }
        }
    }

    struct Pin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghim một buổi: giữ nguyên (hoặc đặt) phương án, UVBTV, tổ công tác ở các lần xếp sau.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @Option(help: "Phương án (1, 2, 3).") var option: Int?
        @Option(help: "UVBTV dự (mã), hoặc \"none\".") var member: String?
        @Option(help: "Tổ công tác (mã).") var team: String?

        func run() async throws {
            try await local.withService { service in
                let m: String?? = member.map { $0 == "none" ? Optional<String>.none : Optional($0) }
                try await runOffice { try await service.pin(request: request, option: option.map { $0 - 1 }, member: m, team: team, by: local.officeActor) }
                print("Đã ghim \(request).")
            }
        }
    }

    struct Unpin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bỏ ghim một buổi.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.unpin(request: request, by: local.officeActor) }
                print("Đã bỏ ghim \(request).")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xem lịch của tuần: lịch đã công bố và, bên cạnh, lịch dự kiến chưa công bố.")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2023-W50.") var week: String
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                let views = try await runOffice { try await service.list(for: .office(local.actor), week: w, includeWithdrawn: false) }
                if json { return try printJSON(views) }
                for v in views { print(describe(v)) }
                if views.isEmpty { print("Chưa có đăng ký nào cho \(w.vietnamese).") }
            }
        }
    }
}

/// `reviewcal export`.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ghi mọi lịch iCalendar thành tệp (giống nội dung phục vụ qua HTTP).")
    @OptionGroup var local: LocalOptions
    @Option(help: "Thư mục đích.") var out: String = "calendars"

    func run() async throws {
        try await local.withService { service in
            let files = try await runOffice { try await service.exportFeeds(to: URL(fileURLWithPath: out)) }
            print("Đã ghi \(files.count) lịch vào \(out.hasSuffix("/") ? out : out + "/").")
        }
    }
}

/// `reviewcal feeds …`.
struct FeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds", abstract: "Đường dẫn lịch của UVBTV, tổ công tác, đơn vị: xem, đổi, thu hồi.", subcommands: [List.self, Rotate.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cấp (khi chưa có) và liệt kê đường dẫn lịch.")
        @OptionGroup var local: LocalOptions
        @Option(help: "Địa chỉ công khai của máy chủ.") var baseURL: String = "http://127.0.0.1:8080"
        @Flag(help: "In kết quả dạng JSON.") var json = false

        func run() async throws {
            try await local.withService { service in
                let links = try await runOffice { try await service.ensureFeedTokens(by: local.officeActor) }
                let webcal = baseURL.replacingOccurrences(of: "https://", with: "webcal://").replacingOccurrences(of: "http://", with: "webcal://")
                if json {
                    return try printJSON(links.map { FeedLinkView(kind: $0.kind.rawValue, subject: $0.subject, name: $0.ownerName, https: baseURL + $0.path, webcal: webcal + $0.path) })
                }
                for l in links {
                    print("\(l.kind.rawValue)\t\(l.subject)\t\(l.ownerName)\n\t\(baseURL)\(l.path)\n\t\(webcal)\(l.path)")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cấp đường dẫn mới; đường dẫn cũ trả lời 410.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Loại: member, team, unit, district.") var kind: String
        @Argument(help: "Mã UVBTV, tổ, đơn vị hoặc huyện.") var subject: String

        func run() async throws {
            guard let k = FeedToken.Kind(rawValue: kind) else { throw ValidationError("Loại '\(kind)' không hợp lệ: member, team, unit, district.") }
            try await local.withService { service in
                let link = try await runOffice { try await service.rotateFeed(kind: k, subject: subject, by: local.officeActor) }
                print("Đường dẫn mới: \(link.path)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi đường dẫn lịch (trả lời 410).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Loại: member, team, unit, district.") var kind: String
        @Argument(help: "Mã.") var subject: String

        func run() async throws {
            guard let k = FeedToken.Kind(rawValue: kind) else { throw ValidationError("Loại '\(kind)' không hợp lệ: member, team, unit, district.") }
            try await local.withService { service in
                try await runOffice { try await service.revokeFeed(kind: k, subject: subject, by: local.officeActor) }
                print("Đã thu hồi.")
            }
        }
    }
}

/// `reviewcal admin …`.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quản trị của Văn phòng: tài khoản, mã truy cập, cho phép thêm đăng ký, nhật ký.",
        subcommands: [UserCommand.self, Token.self, AllowExtra.self, Audit.self, ClockCommand.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cấp, liệt kê, thu hồi mã truy cập.", subcommands: [Issue.self, List.self, Revoke.self])

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cấp mã cho một đơn vị (--unit), cho mọi đơn vị (--all-units, in dạng bảng mã-đơn-vị<TAB>mã) hoặc cho Văn phòng (--office).")
            @OptionGroup var local: LocalOptions
            @Option(help: "Mã đơn vị.") var unit: String?
            @Flag(help: "Cấp cho mọi đơn vị chưa có mã còn hiệu lực.") var allUnits = false
            @Flag(help: "Mã của Văn phòng.") var office = false
            @Option(help: "Ghi chú (người nhận).") var label: String = ""

            func validate() throws {
                if [unit != nil, allUnits, office].filter({ $0 }).count != 1 { throw ValidationError("Chọn đúng một: --unit MÃ, --all-units hoặc --office.") }
            }

            func run() async throws {
                try await local.withService { service in
                    if allUnits {
                        let live = Set(try await service.tokens().filter { $0.role == .unit && $0.revokedAt == nil }.map(\.subject))
                        for u in service.district.units where !live.contains(u.id) {
                            let (_, secret) = try await runOffice { try await service.issueToken(unit: u.id, label: u.name, by: local.officeActor) }
                            print("\(u.id)\t\(secret)")
                        }
                        return
                    }
                    let (record, secret) = try await runOffice {
                        try await service.issueToken(unit: unit, label: label.isEmpty ? (unit ?? local.actor) : label, by: local.officeActor)
                    }
                    print("Mã truy cập \(record.id) cho \(unit.flatMap { service.district.unit($0)?.name } ?? "Văn phòng Huyện ủy") (chỉ hiện một lần, hãy giao tận tay):")
                    print(secret)
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Liệt kê mã truy cập (không hiện mã bí mật).")
            @OptionGroup var local: LocalOptions
            @Flag(help: "In kết quả dạng JSON.") var json = false

            func run() async throws {
                try await local.withService { service in
                    if json { return try printJSON(try await service.tokens()) }
                    for t in try await service.tokens() {
                        let state = t.revokedAt.map { "đã thu hồi \(Timestamp.string($0))" } ?? "hiệu lực"
                        print("\(t.id)\t\(t.role.rawValue)\t\(t.subject)\t\(t.label)\t\(state)")
                    }
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Thu hồi một mã truy cập.")
            @OptionGroup var local: LocalOptions
            @Argument(help: "Số hiệu mã (tk-…).") var id: String

            func run() async throws {
                try await local.withService { service in
                    try await runOffice { try await service.revokeToken(id: id, by: local.officeActor) }
                    print("Đã thu hồi \(id).")
                }
            }
        }
    }

    struct AllowExtra: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cho một đơn vị thêm đăng ký cùng loại trong đợt.")
        @OptionGroup var local: LocalOptions
        @Option(help: "Mã đơn vị, hoặc \"all\" cho mọi đơn vị.") var unit: String
        @Option(help: "Loại kiểm điểm.") var kind: String
        @Option(help: "Đợt (mã).") var campaign: String
        @Option(help: "Số đăng ký thêm.") var extra: Int = 1

        func run() async throws {
            guard let k = ReviewKind(rawValue: kind) else { throw ValidationError("Loại kiểm điểm '\(kind)' không hợp lệ.") }
            try await local.withService { service in
                for u in unit == "all" ? service.district.units.map(\.id) : [unit] {
                    try await runOffice { try await service.allowExtra(unit: u, kind: k, campaign: campaign, extra: extra, by: local.officeActor) }
                }
                print("Đã cho phép.")
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xem nhật ký thao tác (ai, làm gì, khi nào).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Chỉ của đăng ký hoặc đối tượng này.") var id: String?
        @Option(help: "Chỉ của đơn vị này (mã).") var unit: String?
        @Option(help: "Chỉ của tuần này (YYYY-Www).") var week: String?
        @Option(help: "Chỉ của người này (tên đăng nhập, office:tên hoặc unit:mã).") var user: String?
        @Option(help: "Chỉ thao tác này (ví dụ session.move) hoặc nhóm (session).") var action: String?
        @Flag(help: "In kết quả dạng JSON (kèm trạng thái trước và sau).") var json = false
        @Flag(help: "In dưới mỗi mục các nội dung đã đổi, trước và sau.") var changes = false

        func run() async throws {
            let w = try week.map(parseWeek)
            try await local.withService { service in
                var entries = try await service.auditTrail(filter: AuditFilter(unit: unit, week: w, user: user, action: action)).reversed() as [AuditEntry]
                if let id { entries = entries.filter { $0.entityId == id } }
                if json { return try printJSON(entries) }
                let names = try await service.auditNames()
                for e in entries {
                    print(
                        "\(service.district.zone.local(e.at).dateTime.iso)\t\(e.actor)\t\(e.action)\t\(e.entity) \(e.entityId)\t"
                            + "\(ReviewService.describeAction(e.action)): \(service.auditTarget(e, names: names))")
                    if changes {
                        for c in service.auditChanges(e, names: names) { print("    \(c.field): \(c.before) → \(c.after)") }
                    }
                }
            }
        }
    }
}

/// One feed link as `feeds list --json` prints it.
struct FeedLinkView: Encodable {
    var kind: String
    var subject: String
    var name: String
    var https: String
    var webcal: String
}
