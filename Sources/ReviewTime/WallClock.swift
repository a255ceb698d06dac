public import Foundation

/// The source of "now" for every rule; injected so that tests and rehearsals control time.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    /// Creates the system clock.
    public init() {}
    /// The current instant.
    public func now() -> Date { Date() }
}

/// A clock that can be set and moved, for tests and rehearsals.
public final class AdjustableClock: WallClock, @unchecked Sendable {
    // @unchecked: the only state is `offset`, read and written under `lock`.
    private let lock = NSLock()
    private var offset: TimeInterval
    private let base: any WallClock

    /// A clock that reads `instant` now and then runs on from it with `base`.
    public init(startingAt instant: Date, base: any WallClock = SystemClock()) {
        self.base = base
        offset = instant.timeIntervalSince(base.now())
    }

    /// Sets the current instant; the clock runs on from it.
    public func set(_ instant: Date) {
        lock.withLock { offset = instant.timeIntervalSince(base.now()) }
    }

    /// The current instant.
    public func now() -> Date {
        let o = lock.withLock { offset }
        return base.now().addingTimeInterval(o)
    }
}

/// A clock stopped at one instant.
public struct FixedClock: WallClock {
    /// The instant this clock always reads.
    public let instant: Date
    /// Creates a stopped clock.
    public init(_ instant: Date) { self.instant = instant }
    /// The stopped instant.
    public func now() -> Date { instant }
}
