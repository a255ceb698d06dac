import Foundation
import Logging
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// The server's delivery worker.
@Suite struct OutboxServiceTests {
    /// Counts what it is given.
    final class Counter: MailTransport, @unchecked Sendable {
        // @unchecked: `count` is read and written under `lock` only.
        private let lock = NSLock()
        private var sent = 0
        var count: Int { lock.withLock { sent } }
        func send(_ message: [UInt8]) async throws { lock.withLock { sent += 1 } }
    }

    /// More messages due than one turn of rounds delivers: the rest go at once, not after the poll interval (an hour
    /// here). A week of a province queues more than a turn's 50 rounds × 4 messages at `--mail-concurrency 1`.
    @Test func aBacklogLargerThanATurnGoesWithoutWaitingForThePoll() async throws {
        let world = try await TestWorld.make(at: "2026-12-03T14:00")
        defer { Task { await world.close() } }
        let service = world.service
        let now = service.clock.now()
        try await service.store.write(serializedOn: service.district.id) { tx in
            for i in 0..<25 {
                try await tx.insertOutbox(OutboxMessage(
                    id: "ob-backlog\(i)", districtId: service.district.id, batch: "pb-backlog", week: nil, createdAt: now, person: "member:m01",
                    recipient: "m\(i)@example.vn", recipientName: "Người nhận \(i)", delivery: .notice, cause: "Thử", summary: "Thử",
                    subject: "Thử", messageId: "ob-backlog\(i).\(service.district.id)@example.vn", message: "Subject: x\r\n\r\nx\r\n"))
            }
        }
        let counter = Counter()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let worker = OutboxService(
            services: [service], transport: counter, instance: "test", interval: .seconds(3600), concurrency: 1, maxRounds: 1, logger: logger)
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        let deadline = Date().addingTimeInterval(30)
        // Each message is marked sent in the write after its round's hand-over: wait for the marks too.
        while Date() < deadline {
            if counter.count >= 25, try await service.outbox(status: .sent).count >= 25 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(counter.count == 25)
        #expect(try await service.outbox(status: .sent).count == 25)
    }
}
