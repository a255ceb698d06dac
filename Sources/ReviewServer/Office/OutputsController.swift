import Foundation
import Hummingbird
import NIOCore
import ReviewCore
import ReviewService

/// The printable week schedule and the CSV exports of a week and of the campaign's progress.
struct OutputsController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }

    struct PrintPage {
        var districtName: String
        var title: String
        var heading: String
        var subtitle: String
        var draft: Bool
        var printedAt: String
        var days: [PrintDay]
        var empty: Bool
        var week: String
        /// The document's heading (Hướng dẫn 36-HD/VPTW): the issuing body, the place of issue and the year.
        var letterhead: PrintLetterhead
    }
    struct PrintDay {
        var title: String
        var sessions: [PrintSession]
    }
    struct PrintSession {
        var time: String
        var unit: String
        var kind: String
        var location: String
        var member: String
        var team: String
        var contact: String
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("weeks/:week/print") { request, context in
            await kit.guarded(context) {
                let board = try await service.weekBoard(week: try kit.week(context))
                let draft = request.uri.queryParameters.get("ban") == "du-kien"
                return kit.pages.page("print", printPage(board, draft: draft))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không in được", message: f.message)
            }
        }
        group.get("weeks/:week/export.csv") { request, context in
            await kit.guarded(context) {
                let week = try kit.week(context)
                let board = try await service.weekBoard(week: week)
                return Self.csv(board.csv(district: service.district, separator: Self.separator(request)), name: Self.fileName("lich-kiem-diem-tuan-\(week.iso)", request))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không xuất được", message: f.message)
            }
        }
        group.get("campaign/export.csv") { request, context in
            await kit.guarded(context) {
                let progress = try await service.campaignProgress(campaign: request.uri.queryParameters.get("dot").map { String($0) })
                return Self.csv(progress.csv(district: service.district, separator: Self.separator(request)), name: Self.fileName("tien-do-chien-dich-\(progress.campaign.id)", request))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không xuất được", message: f.message)
            }
        }
    }

    static func separator(_ request: Request) -> CSVText.Separator {
        request.uri.queryParameters.get("sep") == "semicolon" ? .semicolon : .comma
    }

    /// The downloaded file's name: what it holds, and "-excel" for the semicolon-separated copy, so that the two
    /// downloads of a page are told apart in the folder they are saved to.
    static func fileName(_ stem: String, _ request: Request) -> String {
        stem + (separator(request) == .semicolon ? "-excel" : "") + ".csv"
    }

    static func csv(_ table: CSVText, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: table.bytes)))
    }

    /// The week's official schedule (published sessions), or its proposal when `draft`, grouped by day.
    func printPage(_ board: WeekBoard, draft: Bool) -> PrintPage {
        let district = service.district
        let rows: [(WeekBoard.Row, Placement)] =
            draft
            ? board.proposed.map { ($0, $0.proposal!) } : board.publishedSessions.map { ($0, $0.published!.placement) }
        var days: [PrintDay] = []
        for offset in 0..<7 {
            let date = board.week.monday.adding(days: offset)
            let list = rows.filter { $0.1.start.date == date }
            guard !list.isEmpty else { continue }
            days.append(PrintDay(
                title: "\(date.vietnameseWeekday), ngày \(date.vietnamese)",
                sessions: list.map { row, p in
                    let location = district.location(row.request.location).map { [$0.name, $0.address].compactMap { $0 }.joined(separator: ", ") }
                    return PrintSession(
                        time: "\(p.halfDay) \(p.start.time)–\(p.end.time)", unit: row.unitName, kind: row.request.kind.vietnamese,
                        location: location ?? row.request.location,
                        member: p.member.flatMap { id in district.member(id).map { "Đ/c \($0.name) – \($0.title)" } } ?? "Chưa phân công",
                        team: kit.teamName(p.team), contact: [row.request.contactName, row.request.contactPhone].compactMap { $0 }.joined(separator: " – "))
                }))
        }
        let w = board.week
        return PrintPage(
            districtName: district.name.uppercased(), title: "Lịch dự kiểm điểm \(w.vietnamese)",
            heading: "LỊCH DỰ KIỂM ĐIỂM TUẦN \(w.week)/\(w.year)" + (draft ? " (DỰ KIẾN)" : ""),
            subtitle: "Từ \(w.monday.vietnameseWeekday.lowercased()) \(w.monday.vietnamese) đến \(w.sunday.vietnameseWeekday.lowercased()) \(w.sunday.vietnamese)",
            draft: draft, printedAt: district.zone.local(service.clock.now()).dateTime.vietnamese, days: days, empty: days.isEmpty, week: w.iso,
            letterhead: PrintLetterhead(districtName: district.name, year: district.zone.date(of: service.clock.now()).year))
    }
}
