/// A refusal's stable, machine-readable code and the HTTP status that goes with it.
///
/// Every code the service answers is a constant here, so that a code has one status wherever it is raised. A code
/// read from the network that this version does not know keeps its text; its status is the one the server sent.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The code as the API writes it, e.g. `late`.
    public let rawValue: String
    /// The HTTP status of a refusal with this code.
    public let status: Int

    /// A code and its status.
    public init(_ rawValue: String, status: Int) {
        self.rawValue = rawValue
        self.status = status
    }

    /// A known code with its status; an unknown one with 422 (the request was understood and refused).
    public init(rawValue: String) {
        self = ErrorCode.known[rawValue] ?? ErrorCode(rawValue, status: 422)
    }

    /// A code written as its text, e.g. in a comparison `refusal.code == "late"`.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func == (a: ErrorCode, b: ErrorCode) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public static let absenceOverlap = ErrorCode("absence-overlap", status: 409)
    public static let afterSelf = ErrorCode("after-self", status: 422)
    public static let beforeHeld = ErrorCode("before-held", status: 422)
    public static let beforeScheduled = ErrorCode("before-scheduled", status: 422)
    public static let busy = ErrorCode("busy", status: 503)
    public static let cancelled = ErrorCode("cancelled", status: 409)
    public static let clockLocked = ErrorCode("clock-locked", status: 403)
    public static let controlCharacter = ErrorCode("control-character", status: 422)
    public static let dossierRecorded = ErrorCode("dossier-recorded", status: 409)
    public static let duplicate = ErrorCode("duplicate", status: 409)
    public static let duplicateKey = ErrorCode("duplicate-key", status: 400)
    public static let feedChanged = ErrorCode("feed-changed", status: 409)
    public static let forbidden = ErrorCode("forbidden", status: 403)
    public static let futureDate = ErrorCode("future-date", status: 422)
    public static let idempotencyKeyReused = ErrorCode("idempotency-key-reused", status: 422)
    public static let infeasible = ErrorCode("infeasible", status: 422)
    public static let `internal` = ErrorCode("internal", status: 500)
    public static let invalidDate = ErrorCode("invalid-date", status: 422)
    public static let invalidForm = ErrorCode("invalid-form", status: 400)
    public static let invalidIdempotencyKey = ErrorCode("invalid-idempotency-key", status: 400)
    public static let invalidJSON = ErrorCode("invalid-json", status: 400)
    public static let invalidLogin = ErrorCode("invalid-login", status: 422)
    public static let invalidOption = ErrorCode("invalid-option", status: 422)
    public static let invalidProblem = ErrorCode("invalid-problem", status: 422)
    public static let invalidRequest = ErrorCode("invalid-request", status: 422)
    public static let invalidTime = ErrorCode("invalid-time", status: 422)
    public static let invalidUTF8 = ErrorCode("invalid-utf8", status: 400)
    public static let invalidWeek = ErrorCode("invalid-week", status: 400)
    public static let invisibleCharacter = ErrorCode("invisible-character", status: 422)
    public static let kindChange = ErrorCode("kind-change", status: 422)
    public static let late = ErrorCode("late", status: 422)
    public static let longPassword = ErrorCode("long-password", status: 422)
    public static let memberReviewFirst = ErrorCode("member-review-first", status: 422)
    public static let missingName = ErrorCode("missing-name", status: 422)
    public static let missingNote = ErrorCode("missing-note", status: 422)
    public static let missingReason = ErrorCode("missing-reason", status: 422)
    public static let missingTeam = ErrorCode("missing-team", status: 422)
    public static let missingUnit = ErrorCode("missing-unit", status: 422)
    public static let moveRefused = ErrorCode("move-refused", status: 422)
    public static let noCampaign = ErrorCode("no-campaign", status: 422)
    public static let noFeedKey = ErrorCode("no-feed-key", status: 503)
    public static let notFound = ErrorCode("not-found", status: 404)
    /// A message of the outbox is being handed to the mail system this moment.
    public static let mailSending = ErrorCode("mail-sending", status: 409)
    public static let notHeld = ErrorCode("not-held", status: 409)
    public static let notPinned = ErrorCode("not-pinned", status: 404)
    public static let notPublished = ErrorCode("not-published", status: 409)
    public static let nothingToUndo = ErrorCode("nothing-to-undo", status: 409)
    public static let noRepair = ErrorCode("no-repair", status: 409)
    public static let nothingToPin = ErrorCode("nothing-to-pin", status: 422)
    public static let samePlacement = ErrorCode("same-placement", status: 422)
    public static let signInLocked = ErrorCode("sign-in-locked", status: 429)
    public static let tokenRevoked = ErrorCode("token-revoked", status: 401)
    public static let tooLarge = ErrorCode("too-large", status: 413)
    public static let tooLong = ErrorCode("too-long", status: 422)
    public static let unauthenticated = ErrorCode("unauthenticated", status: 401)
    public static let unavailable = ErrorCode("unavailable", status: 503)
    public static let unknownAbsence = ErrorCode("unknown-absence", status: 404)
    public static let unknownCampaign = ErrorCode("unknown-campaign", status: 404)
    public static let unknownFeed = ErrorCode("unknown-feed", status: 404)
    public static let unknownField = ErrorCode("unknown-field", status: 400)
    public static let unknownMember = ErrorCode("unknown-member", status: 404)
    public static let unknownPredecessor = ErrorCode("unknown-predecessor", status: 422)
    public static let unknownRelease = ErrorCode("unknown-release", status: 422)
    public static let unknownTeam = ErrorCode("unknown-team", status: 404)
    public static let unknownUnit = ErrorCode("unknown-unit", status: 404)
    public static let unknownUser = ErrorCode("unknown-user", status: 404)
    public static let unsupportedMediaType = ErrorCode("unsupported-media-type", status: 415)
    public static let userDisabled = ErrorCode("user-disabled", status: 403)
    public static let userExists = ErrorCode("user-exists", status: 409)
    public static let weakPassword = ErrorCode("weak-password", status: 422)
    public static let weekChanged = ErrorCode("week-changed", status: 409)
    public static let withdrawn = ErrorCode("withdrawn", status: 409)
    public static let withdrawnPredecessor = ErrorCode("withdrawn-predecessor", status: 422)
    public static let wrongBloc = ErrorCode("wrong-bloc", status: 422)
    public static let wrongSignIn = ErrorCode("wrong-sign-in", status: 401)

    /// Every code above, by its text.
    public static let known: [String: ErrorCode] = Dictionary(
        uniqueKeysWithValues: [absenceOverlap, afterSelf, beforeHeld, beforeScheduled, busy, cancelled, clockLocked, controlCharacter, dossierRecorded, duplicate, duplicateKey, feedChanged, forbidden, futureDate, idempotencyKeyReused, infeasible, .internal, invalidDate, invalidForm, invalidIdempotencyKey, invalidJSON, invalidLogin, invalidOption, invalidProblem, invalidRequest, invalidTime, invalidUTF8, invalidWeek, invisibleCharacter, kindChange, late, longPassword, memberReviewFirst, missingName, missingNote, missingReason, missingTeam, missingUnit, moveRefused, noCampaign, noFeedKey, noRepair, notFound, notHeld, notPinned, notPublished, nothingToPin, nothingToUndo, samePlacement, signInLocked, tokenRevoked, tooLarge, tooLong, unauthenticated, unavailable, unknownAbsence, unknownCampaign, unknownFeed, unknownField, unknownMember, unknownPredecessor, unknownRelease, unknownTeam, unknownUnit, unknownUser, unsupportedMediaType, userDisabled, userExists, weakPassword, weekChanged, withdrawn, withdrawnPredecessor, wrongBloc, wrongSignIn].map { ($0.rawValue, $0) })
}
