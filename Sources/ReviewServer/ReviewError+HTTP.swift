import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReviewCore

/// A refusal is an HTTP response: its status and its JSON body `{"code", "message", "details"}`. Anything a route
/// throws that is a ``ReviewError`` reaches the client this way; the office pages show its message instead.
extension ReviewError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try httpResponse()
    }

    /// The response: the status, the JSON body, and `Retry-After: 1` when the server is busy.
    func httpResponse() throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if code == .busy { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try APIResponse.encoder.encode(self))))
    }
}
