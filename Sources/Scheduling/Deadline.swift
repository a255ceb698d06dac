import Foundation

/// A point in monotonic time after which the search stops.
struct Deadline {
    private let end: UInt64

    /// `seconds` from now.
    init(seconds: Double) {
        let budget = seconds.isFinite ? max(0, seconds) : 1e9
        end = DispatchTime.now().uptimeNanoseconds &+ UInt64(min(budget, 1e9) * 1e9)
    }

    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= end }

    /// Seconds left, 0 once passed.
    var remaining: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= end ? 0 : Double(end - now) / 1e9
    }
}
