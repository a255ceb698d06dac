import HTTPTypes
import Hummingbird
import NIOCore

/// Registers routes on the router and records each (method, path), so that the API document can be checked against them.
final class Routes: @unchecked Sendable {
    // @unchecked: `recorded` is only appended to while the router is built, before serving starts.
    let router: Router<BasicRequestContext>
    private(set) var recorded: [(method: String, path: String)] = []

    init(router: Router<BasicRequestContext>) {
        self.router = router
    }

    /// Adds a handler for `method` on `path` (Hummingbird syntax, `:id` for parameters).
    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        router.on(RouterPath(path), method: method, use: handler)
        recorded.append((method.rawValue.lowercased(), path))
    }

    /// The recorded routes as OpenAPI writes them: `get /v1/requests/{id}`.
    var openAPIForm: [String] {
        recorded.map { r in
            let path = r.path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(r.method) \(path.joined(separator: "/"))"
        }.sorted()
    }
}
