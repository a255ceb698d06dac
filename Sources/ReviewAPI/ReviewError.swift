/// A refusal, reported the same way by the API (its status and JSON body), the office pages (a page with the message)
/// and the command line (the message on standard error, exit status 1).
///
/// The JSON body is `{"code", "message", "details"}`; the status travels as the HTTP status.
public struct ReviewError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The stable code, e.g. `late`, `invalid-time`.
    public var code: ErrorCode
    /// What is wrong and what to do, in Vietnamese.
    public var message: String
    /// Each individual problem, when several.
    public var details: [ProblemDetail]
    /// The HTTP status: the code's, unless a caller says otherwise (e.g. a malformed week in a page's address is 404).
    public var httpStatus: Int

    /// A refusal with the code's status.
    public init(_ code: ErrorCode, _ message: String, details: [ProblemDetail] = [], status: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.httpStatus = status ?? code.status
    }

    private enum CodingKeys: String, CodingKey { case code, message, details }

    /// Decodes the JSON body; the status is the code's until the caller sets the one it received.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(ErrorCode.self, forKey: .code)
        message = try c.decode(String.self, forKey: .message)
        details = try c.decodeIfPresent([ProblemDetail].self, forKey: .details) ?? []
        httpStatus = code.status
    }

    /// Encodes the JSON body (without the status, which is the HTTP status).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encode(details, forKey: .details)
    }

    /// The message, then each detail that says more than the message, one per line.
    public var description: String {
        let listed = details.count == 1 && details[0].message == message ? [] : details
        return ([message] + listed.map { "  - \($0.message)" }).joined(separator: "\n")
    }

    /// 401: no or unknown token.
    public static let unauthenticated = ReviewError(
        .unauthenticated,
        "Thiếu hoặc sai mã truy cập (token). Đăng nhập bằng: reviewcal login --server URL --token MÃ (mã do Văn phòng Huyện ủy cấp).")
    /// 403: an office action by a unit.
    public static let officeOnly = ReviewError(.forbidden, "Chỉ Văn phòng Huyện ủy được thực hiện thao tác này.")
    /// 503: the database is busy; nothing was stored.
    public static let busy = ReviewError(.busy, "Máy chủ đang bận, yêu cầu chưa được lưu. Gửi lại sau giây lát (reviewcal tự gửi lại).")
    /// 503: the database cannot be used right now (`why`, in words: the connection lost, no answer in time, a full
    /// disk…); nothing was stored or changed, and the same call may be sent again.
    public static func unavailable(_ why: String) -> ReviewError {
        ReviewError(
            .unavailable,
            "Máy chủ tạm thời không lưu được dữ liệu (\(why)): yêu cầu này chưa được lưu, không có gì thay đổi. Gửi lại sau ít giây; reviewcal tự gửi lại, một đăng ký gửi lại không bị tạo hai lần.")
    }
    /// 500: anything unexpected; nothing stored was touched.
    public static let `internal` = ReviewError(
        .internal, "Lỗi máy chủ; dữ liệu đã lưu không bị ảnh hưởng. Thử lại sau ít phút hoặc báo Văn phòng Huyện ủy.")

    /// 404 for a request the caller may not see or that does not exist (the same answer, so nothing leaks).
    public static func requestNotFound(_ id: String) -> ReviewError {
        ReviewError(.notFound, "Không tìm thấy đăng ký '\(Text.clip(id))' của đơn vị. Xem danh sách bằng: reviewcal list")
    }

}
