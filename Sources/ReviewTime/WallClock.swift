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
    // @unchecked: the only state is `storedOffset`, read and written under `lock`.
    private let lock = NSLock()
    private var storedOffset: TimeInterval
    private let base: any WallClock

    /// A clock that reads `instant` now and then runs on from it with `base`.
    public init(startingAt instant: Date, base: any WallClock = SystemClock()) {
        self.base = base
        storedOffset = instant.timeIntervalSince(base.now())
    }

    /// A clock that reads `offset` seconds from `base`.
    public init(offset: TimeInterval, base: any WallClock = SystemClock()) {
        self.base = base
        self.storedOffset = offset
    }

    /// How far this clock reads from its base, in seconds.
    public var offset: TimeInterval { lock.withLock { storedOffset } }

    /// Sets how far this clock reads from its base.
    public func set(offset new: TimeInterval) {
        lock.withLock { storedOffset = new }
    }

    /// Sets the current instant; the clock runs on from it.
    public func set(_ instant: Date) {
        lock.withLock { storedOffset = instant.timeIntervalSince(base.now()) }
    }

    /// The current instant.
    public func now() -> Date {
        let o = lock.withLock { storedOffset }
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
