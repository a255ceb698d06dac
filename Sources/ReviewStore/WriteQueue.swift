import Foundation

/// One write waiting for its turn: its body, and where its outcome goes once its batch is committed.
final class PendingWrite: @unchecked Sendable {
    // @unchecked: `body` runs in the task draining the queue while its caller waits for `finish`; the caller's
    // closure does not outlive the call, and `outcome` is set by that one task before `finish` is called once.
    // The body is dropped before the caller hears the outcome: the caller's closure must not outlive its call.
    private var body: ((StoreTransaction) async throws -> Void)?
    private let finish: @Sendable (Result<Void, any Error>) -> Void
    /// When it was queued.
    let queuedAt = ContinuousClock.now

    init(run: @escaping (StoreTransaction) async throws -> Void, finish: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        self.body = run
        self.finish = finish
    }

    /// Runs the write's body in `transaction`.
    func run(_ transaction: StoreTransaction) async throws {
        guard let body else { return }
        try await body(transaction)
    }

    /// Hands the outcome to the caller, once.
    func complete(_ result: Result<Void, any Error>) {
        body = nil
        finish(result)
    }
}

/// The writes of one key waiting for the transaction that will carry them (group commit): one task, on the queue's
/// own thread, drains them a batch at a time, each batch in one transaction (``ReviewStore``: a write that fails is
/// rolled back alone). The others are committed together, and their callers hear of it only once the commit has
/// succeeded. One commit (one sync to disk) then serves many concurrent writers.
///
/// A batch always ends — the store gives each transaction a deadline — and the queue goes on with the next. When a
/// batch ends with an error that says the database cannot be used right now, the writes waiting behind it are answered
/// with that error at once rather than each waiting for the same failure in turn.
final class WriteQueue: @unchecked Sendable {
    // @unchecked: `pending`, `running` and `draining` are only touched under `lock`.
    private let lock = NSLock()
    private var pending: [PendingWrite] = []
    /// When the oldest write of the batch being run was queued.
    private var running: ContinuousClock.Instant?
    private var draining = false
    private let runBatch: @Sendable ([PendingWrite]) async -> (any Error)?
    /// The most writes in one transaction.
    let maxBatch: Int
    /// Where the batches run.
    private let executor = WriterExecutor(name: "reviewcal-write")

    init(maxBatch: Int, runBatch: @escaping @Sendable ([PendingWrite]) async -> (any Error)?) {
        self.maxBatch = maxBatch
        self.runBatch = runBatch
    }

    deinit {
        executor.stop()
    }

    /// Queues `write`; starts the task that drains the queue when none runs.
    func submit(_ write: PendingWrite) {
        let start: Bool = lock.withLock {
            pending.append(write)
            if draining { return false }
            draining = true
            return true
        }
        if start {
            let executor = executor
            Task(executorPreference: executor) { await WriterExecutor.$current.withValue(executor) { await self.drain() } }
        }
    }

    /// How long the oldest write waiting here (or in the batch being run) has waited, or nil when none waits.
    var oldestWait: Duration? {
        let oldest: ContinuousClock.Instant? = lock.withLock { running ?? pending.first?.queuedAt }
        return oldest.map { ContinuousClock.now - $0 }
    }

    private func drain() async {
        while true {
            let batch: [PendingWrite] = lock.withLock {
                let n = min(maxBatch, pending.count)
                let taken = Array(pending.prefix(n))
                pending.removeFirst(n)
                running = taken.first?.queuedAt
                if taken.isEmpty { draining = false }
                return taken
            }
            if batch.isEmpty { return }
            if let unavailable = await runBatch(batch) {
                let waiting: [PendingWrite] = lock.withLock {
                    defer { pending = [] }
                    return pending
                }
                for write in waiting { write.complete(.failure(unavailable)) }
            }
        }
    }
}

/// The write queues of a store, one per key.
final class WriteQueues: @unchecked Sendable {
    // @unchecked: `queues` is only touched under `lock`.
    private let lock = NSLock()
    private var queues: [String: WriteQueue] = [:]
    private let make: @Sendable (String) -> WriteQueue

    init(make: @escaping @Sendable (String) -> WriteQueue) {
        self.make = make
    }

    /// The longest wait of a write in any queue, or nil when none waits.
    var oldestWait: Duration? {
        let all = lock.withLock { Array(queues.values) }
        return all.compactMap(\.oldestWait).max()
    }

    func queue(_ key: String) -> WriteQueue {
        lock.withLock {
            if let queue = queues[key] { return queue }
            let queue = make(key)
            queues[key] = queue
            return queue
        }
    }
}

/// What the writes of a batch keep back for ``StoreTransaction/flush()``: audit entries and idempotency answers,
/// inserted together instead of one statement per write (a read of their tables inside the batch inserts them first).
final class DeferredRows: @unchecked Sendable {
    // @unchecked: the arrays are only touched under `lock`.
    struct Response {
        var district: String
        var principal: String
        var key: String
        var response: StoredResponse
        var at: Date
    }

    private let lock = NSLock()
    private var audits: [AuditEntry] = []
    private var responses: [Response] = []

    func add(audit: AuditEntry) { lock.withLock { audits.append(audit) } }
    func add(response: Response) { lock.withLock { responses.append(response) } }

    /// Everything kept back, or nil when nothing is; afterwards nothing is.
    func take() -> ([AuditEntry], [Response])? {
        lock.withLock {
            if audits.isEmpty && responses.isEmpty { return nil }
            defer { audits = []; responses = [] }
            return (audits, responses)
        }
    }
}
