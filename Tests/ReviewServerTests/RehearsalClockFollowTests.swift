import Foundation
import Logging
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// A rehearsal server follows the clock kept with the data.
@Suite struct RehearsalClockFollowTests {
    @Test func aServerFollowsTheStoredClockAndReturnsToRealTime() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let store = world.service.store
        let clock = try await RehearsalClock.start(at: Date(timeIntervalSince1970: 1_700_000_000), in: store)
        #expect(abs((try await RehearsalClock.load(from: store)?.offset ?? 0) - clock.offset) < 0.001)
        let follower = RehearsalClockService(clock: clock, store: store, services: [world.service], interval: .milliseconds(100), logger: Logger(label: "test"))
        let task = Task { try await follower.run() }
        defer { task.cancel() }
        // Another instance moves the stored clock a day on: this one follows.
        let moved = clock.offset + 86_400
        try await store.write { tx in try await tx.setRehearsalOffset(moved, at: Date()) }
        for _ in 0..<50 where abs(clock.offset - moved) > 0.01 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(abs(clock.offset - moved) < 0.01)
        // The rehearsal ends: the server reads the real time again.
        #expect(try await RehearsalClock.end(in: store))
        for _ in 0..<50 where clock.offset != 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(clock.offset == 0)
        #expect(abs(clock.now().timeIntervalSinceNow) < 5)
        #expect(try await RehearsalClock.load(from: store) == nil)
    }
}
