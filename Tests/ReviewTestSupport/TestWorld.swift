import Foundation
import Logging
import ReviewCore
import ReviewService
import ReviewStore

/// A service over the sample district and a fresh SQLite database in a temporary directory.
public struct TestWorld: Sendable {
    public let directory: URL
    public let service: ReviewService
    public let clock: AdjustableClock
    /// The store's URL (a new SQLite file, or a new PostgreSQL database: ``TestDatabase``).
    public let storeURL: String

    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample district of the repository.
    public static func sampleDistrict() throws -> District {
        try ConfigLoader.load(directory: repoRoot.appendingPathComponent("config"))
    }

    /// A world whose clock reads `local` (Vietnam time, `YYYY-MM-DDTHH:MM`) plus `second`.
    /// `backend` picks the store (``TestDatabase/backends``); by default PostgreSQL when a server is given, else SQLite.
    /// `storeTimeout` is the store's deadline for each call (``ReviewStore/timeout``).
    public static func make(
        at local: String, second: Int = 0, backend: String? = nil, storeTimeout: Duration = TestDatabase.timeout,
        adjust: (inout District) -> Void = { _ in }
    ) async throws -> TestWorld {
        var district = try sampleDistrict()
        adjust(&district)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let storeURL = if let backend { try await TestDatabase.makeURL(backend, in: directory) } else { try await TestDatabase.makeURL(in: directory) }
        let store = try await ReviewStore.open(storeURL, timeout: storeTimeout, logger: logger)
        let clock = AdjustableClock(startingAt: district.zone.instant(LocalDateTime(iso: local)!, second: second), base: FrozenClock())
        // bcrypt's lowest cost: the tests check the rules of signing in, not the hash's strength.
        let service = try await ReviewService(district: district, store: store, clock: clock, logger: logger, passwordCost: 4, feedKey: .random())
        return TestWorld(directory: directory, service: service, clock: clock, storeURL: storeURL)
    }

    /// Moves the clock to a Vietnam wall-clock time.
    public func set(_ local: String, second: Int = 0) {
        clock.set(service.district.zone.instant(LocalDateTime(iso: local)!, second: second))
    }

    public func close() async {
        try? await service.store.close()
        await TestDatabase.drop(storeURL)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A base clock that does not move, so that test times are exact.
public struct FrozenClock: WallClock {
    public init() {}
    public func now() -> Date { Date(timeIntervalSince1970: 1_000_000_000) }
}
