import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import ReviewStore

/// The context of the office's pages: the session, the signed-in user and the submitted form. Derived from the
/// router's basic context only under `/office`, so that feeds and the API carry none of it.
struct OfficeRequestContext: ChildRequestContext, AuthRequestContext, SessionRequestContext {
    typealias ParentContext = BasicRequestContext

    var coreContext: CoreRequestContextStorage
    /// The signed-in user, set by ``OfficeAuthMiddleware``.
    var identity: OfficeIdentity?
    /// The session, loaded and saved by hummingbird-auth's `SessionMiddleware`.
    let sessions: SessionContext<OfficeSession>
    /// The submitted form's text (`application/x-www-form-urlencoded`), read once by ``OfficeAuthMiddleware``.
    var formText: String = ""

    init(context: BasicRequestContext) throws {
        coreContext = context.coreContext
        identity = nil
        sessions = .init()
    }

    /// Largest form accepted.
    static let maxFormBytes = 256 * 1024
}

/// What the session cookie stands for, kept in the database (``StorePersistDriver``).
struct OfficeSession: Codable, Sendable {
    /// The user's login.
    var login: String
    /// The district the session was opened in.
    var district: String
    /// The token every form that changes something must carry.
    var csrf: String
    /// When the user signed in.
    var issuedAt: Date
    /// The user's password-change time at sign-in (as stored): the session ends when it differs. Compared for equality,
    /// not order, so that a clock set back or forward (a rehearsal's) never ends a session the password still allows.
    /// Nil in a session stored by an earlier version, which then ends.
    var passwordStamp: String?
    /// A message to show once, on the next page.
    var flash: String?
    /// The week the user last opened (`2023-W50`): the menu leads back to it.
    var week: String?
}

/// Why a stored session no longer opens the office's pages; the sign-in page says it in words.
enum SessionEnd: String {
    /// The account was disabled, or is gone.
    case disabled = "tai-khoan-khoa"
    /// The password was changed after the session was opened.
    case newPassword = "doi-mat-khau"
    /// The session is older than the longest a session may last.
    case tooOld = "qua-lau"
    /// The session belongs to another district, or was stored by an earlier version.
    case invalid = "het-han"

    /// Why a session of `user` (nil: no such account) is refused at `now`, or nil when it is accepted.
    static func of(_ session: OfficeSession, user: OfficeUser?, district: String, now: Date, maxAge: TimeInterval) -> SessionEnd? {
        guard let user, user.disabledAt == nil else { return .disabled }
        guard session.district == district, let stamp = session.passwordStamp else { return .invalid }
        if Timestamp.string(user.passwordChangedAt) != stamp { return .newPassword }
        if now.timeIntervalSince(session.issuedAt) >= maxAge { return .tooOld }
        return nil
    }

    /// What the sign-in page says.
    var notice: String {
        switch self {
        case .disabled: "Tài khoản đã bị khóa bởi Văn phòng nên phiên làm việc đã kết thúc. Liên hệ người quản trị để mở lại."
        case .newPassword: "Mật khẩu đã được đổi sau khi đăng nhập nên phiên làm việc đã kết thúc. Xin đăng nhập lại bằng mật khẩu mới."
        case .tooOld: "Phiên làm việc đã quá thời hạn tối đa. Xin đăng nhập lại."
        case .invalid: "Phiên làm việc đã hết hạn hoặc không còn hiệu lực. Xin đăng nhập lại."
        }
    }
}

/// The signed-in user of a request.
struct OfficeIdentity: Sendable {
    /// The account.
    var user: OfficeUser
    /// The session's form token.
    var csrf: String
    /// How the audit trail names the user.
    var actor: String { "office:\(user.login)" }
    /// Whether the user may change things.
    var canChange: Bool { user.role == .office }
}
