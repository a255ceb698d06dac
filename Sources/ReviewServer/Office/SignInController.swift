import Foundation
import Hummingbird
import HummingbirdAuth
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/sign-in`, `/office/sign-out`, `/office`: opening and closing a session.
struct SignInController {
    let kit: OfficeKit

    struct SignInPage {
        var chrome: Chrome
        var csrf: String
        var next: String
        var login: String
        var notice: String?
    }

    struct SignInForm: Decodable {
        var login: String
        var password: String
        var next: String?
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("") { _, context in
            guard context.identity != nil else { return OfficeKit.redirect("/office/sign-in") }
            let week = await kit.landingWeek()
            return OfficeKit.redirect("/office/weeks/\(week.iso)")
        }
        group.get("sign-in") { request, context in
            let next = Self.safeNext(request.uri.queryParameters.get("next"))
            if context.identity != nil { return OfficeKit.redirect(next ?? "/office") }
            let reason = request.uri.queryParameters.get("ly-do")
            let notice: String? =
                switch reason {
                case "het-han": "Phiên làm việc đã hết hạn do lâu không thao tác hoặc không còn hiệu lực. Xin đăng nhập lại."
                case "dang-xuat": "Đã đăng xuất."
                default: reason.flatMap { SessionEnd(rawValue: $0)?.notice }
                }
            return signInPage(context, next: next, login: "", notice: notice, error: nil, status: .ok)
        }
        group.post("sign-in") { request, context in
            let form: SignInForm
            do {
                form = try kit.form(SignInForm.self, context)
            } catch let f as ReviewError {
                return signInPage(context, next: nil, login: "", notice: nil, error: OfficeKit.errorBox(f), status: .badRequest)
            }
            let next = Self.safeNext(form.next)
            do {
                let user = try await kit.service.signIn(login: form.login, password: form.password, from: Self.clientAddress(request))
                let now = kit.service.clock.now()
                let session = OfficeSession(
                    login: user.login, district: kit.service.district.id, csrf: Secrets.token(prefix: "", bits: 160), issuedAt: now,
                    passwordStamp: Timestamp.string(user.passwordChangedAt), flash: "Xin chào \(user.name).")
                // The session is checked by the same rule as every page's, so that a sign-in never looks done while the
                // next page refuses it.
                if let ended = SessionEnd.of(session, user: user, district: kit.service.district.id, now: now, maxAge: kit.office.maxSessionAge) {
                    context.logger.warning("office sign-in of \(user.login) accepted but its session is refused: \(ended.rawValue)")
                    return signInPage(
                        context, next: next, login: String(form.login.prefix(64)), notice: nil,
                        error: .init(title: "Chưa đăng nhập được", message: "Mật khẩu đúng nhưng chưa mở được phiên làm việc. \(ended.notice)", details: [], reload: nil),
                        status: .conflict)
                }
                context.sessions.createSession(session, expiresIn: .seconds(Int64(kit.office.idleTimeout)))
                var response = OfficeKit.redirect(next ?? "/office")
                response.setCookie(Cookie(name: OfficeAuthMiddleware.signInCookie, value: "", maxAge: 0, path: "/office", secure: kit.office.secure, sameSite: .lax))
                return response
            } catch let delayed as SignInDelayed {
                var response = signInPage(
                    context, next: next, login: String(form.login.prefix(64)), notice: nil,
                    error: .init(title: "Chưa đăng nhập được", message: delayed.refusal.message, details: [], reload: nil), status: .tooManyRequests)
                response.headers[.retryAfter] = String(delayed.seconds)
                return response
            } catch let f as ReviewError {
                return signInPage(
                    context, next: next, login: String(form.login.prefix(64)), notice: nil, error: .init(title: "Chưa đăng nhập được", message: f.message, details: [], reload: nil),
                    status: OfficeKit.status(f))
            } catch {
                return kit.failure(context, error)
            }
        }
        group.post("sign-out") { _, context in
            context.sessions.clearSession()
            return OfficeKit.redirect("/office/sign-in?ly-do=dang-xuat")
        }
    }

    /// The sign-in page, with a fresh form token in its cookie.
    func signInPage(
        _ context: OfficeRequestContext, next: String?, login: String, notice: String?, error: Chrome.ErrorBox?, status: HTTPResponse.Status
    ) -> Response {
        let token = Secrets.token(prefix: "", bits: 128)
        let page = SignInPage(
            chrome: kit.chrome(context, title: "Đăng nhập", section: .none, error: error), csrf: token, next: next ?? "", login: login, notice: notice)
        var response = kit.pages.page("sign-in", page, status: status)
        response.setCookie(Cookie(name: OfficeAuthMiddleware.signInCookie, value: token, path: "/office", secure: kit.office.secure, sameSite: .lax))
        return response
    }

    /// The address the request comes from (see ``ClientAddress``).
    static func clientAddress(_ request: Request) -> String {
        ClientAddress.of(request.headers)
    }

    /// Where to go after signing in: only an office page of this server.
    static func safeNext(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/office/"), !text.hasPrefix("//"), !text.contains("\\"), !text.contains("\n"), !text.contains("\r") else {
            return nil
        }
        return text
    }
}
