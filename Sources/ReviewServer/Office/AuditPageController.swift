import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/audit`: who did what and when, from the pages, the command line and the cells alike, filterable by
/// unit, week, user and action.
struct AuditPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }
    static let pageSize = 100

    struct AuditPage {
        var chrome: Chrome
        var units: [WeekPageController.Choice]
        var actions: [WeekPageController.Choice]
        var week: String
        var user: String
        var entries: [EntryRow]
        var total: Int
        var from: Int
        var to: Int
        var previous: String?
        var next: String?
        var active: Bool
    }
    struct EntryRow {
        var at: String
        var actor: String
        var action: String
        var code: String
        var target: String
        /// The fields the action changed, before and after, in words.
        var changes: [AuditChange]
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("audit") { request, context in
            await kit.guarded(context) {
                kit.pages.page("audit", try await page(context, request))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được nhật ký", message: f.message)
            }
        }
    }

    static func entityName(_ entity: String) -> String {
        switch entity {
        case "request": "Đăng ký"
        case "session": "Buổi"
        case "week": "Tuần"
        case "user": "Tài khoản"
        case "token": "Mã truy cập"
        case "feed": "Lịch"
        case "unit": "Đơn vị"
        case "clock": "Đồng hồ diễn tập"
        case "absence": "Lịch vắng"
        case "mail": "Thư"
        default: entity
        }
    }

    func page(_ context: OfficeRequestContext, _ request: Request) async throws -> AuditPage {
        let q = request.uri.queryParameters
        func param(_ key: String) -> String? { q.get(key).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : String($0) } }
        var week: ISOWeek?
        if let text = param("tuan") {
            guard let w = ISOWeek(iso: text) else {
                throw ReviewError(.invalidWeek, "Tuần '\(Text.clip(text))' không đúng dạng YYYY-Www (ví dụ 2026-W50).")
            }
            week = w
        }
        let filter = AuditFilter(unit: param("don-vi"), week: week, user: param("nguoi"), action: param("thao-tac"))
        let entries = try await service.auditTrail(filter: filter)
        let pageNumber = max(1, Int(param("trang") ?? "1") ?? 1)
        let start = min((pageNumber - 1) * Self.pageSize, entries.count)
        let slice = entries[start..<min(start + Self.pageSize, entries.count)]
        var base: [String] = []
        for (key, value) in [("don-vi", filter.unit), ("tuan", week?.iso), ("nguoi", filter.user), ("thao-tac", filter.action)] {
            if let value { base.append("\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        }
        func link(_ page: Int) -> String { "/office/audit?" + (base + ["trang=\(page)"]).joined(separator: "&") }
        let district = service.district
        let knownActions = [
            "request", "schedule", "session", "unit", "token", "feed", "user", "absence", "request.create", "request.change", "request.draft-sent",
            "request.withdraw", "schedule.run", "schedule.publish", "schedule.repair", "schedule.repair-choose", "session.move", "session.reschedule",
            "session.cancel", "session.pin", "session.unpin", "session.held", "session.dossier", "unit.note", "mail.resend", "user.sign-in",
        ]
        var names = try await service.auditNames()
        names.mails = try await service.mailLabels(ids: slice.filter { $0.entity == "mail" }.map(\.entityId))
        return AuditPage(
            chrome: kit.chrome(context, title: "Nhật ký thao tác", section: .audit),
            units: district.units.map { .init(value: $0.id, label: $0.name, selected: $0.id == filter.unit) },
            actions: knownActions.map {
                .init(
                    value: $0, label: $0.contains(".") ? ReviewService.describeAction($0) : ReviewService.describeActionGroup($0), selected: $0 == filter.action)
            },
            week: week?.iso ?? "", user: filter.user ?? "",
            entries: slice.map { e in
                EntryRow(
                    at: district.zone.local(e.at).dateTime.vietnamese, actor: service.auditActor(e.actor, names: names),
                    action: ReviewService.describeAction(e.action), code: e.action, target: service.auditTarget(e, names: names),
                    changes: service.auditChanges(e, names: names))
            },
            total: entries.count, from: entries.isEmpty ? 0 : start + 1, to: start + slice.count,
            previous: pageNumber > 1 ? link(pageNumber - 1) : nil, next: start + slice.count < entries.count ? link(pageNumber + 1) : nil,
            active: !base.isEmpty)
    }
}
