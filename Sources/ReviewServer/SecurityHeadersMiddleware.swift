import HTTPTypes
import Hummingbird

/// Headers every response carries, whatever route (or none) answered it, refusals and errors included:
/// - `X-Content-Type-Options: nosniff`, so that no browser reads a calendar, a CSV or an error as a page or a script;
/// - on the API (`/v1/…`), `Cache-Control: no-store`: its answers hold contacts' names, phones and e-mail addresses,
///   and no proxy or browser cache may keep them.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.add(to: &response.headers, path: request.uri.path)
        return response
    }

    static func add(to headers: inout HTTPFields, path: String) {
        headers[.xContentTypeOptions] = "nosniff"
        if path.hasPrefix("/v1/") && headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}

extension HTTPField.Name {
    /// `X-Content-Type-Options`.
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
