import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReviewCore
import ReviewStore

/// A refusal is an HTTP response: its status and its JSON body `{"code", "message", "details"}`. Anything a route
/// throws that is a ``ReviewError`` reaches the client this way; the office pages show its message instead.
extension ReviewError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try httpResponse()
    }

    /// The response: the status, the JSON body, and `Retry-After` when the server asks to be asked again (busy: in
    /// 1 second; the database unavailable: in 2).
    func httpResponse() throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.retryAfter] = retryAfter
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try APIResponse.encoder.encode(self))))
    }
}

extension ReviewError {
    /// The seconds of `Retry-After` when the server asks to be asked again (busy: 1; the database unavailable: 2), or
    /// nil.
    var retryAfter: String? {
        switch code {
        case .busy: "1"
        case .unavailable: "2"
        default: nil
        }
    }
}

extension StoreError {
    /// The refusal a client hears when the store could not serve its call because of the database (busy after the
    /// retries, or unavailable), or nil for any other store error.
    var refusal: ReviewError? {
        switch fault {
        case nil: nil
        case .busy: .busy
        case let fault?: .unavailable(fault.words)
        }
    }
}

/// A store error that reaches Hummingbird without a handler turning it into a response (a route's middleware, say):
/// the database's faults are 503 with `Retry-After` and the JSON refusal, anything else stays a 500.
extension StoreError: HTTPResponseError {
    public var status: HTTPResponse.Status { refusal.map { .init(code: $0.httpStatus) } ?? .internalServerError }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if let refusal { return try refusal.httpResponse() }
        return try ReviewError.internal.httpResponse()
    }
}
