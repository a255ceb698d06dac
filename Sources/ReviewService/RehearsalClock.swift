import Foundation
import ReviewCore
import ReviewStore

/// The rehearsal clock kept with the data: `reviewcal serve --rehearsal-clock` stores how far it reads from the real
/// clock, and the server and every office command opened on the same data read that same time. Sessions, password
/// changes, audit entries and sign-in delays are then all on one clock.
public enum RehearsalClock {
    /// The data's rehearsal clock, running on from `base`; nil when the data is on real time.
    public static func load(from store: ReviewStore, base: any WallClock = SystemClock()) async throws -> AdjustableClock? {
        try await store.read { tx in try await tx.rehearsalOffset() }.map { AdjustableClock(offset: $0, base: base) }
    }

    /// Starts the data's rehearsal clock so that it reads `instant` now (or moves it there), and returns it.
    public static func start(at instant: Date, in store: ReviewStore, base: any WallClock = SystemClock()) async throws -> AdjustableClock {
        let clock = AdjustableClock(startingAt: instant, base: base)
        try await save(clock, in: store, base: base)
        return clock
    }

    /// Stores where `clock` reads, for the other processes on the same data.
    public static func save(_ clock: AdjustableClock, in store: ReviewStore, base: any WallClock = SystemClock()) async throws {
        let offset = clock.offset
        try await store.write(serializedOn: "rehearsal-clock") { tx in try await tx.setRehearsalOffset(offset, at: base.now()) }
    }

    /// Ends the rehearsal: the data is on real time again. True when a rehearsal clock was kept.
    @discardableResult
    public static func end(in store: ReviewStore, base: any WallClock = SystemClock()) async throws -> Bool {
        let now = base.now()
        return try await store.write(serializedOn: "rehearsal-clock") { tx in
            guard try await tx.rehearsalOffset() != nil else { return false }
            try await tx.setRehearsalOffset(nil, at: now)
            return true
        }
    }
}
