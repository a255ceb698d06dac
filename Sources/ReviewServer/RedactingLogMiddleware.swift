import Foundation

/// Hides feed tokens in paths written to logs: tokens never reach the logs.
enum RedactingLogMiddleware {
    /// `/feeds/members/<token>/name.ics` → `/feeds/members/…/name.ics`.
    static func redact(_ path: String) -> String {
        guard path.hasPrefix("/feeds/") else { return path }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 3 { parts[3] = "…" }
        return parts.joined(separator: "/")
    }
}
