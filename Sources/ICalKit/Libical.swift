internal import CLibical
import Foundation

/// Process-wide serialisation of calls into libical.
///
/// libical 3.0.16 keeps state that is shared by every thread of the process: the error-state table and
/// `errors_are_fatal` flag, the TZID prefix, the built-in time zone array and, above all, the lazily grown
/// table of UTC-offset changes inside each `icaltimezone` (including the shared `Asia/Ho_Chi_Minh` zone and
/// the built-in zones), which conversions extend without a lock. Debian's build makes `icalerrno` and the
/// string ring buffer per thread, but nothing in the API lets us check that at run time. Every libical call
/// that can touch such state therefore runs inside `Libical.locked`. The lock is recursive so that a public
/// entry point may call another one; it is held for short, non-blocking stretches only.
enum Libical {
    // NSRecursiveLock is thread-safe by design; it is the one object shared by all callers.
    private static let lock = NSRecursiveLock()

    /// Runs `body` while holding the libical lock.
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The calling thread's libical error, as text, or `nil` if none is set. Call with the lock held.
    static func lastError() -> String? {
        let code = clibical_errno()
        guard code != ICAL_NO_ERROR else { return nil }
        return String(cString: icalerror_strerror(code))
    }

    /// Clears the calling thread's libical error. Call with the lock held.
    static func clearError() {
        clibical_clear_errno()
    }

    /// Converts a libical-allocated string (from an `_r` function) to Swift and frees it.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
