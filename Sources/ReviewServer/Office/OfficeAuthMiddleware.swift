import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import ReviewService
import ReviewStore

/// Who may do what in the office's pages, checked here once for every page:
/// - a page needs a signed-in, enabled account whose session is not idle, too old, or older than its password;
///   otherwise the browser is sent to the sign-in page (API tokens, a unit's or the office's, open no page);
/// - a form that changes something must carry the session's CSRF token (the sign-in form, the one of its cookie);
/// - a viewer changes nothing.
struct OfficeAuthMiddleware: RouterMiddleware {
    typealias Context = OfficeRequestContext
    let service: ReviewService
    let office: OfficeConfiguration
    let pages: Pages

    /// The cookie holding the sign-in form's CSRF token.
    static let signInCookie = "rc_signin"
    /// Pages open without an account.
    static let publicPaths: Set<String> = ["/office/sign-in"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        let now = service.clock.now()
        var ended: SessionEnd?
        if let session = context.sessions.session {
            let user = try await service.user(session.login)
            ended = SessionEnd.of(session, user: user, district: service.district.id, now: now, maxAge: office.maxSessionAge)
            if let user, ended == nil {
                context.identity = OfficeIdentity(user: user, csrf: session.csrf)
                // Sliding expiry, written when a tenth of the idle time (at most five minutes) has passed since the last.
                context.sessions.withLockedSession { data in
                    if let left = data?.expiresIn, StorePersistDriver.seconds(left) < office.idleTimeout - Self.extensionStep(office.idleTimeout) {
                        data?.expiresIn = .seconds(Int64(office.idleTimeout))
                    }
                }
            } else {
                context.sessions.clearSession()
            }
        }
        let changing = request.method != .get && request.method != .head
        if context.identity == nil && !Self.publicPaths.contains(path) {
            let reason = ended?.rawValue ?? (request.cookies["rc_office"] != nil ? "het-han" : nil)
            return OfficeKit.redirect(Self.signInTarget(next: changing ? nil : request.uri.description, reason: reason))
        }
        guard changing else { return try await next(request, context) }

        // Every form that changes something.
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: OfficeRequestContext.maxFormBytes)
        } catch {
            return OfficeKit.plainPage(pages, service, context, status: .contentTooLarge, title: "Biểu mẫu quá lớn", message: "Nội dung gửi lên quá lớn (tối đa 256 KiB).")
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            return OfficeKit.plainPage(
                pages, service, context, status: .badRequest, title: "Dữ liệu không hợp lệ", message: "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ.")
        }
        // A field whose percent-encoding is not UTF-8 would be read as U+FFFD and stored so: refused, as the API does.
        if let field = OfficeKit.fieldNotUTF8(in: text) {
            return OfficeKit.plainPage(
                pages, service, context, status: .badRequest, title: "Dữ liệu không hợp lệ",
                message: "Trường \(OfficeKit.fieldLabel(field)) có ký tự không đọc được (không phải UTF-8). Gõ lại nội dung trường này rồi gửi lại; chưa có gì được lưu.",
                reload: path == "/office/sign-in" ? "/office/sign-in" : nil)
        }
        context.formText = text
        let sent = (try? URLEncodedFormDecoder().decode(CSRFField.self, from: text))?._csrf ?? ""
        let expected = context.identity?.csrf ?? request.cookies[Self.signInCookie]?.value ?? ""
        guard !expected.isEmpty, Self.constantTimeEqual(sent, expected) else {
            return OfficeKit.plainPage(
                pages, service, context, status: .forbidden, title: "Biểu mẫu không hợp lệ",
                message: "Biểu mẫu thiếu hoặc sai mã chống giả mạo (có thể trang đã mở quá lâu hoặc từ nơi khác). Tải lại trang rồi làm lại; dữ liệu chưa bị thay đổi.",
                reload: path == "/office/sign-in" ? "/office/sign-in" : nil)
        }
        if let identity = context.identity, !identity.canChange, path != "/office/sign-out" {
            return OfficeKit.plainPage(
                pages, service, context, status: .forbidden, title: "Chỉ được xem",
                message: "Tài khoản \(identity.user.login) chỉ được xem, không thay đổi được lịch hay tiến độ. Liên hệ Văn phòng Huyện ủy nếu cần quyền thao tác.")
        }
        return try await next(request, context)
    }

    /// How much of the idle time passes before a request extends the session again: a tenth, at most five minutes, so
    /// that a short idle time is extended too and a long one is not written on every request.
    static func extensionStep(_ idle: TimeInterval) -> TimeInterval { min(300, idle / 10) }

    struct CSRFField: Decodable {
        var _csrf: String?
    }

    static func signInTarget(next: String?, reason: String?) -> String {
        var items: [String] = []
        if let next, next != "/office", next.hasPrefix("/office/") {
            items.append("next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        if let reason { items.append("ly-do=\(reason)") }
        return "/office/sign-in" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
