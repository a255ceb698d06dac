import Foundation
import Logging
import ReviewCore
import ReviewService
import ReviewStore
import ServiceLifecycle

/// Keeps a rehearsal server's clock on the one kept with the data: every `interval` it reads the stored clock, so that
/// a time set through another instance, or the end of the rehearsal (`reviewcal admin clock real`), reaches this one
/// too. With no stored clock left, this server reads the real time again.
public struct RehearsalClockService: Service {
    let clock: AdjustableClock
    let store: ReviewStore
    let services: [ReviewService]
    let interval: Duration
    let logger: Logger

    public init(clock: AdjustableClock, store: ReviewStore, services: [ReviewService], interval: Duration = .seconds(5), logger: Logger) {
        self.clock = clock
        self.store = store
        self.services = services
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await follow()
            let until = ContinuousClock.now + interval
            while ContinuousClock.now < until && !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Reads the stored clock once and moves this server's clock to it.
    func follow() async {
        guard let stored = try? await store.read({ tx in try await tx.rehearsalOffset() }) ?? 0 else { return }
        // Stored in milliseconds: a difference below one is the rounding, not a move.
        guard abs(stored - clock.offset) >= 0.001 else { return }
        clock.set(offset: stored)
        for service in services { service.clockMoved() }
        logger.notice(stored == 0 ? "rehearsal ended: the server reads the real clock" : "rehearsal clock moved by another instance")
    }
}
