internal import CCbcConcurrent
import Foundation

/// A signal one thread raises to end another thread's search early (CBC's branch and bound checks it at every node).
final class StopSignal: @unchecked Sendable {
    /// An atomic flag owned by this object (see `CCbcConcurrent.h`).
    let flag: UnsafeMutableRawPointer

    init() {
        flag = CbcConcurrent_newFlag()
    }

    deinit {
        CbcConcurrent_deleteFlag(flag)
    }

    func raise() {
        CbcConcurrent_raiseFlag(flag)
    }

    var isRaised: Bool {
        CbcConcurrent_isRaised(flag) != 0
    }
}

/// Runs `second` on a new thread while `first` runs on the calling thread, and returns both results once both are done.
func inParallel<A, B: Sendable>(_ first: () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
    let result = ResultBox<B>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        result.value = second()
        done.signal()
    }
    // CBC runs on this thread too: give it the main thread's stack size rather than the smaller default.
    thread.stackSize = 8 << 20
    thread.start()
    let a = first()
    done.wait()
    return (a, result.value!)
}

/// Holds the second thread's result of ``inParallel(_:_:)``; written once before the semaphore is signalled, read
/// after it is waited for.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Cores this process may run on: the second thread of the search is worth starting only when there are two. On Linux,
/// the CPUs of the process's affinity mask (`taskset`), and no more than its cgroup's CPU quota rounds up to.
let availableCores: Int = {
    var cores = ProcessInfo.processInfo.activeProcessorCount
    #if os(Linux)
    let allowed = Int(CbcConcurrent_allowedCPUs())
    if allowed > 0 { cores = min(cores, allowed) }
    func numbers(_ path: String) -> [Double] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
    }
    // cgroup v2 ("quota period", or "max period" without a quota), else v1 (two files; -1 without a quota).
    var quota = numbers("/sys/fs/cgroup/cpu.max")
    if quota.isEmpty { quota = numbers("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") + numbers("/sys/fs/cgroup/cpu/cpu.cfs_period_us") }
    if quota.count == 2, quota[0] > 0, quota[1] > 0 {
        cores = min(cores, max(1, Int((quota[0] / quota[1]).rounded(.up))))
    }
    #endif
    return max(1, cores)
}()
