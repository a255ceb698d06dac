import Foundation

/// The thread that runs one write queue's batches: a task executor of its own, so that a batch of writes — one
/// statement after another, each awaited — resumes after each statement on this thread at once, instead of queueing
/// behind every request being handled on the shared concurrency pool (two threads on two cores). The writes of a
/// district are a chain that nothing else can shorten; this keeps other work from lengthening it. Each queue (a
/// district, or every district of an SQLite file) has its own, so that one district's writes never wait for
/// another's Swift code.
final class WriterExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor of the write queue whose batch the current task runs, if any: a task the batch starts on its
    /// own (``ConnectionGuard/guarded(task:)``) runs there too.
    @TaskLocal static var current: WriterExecutor?

    // @unchecked: `jobs` and `stopped` are only touched under `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init(name: String) {
        // The thread holds the executor until `stop()` and the last job.
        let thread = Thread { self.run() }
        thread.name = String(name.prefix(15))
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs enqueued so far have run.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
