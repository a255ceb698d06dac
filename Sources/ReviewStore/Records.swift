import Foundation

/// An API token's stored record (the token itself is never stored, only its SHA-256).
public struct APIToken: Sendable, Hashable, Codable {
    /// Who may use a token.
    public enum Role: String, Sendable, Hashable, Codable {
        /// A unit: reads and changes only its own requests.
        case unit
        /// The District Office: every unit, and office actions.
        case office
    }
    /// Short identifier shown in lists, e.g. `tk-3f9a1c`.
    public var id: String
    /// The district.
    public var districtId: String
    /// Unit or office.
    public var role: Role
    /// The unit id for a unit token; the office user's name for an office token.
    public var subject: String
    /// A label, e.g. who received it.
    public var label: String
    /// When issued.
    public var createdAt: Date
    /// Who issued it.
    public var createdBy: String
    /// When revoked, if so.
    public var revokedAt: Date?
    /// Creates a record.
    public init(id: String, districtId: String, role: Role, subject: String, label: String, createdAt: Date, createdBy: String, revokedAt: Date?) {
        self.id = id
        self.districtId = districtId
        self.role = role
        self.subject = subject
        self.label = label
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}

/// One line of the audit trail: who did what, when, with the state before and after.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Identifier.
    public var id: String
    /// The district.
    public var districtId: String
    /// Server time of the action.
    public var at: Date
    /// Who: `unit:<id>`, `office:<name>`, `system`.
    public var actor: String
    /// What: `request.create`, `request.change`, `request.withdraw`, `schedule.run`, `schedule.publish` …
    public var action: String
    /// The kind of thing changed: `request`, `session`, `token`, `week` …
    public var entity: String
    /// Its id.
    public var entityId: String
    /// JSON of the state before, if any.
    public var before: String?
    /// JSON of the state after, if any.
    public var after: String?
    /// Creates an entry.
    public init(id: String, districtId: String, at: Date, actor: String, action: String, entity: String, entityId: String, before: String?, after: String?) {
        self.id = id
        self.districtId = districtId
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityId = entityId
        self.before = before
        self.after = after
    }
}

/// One generation of a feed's URL token. The token itself is never stored: it is derived from the district, kind,
/// subject and generation under the server's feed key, so that a copy of the database opens no feed.
public struct FeedToken: Sendable, Hashable, Codable {
    /// Whose feed.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A Standing Committee member's sessions.
        case member
        /// A work team's sessions.
        case team
        /// A unit's own sessions and deadlines.
        case unit
        /// The whole district, for the office.
        case district
    }
    /// The district.
    public var districtId: String
    /// Whose feed.
    public var kind: Kind
    /// Member, team or unit id; the district id for the district feed.
    public var subject: String
    /// 1 for the first token of the feed, raised by each rotation.
    public var generation: Int
    /// When issued.
    public var createdAt: Date
    /// When revoked or rotated away, if so (the URL then answers 410).
    public var revokedAt: Date?
    /// Creates a token record.
    public init(districtId: String, kind: Kind, subject: String, generation: Int, createdAt: Date, revokedAt: Date?) {
        self.districtId = districtId
        self.kind = kind
        self.subject = subject
        self.generation = generation
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// What a feed or one of its events last looked like.
public struct FeedItemState: Sendable, Hashable {
    /// Hash of the content (the feed's bytes; the event's fields but its SEQUENCE and stamps).
    public var hash: String
    /// The event's SEQUENCE (0 for a feed).
    public var sequence: Int
    /// When the content last changed.
    public var modifiedAt: Date
    /// Creates a state.
    public init(hash: String, sequence: Int, modifiedAt: Date) {
        self.hash = hash
        self.sequence = sequence
        self.modifiedAt = modifiedAt
    }
}

/// The first answer given to an idempotent call, returned again on retry.
public struct StoredResponse: Sendable, Hashable {
    /// A hash of the request body, to tell a retry from a different call reusing the key.
    public var fingerprint: String
    /// HTTP status.
    public var status: Int
    /// The body (JSON).
    public var body: String
    /// Creates a stored response.
    public init(fingerprint: String, status: Int, body: String) {
        self.fingerprint = fingerprint
        self.status = status
        self.body = body
    }
}
