import Foundation
import Logging
import ReviewCore
import ReviewStore

/// The application: every rule and workflow of reviewcal over one district's configuration and the store.
/// The HTTP server and the office's local commands are thin layers over it.
public final class ReviewService: Sendable {
    /// The district's configuration.
    public let district: District
    /// The store.
    public let store: ReviewStore
    /// The clock every rule reads.
    public let clock: any WallClock
    /// Logs (never tokens).
    public let logger: Logger
    /// Reads members' and teams' own calendars.
    public let calendarFetcher: any CalendarFetcher
    /// bcrypt's cost for office passwords (log2 of its rounds).
    public let passwordCost: UInt8
    /// The secret every feed URL token is derived from; nil when the server's key file is not at hand.
    public let feedKey: FeedKey?
    /// The address people reach the server at (`--public-url`), for the feed links in e-mailed notices.
    public let publicURL: String?
    let feedCache = FeedCache()
    /// Rung when messages are queued, so that this process's delivery worker starts at once.
    public let outboxBell = OutboxBell()

    /// Creates the service and records the district in the store.
    public init(
        district: District, store: ReviewStore, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "reviewcal"),
        calendarFetcher: any CalendarFetcher = StandardCalendarFetcher(), passwordCost: UInt8 = 12, feedKey: FeedKey?, publicURL: String? = nil
    ) async throws {
        self.feedKey = feedKey
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.passwordCost = min(31, max(4, passwordCost))
        self.district = district
        self.store = store
        self.clock = clock
        self.logger = logger
        self.calendarFetcher = calendarFetcher
        try await store.write(serializedOn: district.id) { tx in try await tx.ensureDistrict(id: district.id, name: district.name) }
        ServiceMetrics.prepare(district: district.id)
    }

    /// The registration rules of the district.
    public var rules: RegistrationRules { RegistrationRules(district: district) }

    // MARK: API tokens

    /// Issues a token for a unit (or the office when `unit` is nil); returns the record and the secret, shown once.
    public func issueToken(unit: String?, label: String, by actor: String) async throws -> (APIToken, String) {
        if let unit, district.unit(unit) == nil {
            throw ReviewError(.unknownUnit, "Không có đơn vị '\(Text.clip(unit))' trong \(district.name).")
        }
        let secret = Secrets.token(prefix: unit == nil ? "rco_" : "rcu_")
        let record = APIToken(
            id: Secrets.identifier(prefix: "tk-", length: 8), districtId: district.id, role: unit == nil ? .office : .unit,
            subject: unit ?? label, label: label, createdAt: clock.now(), createdBy: actor, revokedAt: nil)
        try await store.write(serializedOn: district.id) { tx in
            try await tx.insertToken(record, hash: Secrets.sha256(secret))
            try await tx.audit(self.auditEntry(actor: actor, action: "token.issue", entity: "token", id: record.id, before: nil, after: StoreTransaction.json(record)))
        }
        return (record, secret)
    }

    /// Revokes a token by its id.
    public func revokeToken(id: String, by actor: String) async throws {
        let now = clock.now()
        let done = try await store.write(serializedOn: district.id) { tx in
            guard try await tx.revokeToken(id: id, district: self.district.id, at: now) else { return false }
            try await tx.audit(self.auditEntry(actor: actor, action: "token.revoke", entity: "token", id: id, before: nil, after: nil))
            return true
        }
        if !done { throw ReviewError(.notFound, "Không có mã truy cập còn hiệu lực với số hiệu '\(Text.clip(id))'. Xem: reviewcal admin token list") }
    }

    /// Every token record of the district.
    public func tokens() async throws -> [APIToken] {
        try await store.read { tx in try await tx.tokens(district: self.district.id) }
    }

    /// Who a bearer token belongs to; throws 401 when unknown or revoked.
    public func authenticate(_ secret: String?) async throws -> Principal {
        guard let secret, !secret.isEmpty, secret.count < 200 else { throw ReviewError.unauthenticated }
        let hash = Secrets.sha256(secret)
        guard let token = try await store.read({ tx in try await tx.token(hash: hash) }), token.districtId == district.id else {
            throw ReviewError.unauthenticated
        }
        if token.revokedAt != nil {
            throw ReviewError(.tokenRevoked, "Mã truy cập này đã bị thu hồi. Liên hệ Văn phòng Huyện ủy để được cấp mã mới.")
        }
        return token.role == .office ? .office(token.subject) : .unit(token.subject)
    }

    /// Who the caller is, and the registration window now.
    public func whoAmI(_ principal: Principal) -> WhoAmI {
        let now = clock.now()
        let window = currentWindow(at: now)
        let first = window.firstOpenWeek(at: now)
        let name: String
        let unitId: String?
        switch principal {
        case .unit(let id):
            name = district.unit(id)?.name ?? id
            unitId = id
        case .office(let who):
            name = "Văn phòng Huyện ủy (\(who))"
            unitId = nil
        }
        return WhoAmI(
            role: principal.isOffice ? "office" : "unit", unit: unitId, name: name, district: district.name,
            now: district.zone.local(now).dateTime, firstOpenWeek: first, closes: window.closing(of: first))
    }

    /// The cutoff rule in force at an instant (the campaign covering it, else the latest one).
    func currentWindow(at instant: Date) -> RegistrationWindow {
        let today = district.zone.date(of: instant)
        return (district.campaign(covering: today) ?? district.campaigns.last)?.cutoff
            ?? RegistrationWindow(weekday: 4, time: LocalTime(hour: 15, minute: 0)!, zone: district.zone)
    }

    func auditEntry(actor: String, action: String, entity: String, id: String, before: String?, after: String?) -> AuditEntry {
        AuditEntry(
            id: Secrets.identifier(prefix: "a-", length: 12), districtId: district.id, at: clock.now(), actor: actor, action: action,
            entity: entity, entityId: id, before: before, after: after)
    }

    /// Moves a rehearsal server's clock (the server was started with one on purpose), recorded in the audit trail
    /// with the time before and after, and kept with the data for the office's commands.
    public func setRehearsalClock(_ rehearsal: AdjustableClock, to instant: Date, by actor: String) async throws {
        let before = Timestamp.string(rehearsal.now())
        rehearsal.set(instant)
        feedCache.invalidate()
        let offset = rehearsal.offset
        let realNow = rehearsal.now().addingTimeInterval(-offset)
        try await store.write(serializedOn: district.id) { tx in
            try await tx.setRehearsalOffset(offset, at: realNow)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "clock.set", entity: "clock", id: "rehearsal", before: "\"\(before)\"", after: "\"\(Timestamp.string(instant))\""))
        }
    }

    /// Tells the service its clock was moved by someone else (another instance of a rehearsal): cached feeds are
    /// rendered again.
    public func clockMoved() {
        feedCache.invalidate()
    }

    /// The audit trail, of one request or all.
    public func auditTrail(entityId: String? = nil) async throws -> [AuditEntry] {
        try await store.read { tx in try await tx.auditTrail(district: self.district.id, entityId: entityId) }
    }
}
