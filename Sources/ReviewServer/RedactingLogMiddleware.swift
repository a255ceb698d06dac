import Hummingbird
import Logging

/// Logs each request's method, path and status, with feed tokens replaced by `…`: tokens never reach the logs.
struct RedactingLogMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        context.logger.debug("\(request.method) \(Self.redact(request.uri.path)) \(response.status.code)")
        return response
    }

    /// `/feeds/members/<token>/name.ics` → `/feeds/members/…/name.ics`.
    static func redact(_ path: String) -> String {
        guard path.hasPrefix("/feeds/") else { return path }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 3 { parts[3] = "…" }
        return parts.joined(separator: "/")
    }
}
