import Foundation

/// The body of `POST /v1/requests` and `PUT /v1/requests/{id}`: what a cell submits, as text, so that
/// every malformed field gets its own message instead of a decoding failure.
public struct RegistrationInput: Sendable, Hashable, Codable, StrictJSONBody {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case unit, kind, options, location, draftSent, contactName, contactPhone, contactEmail, note, after
    }

    /// The keys of the body and of each option.
    public static var knownKeys: [String: Set<String>] {
        ["": Set(CodingKeys.allCases.map(\.rawValue)), "options[]": Set(OptionInput.CodingKeys.allCases.map(\.rawValue))]
    }

    /// The unit; only the office may name another unit than the token's.
    public var unit: String?
    /// A `ReviewKind` raw value, e.g. `cap-uy`.
    public var kind: String
    /// Ranked options, 1 to 3.
    public var options: [OptionInput]
    /// Location id; the unit's own when absent.
    public var location: String?
    /// `YYYY-MM-DD`, or nil when the draft report is not sent yet.
    public var draftSent: String?
    /// Contact person.
    public var contactName: String?
    /// Contact phone.
    public var contactPhone: String?
    /// Contact e-mail address: changes to the unit's sessions are sent there.
    public var contactEmail: String?
    /// Note to the office.
    public var note: String?
    /// Ids of the unit's own requests that must take place before this one.
    public var after: [String]?

    /// Creates an input.
    public init(
        unit: String? = nil, kind: String, options: [OptionInput], location: String? = nil, draftSent: String? = nil,
        contactName: String? = nil, contactPhone: String? = nil, note: String? = nil, after: [String]? = nil, contactEmail: String? = nil
    ) {
        self.contactEmail = contactEmail
        self.unit = unit
        self.kind = kind
        self.options = options
        self.location = location
        self.draftSent = draftSent
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.note = note
        self.after = after
    }
}

/// One option as submitted: `YYYY-MM-DDTHH:MM` local times.
public struct OptionInput: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case start, end
    }

    /// Local start.
    public var start: String
    /// Local end.
    public var end: String
    /// Creates an option input.
    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

/// A request as the API shows it, with what the office did about it.
public struct RequestView: Sendable, Hashable, Codable {
    /// The stored request.
    public var request: ReviewRequest
    /// The unit's name.
    public var unitName: String
    /// What the office did: `cho-xep-lich`, `da-de-xuat`, `da-cong-bo`, `khong-xep-duoc`, `da-huy`, `da-rut`.
    public var state: String
    /// The state in Vietnamese.
    public var stateText: String
    /// The placement shown to the unit (published one if any, else the proposal).
    public var placement: PlacementView?
    /// Why not scheduled, when so.
    public var reason: String?
    /// Warnings given at registration (e.g. draft report not sent yet).
    public var warnings: [String]
    /// The office's reason for rescheduling or cancelling the published session, when it gave one.
    public var changeReason: String?
    /// To the office only: the proposal of the last run, when it differs from the published session and is not yet
    /// published (what `schedule publish` would put in the calendars).
    public var pending: PlacementView?
    /// To the office only: true when the last run left the published session out, so that publishing cancels it
    /// (`reason` says why).
    public var pendingCancellation: Bool?

    /// Creates a view.
    public init(
        request: ReviewRequest, unitName: String, state: String, stateText: String, placement: PlacementView?, reason: String?,
        warnings: [String], changeReason: String? = nil, pending: PlacementView? = nil, pendingCancellation: Bool? = nil
    ) {
        self.request = request
        self.unitName = unitName
        self.state = state
        self.stateText = stateText
        self.placement = placement
        self.reason = reason
        self.warnings = warnings
        self.changeReason = changeReason
        self.pending = pending
        self.pendingCancellation = pendingCancellation
    }
}

/// A placement with names resolved.
public struct PlacementView: Sendable, Hashable, Codable {
    /// Local start.
    public var start: LocalDateTime
    /// Local end.
    public var end: LocalDateTime
    /// Member id and name, if any.
    public var memberId: String?
    /// Member's name.
    public var memberName: String?
    /// Team id.
    public var teamId: String
    /// Team name.
    public var teamName: String
    /// Published to the calendars.
    public var published: Bool
    /// Creates a view.
    public init(
        start: LocalDateTime, end: LocalDateTime, memberId: String?, memberName: String?, teamId: String, teamName: String,
        published: Bool
    ) {
        self.start = start
        self.end = end
        self.memberId = memberId
        self.memberName = memberName
        self.teamId = teamId
        self.teamName = teamName
        self.published = published
    }
}

/// One problem in a submission.
public struct ProblemDetail: Sendable, Hashable, Codable {
    /// Stable code.
    public var code: String
    /// The field, e.g. `options[1].start`.
    public var field: String?
    /// What is wrong and what to do, in Vietnamese.
    public var message: String
    /// Creates a detail.
    public init(code: String, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// Who the token belongs to, as `GET /v1/whoami` answers.
public struct WhoAmI: Sendable, Hashable, Codable {
    /// `unit` or `office`.
    public var role: String
    /// The unit id for a unit token.
    public var unit: String?
    /// The unit or office name.
    public var name: String
    /// The district.
    public var district: String
    /// Server time now, local.
    public var now: LocalDateTime
    /// The first week open for registration now.
    public var firstOpenWeek: ISOWeek
    /// When registration for it closes, local.
    public var closes: LocalDateTime
    /// Creates the answer.
    public init(role: String, unit: String?, name: String, district: String, now: LocalDateTime, firstOpenWeek: ISOWeek, closes: LocalDateTime) {
        self.role = role
        self.unit = unit
        self.name = name
        self.district = district
        self.now = now
        self.firstOpenWeek = firstOpenWeek
        self.closes = closes
    }
}
