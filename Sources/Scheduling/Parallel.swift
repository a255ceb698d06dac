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
/// the CPUs of the process's affinity mask (`taskset`), and no more than its cgroup's CPU quota (`cpu.max`) rounds up to.
let availableCores: Int = {
    var cores = ProcessInfo.processInfo.activeProcessorCount
    #if os(Linux)
    let allowed = Int(CbcConcurrent_allowedCPUs())
    if allowed > 0 { cores = min(cores, allowed) }
    if let text = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        if fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0 {
            cores = min(cores, max(1, Int((quota / period).rounded(.up))))
        }
    }
    #endif
    return max(1, cores)
}()
