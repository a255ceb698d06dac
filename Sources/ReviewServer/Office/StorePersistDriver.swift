import Foundation
import Hummingbird
import ReviewService
import ReviewStore

/// hummingbird-auth's session storage over reviewcal's own database, so that office sessions survive a restart and
/// work on every instance. Keys are stored as their SHA-256: a copy of the database holds no usable session. Expiry
/// reads the service's clock.
struct StorePersistDriver: PersistDriver {
    let service: ReviewService

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let hash = Secrets.sha256(key)
        let text = String(decoding: try Self.encoder.encode(value), as: UTF8.self)
        let now = service.clock.now()
        try await service.store.write(serializedOn: service.district.id) { tx in
            if try await tx.webSessionExists(keyHash: hash) { throw PersistError.duplicate }
            try await tx.deleteExpiredWebSessions(district: self.service.district.id, now: now)
            try await tx.saveWebSession(
                keyHash: hash, district: self.service.district.id, value: text, expiresAt: expires.map { now.addingTimeInterval(Self.seconds($0)) },
                keepExpiry: false)
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let hash = Secrets.sha256(key)
        let text = String(decoding: try Self.encoder.encode(value), as: UTF8.self)
        let now = service.clock.now()
        try await service.store.write(serializedOn: service.district.id) { tx in
            if expires != nil { try await tx.deleteExpiredWebSessions(district: self.service.district.id, now: now) }
            try await tx.saveWebSession(
                keyHash: hash, district: self.service.district.id, value: text, expiresAt: expires.map { now.addingTimeInterval(Self.seconds($0)) },
                keepExpiry: true)
        }
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let hash = Secrets.sha256(key)
        guard let row = try await service.store.read({ tx in try await tx.webSession(keyHash: hash, district: self.service.district.id) }) else {
            return nil
        }
        let now = service.clock.now()
        if let expires = row.expiresAt, expires <= now { return nil }
        guard let object = try? Self.decoder.decode(type, from: Data(row.value.utf8)) else { throw PersistError.invalidConversion }
        return (object, row.expiresAt.map { .milliseconds(Int64($0.timeIntervalSince(now) * 1000)) })
    }

    func remove(key: String) async throws {
        let hash = Secrets.sha256(key)
        try await service.store.write(serializedOn: service.district.id) { tx in
            try await tx.deleteWebSession(keyHash: hash, district: self.service.district.id)
        }
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }
}
