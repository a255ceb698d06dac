import ReviewCore

/// A refusal with its HTTP status and the body the API answers.
public struct ServiceFailure: Error, Sendable, CustomStringConvertible {
    /// HTTP status: 400, 401, 403, 404, 409, 410, 422.
    public var status: Int
    /// Code and Vietnamese message.
    public var body: APIErrorBody

    /// Creates a failure.
    public init(_ status: Int, _ code: String, _ message: String, details: [ProblemDetail] = []) {
        self.status = status
        body = APIErrorBody(code: code, message: message, details: details)
    }

    /// Wraps a rule check's body.
    public init(status: Int, body: APIErrorBody) {
        self.status = status
        self.body = body
    }

    public var description: String { body.description }

    /// 401: no or unknown token.
    public static let unauthenticated = ServiceFailure(
        401, "unauthenticated", "Thiếu hoặc sai mã truy cập (token). Đăng nhập bằng: reviewcal login --server URL --token MÃ (mã do Văn phòng Huyện ủy cấp).")
    /// 403: an office action by a unit.
    public static let officeOnly = ServiceFailure(403, "forbidden", "Chỉ Văn phòng Huyện ủy được thực hiện thao tác này.")

    /// 404 for a request the caller may not see or that does not exist (the same answer, so nothing leaks).
    public static func requestNotFound(_ id: String) -> ServiceFailure {
        ServiceFailure(404, "not-found", "Không tìm thấy đăng ký '\(Text.clip(id))' của đơn vị. Xem danh sách bằng: reviewcal list")
    }
}
