import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/outbox`: the e-mail every published change caused — to whom, why, where each stands — filterable by week
/// and state, with "Gửi lại" for a message waiting or given up and for every message given up at once.
struct OutboxPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }
    var district: District { kit.service.district }
    /// Messages shown at most (newest first); the filters reach older ones.
    static let pageSize = 300

    struct OutboxPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        /// The district has `mail` settings.
        var configured: Bool
        /// "Văn phòng Huyện ủy Sen Hồng <vanphong@…>".
        var sender: String
        var giveUpHours: Int
        var week: String
        var status: String
        var statuses: [WeekPageController.Choice]
        var counts: [CountItem]
        var total: Int
        var shown: Int
        var more: Bool
        /// Messages given up (nil when none: the template shows the button only then).
        var failedCount: Int?
        var messages: [MessageRow]
        /// Filters are set.
        var active: Bool
        /// What the filters select, in words ("của tuần 50/2026 …, gửi không được").
        var scope: String
    }
    struct CountItem {
        var label: String
        var count: Int
        var href: String
        /// Shown in red: messages given up.
        var attention: Bool
    }
    struct MessageRow {
        var id: String
        var created: String
        var name: String
        var address: String
        var delivery: String
        var cause: String
        var subject: String
        var summary: [String]
        var statusCode: String
        var state: String
        var attempts: Int
        var error: String?
        var sent: String?
        var canResend: Bool
    }
    struct ResendForm: Decodable {
        var tuan: String?
        var trangThai: String?

        enum CodingKeys: String, CodingKey {
            case tuan
            case trangThai = "trang-thai"
        }
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("outbox") { request, context in
            await kit.guarded(context) {
                let (week, status) = try filters(week: request.uri.queryParameters.get("tuan"), status: request.uri.queryParameters.get("trang-thai"))
                return kit.pages.page("outbox", try await page(context, week: week, status: status))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được hộp thư đi", message: f.message)
            }
        }
        group.post("outbox/resend-failed") { _, context in
            var form = ResendForm()
            return await kit.guarded(context) {
                form = try kit.form(ResendForm.self, context)
                let (week, _) = try filters(week: form.tuan, status: form.trangThai)
                let queued = try await service.resendFailedOutbox(week: week, by: context.identity!.actor)
                let message =
                    queued.isEmpty
                    ? "Không có thư nào gửi không được" + (week.map { " trong \($0.vietnamese)" } ?? "") + "."
                    : "Đã xếp lại \(queued.count) thư gửi không được để gửi ngay (cùng Message-ID); máy chủ gửi trong vài giây. Tải lại trang để xem kết quả."
                return kit.redirect(back(form), flash: message, context)
            } onRefusal: { f in
                kit.pages.page("outbox", try await page(context, week: nil, status: nil, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
            }
        }
        group.post("outbox/:id/resend") { _, context in
            let id = context.parameters.get("id") ?? ""
            var form = ResendForm()
            return await kit.guarded(context) {
                form = try kit.form(ResendForm.self, context)
                try await service.resendOutbox(ids: [id], by: context.identity!.actor)
                let m = try await service.outboxMessage(id: id)
                return kit.redirect(
                    back(form),
                    flash: "Đã xếp lại thư gửi \(m.recipientName) <\(m.recipient)> để gửi ngay (cùng Message-ID); máy chủ gửi trong vài giây. Tải lại trang để xem kết quả.",
                    context)
            } onRefusal: { f in
                let (week, status) = (try? filters(week: form.tuan, status: form.trangThai)) ?? (nil, nil)
                return kit.pages.page("outbox", try await page(context, week: week, status: status, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
            }
        }
    }

    /// The page's filters: `tuan` (2026-W50) and `trang-thai` (queued, sending, sent, failed), each optional.
    func filters(week: String?, status: String?) throws -> (ISOWeek?, OutboxMessage.Status?) {
        var w: ISOWeek?
        if let text = week?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let parsed = ISOWeek(iso: text) else { throw ReviewError(.invalidWeek, "Tuần '\(Text.clip(text))' không đúng dạng YYYY-Www (ví dụ 2026-W50).") }
            w = parsed
        }
        var s: OutboxMessage.Status?
        if let text = status, !text.isEmpty {
            guard let parsed = OutboxMessage.Status(rawValue: text) else {
                throw ReviewError(
                    .invalidForm,
                    "Trạng thái '\(Text.clip(text))' không có; chọn một trong: "
                        + OutboxMessage.Status.allCases.map { "\($0.vietnamese) (\($0.rawValue))" }.joined(separator: ", ") + ".")
            }
            s = parsed
        }
        return (w, s)
    }

    /// The page the form was sent from (its filters only: never an address the form names).
    func back(_ form: ResendForm) -> String {
        let (week, status) = (try? filters(week: form.tuan, status: form.trangThai)) ?? (nil, nil)
        return Self.link(week: week, status: status)
    }

    static func link(week: ISOWeek?, status: OutboxMessage.Status?) -> String {
        let items = [week.map { "tuan=\($0.iso)" }, status.map { "trang-thai=\($0.rawValue)" }].compactMap { $0 }
        return "/office/outbox" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }

    func page(_ context: OfficeRequestContext, week: ISOWeek?, status: OutboxMessage.Status?, error: Chrome.ErrorBox? = nil) async throws -> OutboxPage {
        let (messages, counts) = try await service.store.read { tx in
            (
                try await tx.outbox(district: self.district.id, week: week, status: status, limit: Self.pageSize + 1),
                try await tx.outboxCounts(district: self.district.id, week: week)
            )
        }
        let zone = district.zone
        let identity = context.identity
        let total = status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        let shown = messages.prefix(Self.pageSize)
        var scope: [String] = []
        if let week { scope.append("của \(week.vietnamese)") }
        if let status { scope.append("ở trạng thái \"\(status.vietnamese)\"") }
        return OutboxPage(
            chrome: kit.chrome(context, title: "Thư báo thay đổi", section: .outbox, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", configured: district.mail != nil,
            sender: district.mail.map { "\($0.name) <\($0.from)>" } ?? "", giveUpHours: district.mail?.giveUpHours ?? 24,
            week: week?.iso ?? "", status: status?.rawValue ?? "",
            statuses: OutboxMessage.Status.allCases.map { .init(value: $0.rawValue, label: $0.vietnamese, selected: $0 == status) },
            counts: OutboxMessage.Status.allCases.map { s in
                CountItem(
                    label: s.vietnamese, count: counts[s] ?? 0, href: Self.link(week: week, status: s),
                    attention: s == .failed && (counts[s] ?? 0) > 0)
            },
            total: total, shown: shown.count, more: messages.count > Self.pageSize, failedCount: (counts[.failed] ?? 0) > 0 ? counts[.failed] : nil,
            messages: shown.map { m in
                MessageRow(
                    id: m.id, created: OutboxMessage.timeText(m.createdAt, zone: zone), name: m.recipientName, address: m.recipient,
                    delivery: m.delivery.vietnamese, cause: m.cause, subject: m.subject, summary: m.summaryLines, statusCode: m.status.rawValue,
                    state: m.stateText(zone: zone), attempts: m.attempts, error: m.status == .sent ? nil : m.lastError,
                    sent: m.sentAt.map { OutboxMessage.timeText($0, zone: zone) }, canResend: m.canResend)
            },
            active: week != nil || status != nil, scope: scope.joined(separator: ", "))
    }
}

extension OutboxPageController.MessageRow: TemplateFields {
    var templateFields: [String: Any] {
        [
            "id": id, "created": created, "name": name, "address": address, "delivery": delivery, "cause": cause, "subject": subject, "summary": summary,
            "statusCode": statusCode, "state": state, "attempts": attempts, "error": error as Any, "sent": sent as Any, "canResend": canResend,
        ]
    }
}
