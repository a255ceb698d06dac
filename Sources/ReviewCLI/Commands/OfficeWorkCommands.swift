import ArgumentParser
import CellCommands
import Foundation
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore

/// Where to place a session by hand: `--option`, `--member`, `--team`.
struct PlacementOptions: ParsableArguments {
    @Option(help: "Phương án (1, 2, 3).") var option: Int
    @Option(help: "UVBTV dự (mã, xem config/members.yaml).") var member: String
    @Option(help: "Tổ công tác (mã, xem config/teams.yaml).") var team: String

    func validate() throws {
        if option < 1 || option > 3 { throw ValidationError("--option là 1, 2 hoặc 3.") }
    }

    var choice: ReviewService.PlacementChoice { .init(option: option - 1, member: member, team: team) }
}

extension ScheduleCommand {
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chuyển một buổi của lịch dự kiến sang phương án, UVBTV, tổ công tác khác (kiểm tra mọi quy tắc; buổi được ghim).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @OptionGroup var placement: PlacementOptions

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.move(request: request, to: placement.choice, by: local.officeActor) }
                print("Đã chuyển và ghim \(request). Công bố bằng: reviewcal schedule publish --week …")
            }
        }
    }

    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đổi ngay một buổi đã công bố (lịch của UVBTV, tổ, đơn vị cập nhật, kèm lý do); cũng dùng để tổ chức lại buổi đã hủy.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @OptionGroup var placement: PlacementOptions
        @Option(help: "Lý do (đơn vị và các đồng chí dự sẽ thấy).") var reason: String

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.reschedule(request: request, to: placement.choice, reason: reason, by: local.officeActor) }
                print("Đã đổi lịch \(request).")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hủy ngay một buổi đã công bố, kèm lý do (các lần xếp sau bỏ qua đăng ký này).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @Option(help: "Lý do (đơn vị và các đồng chí dự sẽ thấy).") var reason: String

        func run() async throws {
            try await local.withService { service in
                try await runOffice { try await service.cancel(request: request, reason: reason, by: local.officeActor) }
                print("Đã hủy \(request).")
            }
        }
    }

    struct DraftSent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draft-sent",
            abstract: "Ghi hoặc sửa ngày đơn vị gửi dự thảo báo cáo kiểm điểm (có ghi nhật ký); chạy xếp lịch lại sau đó.",
            discussion: """
                Ngày gửi không được sau hôm nay, không sớm hơn 60 ngày trước khi đợt kiểm điểm bắt đầu, và phải đủ số ngày \
                trước ít nhất một phương án thời gian của đăng ký (và trước buổi đã xếp, nếu có).
                Ví dụ: reviewcal schedule draft-sent r-5dn6xeop 2026-12-08
                """)
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @Argument(help: "Ngày gửi dự thảo, YYYY-MM-DD.") var date: String

        func run() async throws {
            try await local.withService { service in
                let r = try await runOffice { try await service.setDraftSent(request: request, date: date, by: local.officeActor) }
                print("Đã ghi ngày gửi dự thảo \(r.draftSent?.vietnamese ?? date) cho \(service.requestLabel(r)) (\(r.id)).")
                print("Chạy xếp lịch lại: reviewcal schedule run --week \(r.week.iso)")
            }
        }
    }

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lịch dự kiểm điểm của tuần để in (HTML khổ A4, như trang In của Văn phòng) hoặc bảng CSV mở được bằng Excel.")
        @OptionGroup var local: LocalOptions
        @Option(help: "Tuần, ví dụ 2026-W50.") var week: String
        @Option(help: "Dạng: html (in, ký, niêm yết), csv (dấu phẩy) hoặc csv-excel (dấu chấm phẩy, cho Excel tiếng Việt).") var format: String = "html"
        @Flag(help: "In lịch dự kiến (chưa công bố) thay cho lịch đã công bố.") var draft = false
        @Option(help: "Ghi vào tệp này (mặc định: stdout).") var out: String?

        func validate() throws {
            if !["html", "csv", "csv-excel"].contains(format) { throw ValidationError("--format là html, csv hoặc csv-excel.") }
        }

        func run() async throws {
            let w = try parseWeek(week)
            try await local.withService { service in
                let bytes: [UInt8]
                if format == "html" {
                    bytes = Array(try await runOffice { try await printedWeekHTML(service: service, week: w, draft: draft) }.utf8)
                } else {
                    let board = try await runOffice { try await service.weekBoard(week: w) }
                    bytes = board.csv(district: service.district, separator: format == "csv" ? .comma : .semicolon).bytes
                }
                try writeOut(bytes, to: out)
            }
        }
    }
}

/// `reviewcal progress …`.
struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Tiến độ chiến dịch: xem, ghi nhận đã kiểm điểm, đã nhận hồ sơ, ghi chú.",
        subcommands: [Show.self, Held.self, Dossier.self, Note.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các hạn có nguy cơ trễ và tình trạng từng đơn vị (lọc được).")
        @OptionGroup var local: LocalOptions
        @Option(help: "Đợt (mã); mặc định đợt hiện tại.") var campaign: String?
        @Option(help: "Chỉ khối này (mã).") var bloc: String?
        @Option(help: "Chỉ đơn vị tổ này theo dõi hoặc dự (mã).") var team: String?
        @Option(help: "Chỉ đơn vị đồng chí này phụ trách hoặc dự (mã).") var member: String?
        @Option(help: "Chỉ tình trạng: \(CampaignProgress.Stage.allCases.map(\.code).joined(separator: ", ")).") var status: String?
        @Option(help: "Dạng: text, csv, csv-excel hoặc json.") var format: String = "text"
        @Option(help: "Ghi vào tệp này (mặc định: stdout).") var out: String?

        func validate() throws {
            if let status, CampaignProgress.Stage(code: status) == nil {
                throw ValidationError("--status là một trong: \(CampaignProgress.Stage.allCases.map(\.code).joined(separator: ", ")).")
            }
            if !["text", "csv", "csv-excel", "json"].contains(format) { throw ValidationError("--format là text, csv, csv-excel hoặc json.") }
        }

        func run() async throws {
            try await local.withService { service in
                let progress = try await runOffice { try await service.campaignProgress(campaign: campaign) }
                let units = progress.filtered(bloc: bloc, team: team, member: member, stage: status.flatMap(CampaignProgress.Stage.init(code:)), district: service.district)
                switch format {
                case "csv", "csv-excel":
                    var filtered = progress
                    filtered.units = units
                    try writeOut(filtered.csv(district: service.district, separator: format == "csv" ? .comma : .semicolon).bytes, to: out)
                case "json":
                    try printJSON(units.map { u in
                        UnitProgressView(unit: u.unit.id, name: u.unit.name, status: u.stage.code, requests: u.sessions.map(\.request.id), notes: u.notes.map(\.text))
                    })
                default:
                    print("\(progress.campaign.name) — hôm nay \(progress.today.vietnamese)")
                    for d in progress.deadlines {
                        let left = d.daysLeft >= 0 ? "còn \(d.daysLeft) ngày" : "đã qua \(-d.daysLeft) ngày"
                        let flag = d.atRisk ? " [NGUY CƠ TRỄ]" : ""
                        let behind = d.concerned == 0 ? d.expects : "chưa xong \(d.behind.count)/\(d.concerned) đơn vị"
                        print("Hạn \(d.deadline.date.vietnamese) (\(left))\(flag): \(d.deadline.title) — \(behind)")
                    }
                    print("")
                    for u in units {
                        print("\(u.unit.id)\t\(u.unit.name)\t\(u.stageText)\t\(u.sessions.map(\.request.id).joined(separator: ","))")
                    }
                }
            }
        }
    }

    struct Held: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi nhận một buổi đã công bố đã diễn ra (hoặc bỏ ghi nhận bằng --clear).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @Option(help: "Ngày diễn ra (YYYY-MM-DD); mặc định ngày đã xếp.") var date: String?
        @Flag(help: "Bỏ ghi nhận.") var clear = false

        func run() async throws {
            let day = try date.map(parseDate)
            try await local.withService { service in
                try await runOffice { try await service.setHeld(request: request, on: day, clear: clear, by: local.officeActor) }
                print(clear ? "Đã bỏ ghi nhận \(request)." : "Đã ghi nhận \(request) đã kiểm điểm.")
            }
        }
    }

    struct Dossier: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi nhận đã nhận hồ sơ kiểm điểm của một buổi (hoặc bỏ ghi nhận bằng --clear).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đăng ký.") var request: String
        @Option(help: "Ngày nhận (YYYY-MM-DD); mặc định hôm nay.") var date: String?
        @Flag(help: "Bỏ ghi nhận.") var clear = false

        func run() async throws {
            let day = try date.map(parseDate)
            try await local.withService { service in
                try await runOffice { try await service.setDossier(request: request, receivedOn: day, clear: clear, by: local.officeActor) }
                print(clear ? "Đã bỏ ghi nhận hồ sơ \(request)." : "Đã ghi nhận hồ sơ \(request).")
            }
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm một ghi chú ngắn về tiến độ của một đơn vị.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Mã đơn vị.") var unit: String
        @Argument(help: "Ghi chú (một dòng).") var text: String

        func run() async throws {
            try await local.withService { service in
                _ = try await runOffice { try await service.addNote(unit: unit, text: text, by: local.officeActor) }
                print("Đã thêm ghi chú.")
            }
        }
    }
}

/// One unit as `progress show --format json` prints it.
struct UnitProgressView: Encodable {
    var unit: String
    var name: String
    var status: String
    var requests: [String]
    var notes: [String]
}

/// Parses a date argument.
func parseDate(_ text: String) throws -> LocalDate {
    guard let d = LocalDate(iso: text) else { throw ValidationError("Ngày '\(text)' không đúng dạng YYYY-MM-DD.") }
    return d
}

/// Writes bytes to a file (atomically) or to standard output.
func writeOut(_ bytes: [UInt8], to path: String?) throws {
    if let path {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            printError("Không ghi được tệp \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
