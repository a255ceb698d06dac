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
    /// A message to show once, on the next page.
    var flash: String?
    /// The week the user last opened (`2023-W50`): the menu leads back to it.
    var week: String?
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
