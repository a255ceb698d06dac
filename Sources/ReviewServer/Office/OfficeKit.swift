import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import ReviewCore
import ReviewService
import ReviewStore

/// What every office page controller shares: the service, the templates, the configuration, and the helpers that
/// build the page around a controller's content and turn refusals into pages.
struct OfficeKit: Sendable {
    let service: ReviewService
    let pages: Pages
    let office: OfficeConfiguration

    /// The navigation's entries.
    enum Section {
        case week, absences, campaign, feeds, outbox, audit, district, none
    }

    /// The chrome of a page for the request's user, taking the one-time message out of the session.
    func chrome(_ context: OfficeRequestContext, title: String, section: Section, error: Chrome.ErrorBox? = nil) -> Chrome {
        var flash: String?
        var week: String?
        let opened = context.parameters.get("week").flatMap { ISOWeek(iso: $0)?.iso }
        context.sessions.withLockedSession { data in
            if let message = data?.flash {
                flash = message
                data?.flash = nil
            }
            if let opened, data != nil, data?.week != opened { data?.week = opened }
            week = data?.week
        }
        let nav: [Chrome.NavItem] = [
            .init(label: "Lịch tuần", href: week.map { "/office/weeks/\($0)" } ?? "/office", current: section == .week),
            .init(label: "Lịch vắng", href: "/office/absences" + (week.map { "?tuan=\($0)" } ?? ""), current: section == .absences),
            .init(label: "Tiến độ chiến dịch", href: "/office/campaign", current: section == .campaign),
            .init(label: "Đường dẫn lịch", href: "/office/feeds", current: section == .feeds),
            .init(label: "Thư đã gửi", href: "/office/outbox", current: section == .outbox),
            .init(label: "Nhật ký thao tác", href: "/office/audit", current: section == .audit),
            .init(label: "Cấu hình huyện", href: "/office/district", current: section == .district),
        ]
        let user = context.identity.map { id in
            Chrome.UserBox(name: id.user.name, login: id.user.login, roleText: id.user.role.vietnamese, csrf: id.csrf, canChange: id.canChange)
        }
        return Chrome(districtName: service.district.name, title: title, nav: user == nil ? [] : nav, user: user, flash: flash, error: error)
    }

    /// The week the office works on now: the first one still taking registrations is next week's batch, so the one
    /// before it (the week being scheduled and held).
    func currentWeek() -> ISOWeek {
        let now = service.clock.now()
        let window = service.district.campaign(covering: service.district.zone.date(of: now))?.cutoff ?? service.district.campaigns.last?.cutoff
        guard let window else { return ISOWeek(containing: service.district.zone.date(of: now)) }
        return window.firstOpenWeek(at: now).adding(weeks: -1)
    }

    /// The week to open at sign-in and at `/office`: the nearest one that needs the office's attention.
    func landingWeek() async -> ISOWeek {
        let current = currentWeek()
        return (try? await service.weekNeedingAttention(from: current)) ?? current
    }

    /// A 303 to `location`, leaving `flash` to show on the next page.
    func redirect(_ location: String, flash: String?, _ context: OfficeRequestContext) -> Response {
        if let flash {
            context.sessions.withLockedSession { data in data?.flash = flash }
        }
        return Self.redirect(location)
    }

    /// A 303 to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Decodes the submitted form into `T`.
    func form<T: Decodable>(_ type: T.Type, _ context: OfficeRequestContext) throws -> T {
        do {
            return try URLEncodedFormDecoder().decode(type, from: context.formText)
        } catch {
            throw ReviewError(.invalidForm, "Biểu mẫu thiếu trường hoặc có giá trị không đọc được. Tải lại trang rồi điền lại.")
        }
    }

    /// The first field of a form whose name or value, once its percent-encoding is read, is not UTF-8 (it would be
    /// stored as U+FFFD), or nil when every field reads.
    static func fieldNotUTF8(in form: String) -> String? {
        for pair in form.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(parts[0])
            let nameText = name.flatMap { String(validating: $0, as: UTF8.self) }
            if nameText == nil { return String(decoding: name ?? [], as: UTF8.self) }
            if parts.count == 2, let value = percentDecoded(parts[1]), String(validating: value, as: UTF8.self) == nil {
                return nameText
            }
        }
        return nil
    }

    /// The bytes of a form component (`+` is a space), or nil when a `%` is not followed by two hex digits (the form
    /// decoder refuses those itself).
    private static func percentDecoded(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.popFirst() {
            switch b {
            case UInt8(ascii: "+"): out.append(0x20)
            case UInt8(ascii: "%"):
                guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                bytes = bytes.dropFirst(2)
            default: out.append(b)
            }
        }
        return out
    }

    /// How a page names a form's field to the clerk.
    static func fieldLabel(_ name: String) -> String {
        let labels = [
            "login": "Tên đăng nhập", "password": "Mật khẩu", "reason": "Lý do", "text": "Ghi chú", "note": "Ghi chú", "date": "Ngày",
            "unit": "Đơn vị", "member": "UVBTV", "team": "Tổ công tác", "kind": "Loại kiểm điểm", "number": "Số", "option": "Phương án",
        ]
        return labels[name].map { "\($0) (\(name))" } ?? "'\(Text.clip(name))'"
    }

    /// The error box of a refusal.
    static func errorBox(_ f: ReviewError, reload: String? = nil) -> Chrome.ErrorBox {
        let details = f.details.count > 1 || (f.details.first.map { $0.message != f.message } ?? false) ? f.details.map(\.message) : []
        return Chrome.ErrorBox(
            title: f.code == .weekChanged ? "Tuần đã thay đổi" : "Chưa thực hiện được", message: forClerk(f.message), details: details.map(forClerk),
            reload: f.code == .weekChanged ? reload : nil)
    }

    /// A refusal's words as a clerk reads them on a page: the service speaks to the command line too, and its hints
    /// of a command to run ("(reviewcal schedule move)", "Xem: reviewcal outbox list") are left out here.
    static func forClerk(_ message: String) -> String {
        guard message.contains("reviewcal ") else { return message }
        var text = message.replacingOccurrences(of: #"\s*\([^()]*reviewcal [^()]*\)"#, with: "", options: .regularExpression)
        // A later sentence that gives a command goes; the first keeps what it says before the command's lead-in.
        let sentences = text.components(separatedBy: ". ").enumerated().compactMap { index, sentence -> String? in
            guard let command = sentence.range(of: "reviewcal ") else { return sentence }
            guard index == 0 else { return nil }
            let before = sentence[..<command.lowerBound]
            guard let cut = before.range(of: #"[:;,]\s*[^:;,]*$"#, options: .regularExpression) else { return nil }
            return String(before[..<cut.lowerBound])
        }
        text = sentences.joined(separator: ". ").trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, !text.hasSuffix("."), !text.hasSuffix("!"), !text.hasSuffix("?") { text += "." }
        return text.isEmpty ? message : text
    }

    /// The HTTP status of a refusal.
    static func status(_ f: ReviewError) -> HTTPResponse.Status { f.status }

    /// A page with only a title and a message (errors, refusals outside a page).
    static func plainPage(
        _ pages: Pages, _ service: ReviewService, _ context: OfficeRequestContext, status: HTTPResponse.Status, title: String, message: String,
        reload: String? = nil
    ) -> Response {
        let kit = OfficeKit(service: service, pages: pages, office: OfficeConfiguration())
        let chrome = kit.chrome(context, title: title, section: .none, error: .init(title: title, message: message, details: [], reload: reload))
        return pages.page("message", MessagePage(chrome: chrome), status: status)
    }

    /// Runs a page's handler: refusals become the page the handler builds with the error, anything unexpected a 500.
    func guarded(_ context: OfficeRequestContext, _ body: () async throws -> Response, onRefusal: (ReviewError) async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let f as ReviewError {
            do {
                return try await onRefusal(f)
            } catch {
                return failure(context, error)
            }
        } catch {
            return failure(context, error)
        }
    }

    /// The page of an error no handler expected.
    func failure(_ context: OfficeRequestContext, _ error: any Error) -> Response {
        if let f = error as? ReviewError {
            return Self.plainPage(pages, service, context, status: Self.status(f), title: "Chưa thực hiện được", message: f.message)
        }
        if let error = error as? StoreError, let refusal = error.refusal {
            context.logger.warning("database: \(error.fault?.rawValue ?? "?"): \(StoreFault.detail(of: error))")
            var page = Self.plainPage(
                pages, service, context, status: .serviceUnavailable, title: refusal.code == .busy ? "Máy chủ đang bận" : "Chưa lưu được",
                message: refusal.message)
            page.headers[.retryAfter] = refusal.retryAfter
            return page
        }
        context.logger.error("office page failed: \(error)")
        return Self.plainPage(
            pages, service, context, status: .internalServerError, title: "Lỗi máy chủ",
            message: "Lỗi máy chủ; dữ liệu đã lưu không bị ảnh hưởng. Thử lại sau ít phút hoặc báo người quản trị.")
    }

    /// The `week` route parameter.
    func week(_ context: OfficeRequestContext) throws -> ISOWeek {
        let text = context.parameters.get("week") ?? ""
        guard let w = ISOWeek(iso: text) else {
            throw ReviewError(.invalidWeek, "Tuần '\(Text.clip(text))' không đúng dạng YYYY-Www (ví dụ 2026-W50).", status: 404)
        }
        return w
    }

    /// A member's, team's or location's display name.
    func memberName(_ id: String?) -> String { id.flatMap { service.district.member($0)?.name } ?? "chưa phân công" }
    func teamName(_ id: String) -> String { service.district.team(id)?.name ?? id }
    func locationName(_ id: String) -> String { service.district.location(id)?.name ?? id }
}

/// A page with only the chrome (its message in the error box).
struct MessagePage {
    var chrome: Chrome
}
