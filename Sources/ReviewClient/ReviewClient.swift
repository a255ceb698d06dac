import Foundation
import ReviewAPI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP client behind the cells' and office's remote commands. It needs no database and no C library.
public struct ReviewClient: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    public let server: URL
    /// The bearer token.
    public let token: String
    /// Attempts for a call that could not reach the server, or that it asked to send again (503, after the
    /// `Retry-After` it gave, at most 10 seconds); retries reuse the idempotency key.
    public var attempts = 4
    /// The URL session requests go through (a load test gives one that opens as many connections as it has clients).
    public var session: URLSession = .shared

    /// Creates a client.
    public init(server: URL, token: String) {
        self.server = server
        self.token = token
    }

    /// Who the token belongs to and the registration window.
    public func whoAmI() async throws(ClientError) -> WhoAmI {
        try await call("GET", "v1/whoami", body: nil, key: nil)
    }

    /// Registers a request; `idempotencyKey` is reused on retry so that nothing is created twice.
    public func register(_ input: RegistrationInput, idempotencyKey: String = UUID().uuidString, admitLate: Bool = false) async throws(ClientError) -> RequestView {
        try await call("POST", admitLate ? "v1/requests?admitLate=true" : "v1/requests", body: encode(input), key: idempotencyKey)
    }

    /// Lists the caller's requests, optionally of one week.
    public func list(week: ISOWeek? = nil) async throws(ClientError) -> [RequestView] {
        try await call("GET", week.map { "v1/requests?week=\($0.iso)" } ?? "v1/requests", body: nil, key: nil)
    }

    /// One request.
    public func show(id: String) async throws(ClientError) -> RequestView {
        try await call("GET", "v1/requests/\(Self.escape(id))", body: nil, key: nil)
    }

    /// Changes a request.
    public func change(id: String, _ input: RegistrationInput, idempotencyKey: String = UUID().uuidString) async throws(ClientError) -> RequestView {
        try await call("PUT", "v1/requests/\(Self.escape(id))", body: encode(input), key: idempotencyKey)
    }

    /// Withdraws a request.
    public func withdraw(id: String) async throws(ClientError) -> RequestView {
        try await call("POST", "v1/requests/\(Self.escape(id))/withdraw", body: Data("{}".utf8), key: nil)
    }

    private func encode(_ input: RegistrationInput) -> Data {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        // A RegistrationInput holds only strings; encoding cannot fail.
        return try! e.encode(input)
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? s
    }

    private func call<T: Decodable>(_ method: String, _ path: String, body: Data?, key: String?) async throws(ClientError) -> T {
        guard let url = URL(string: path, relativeTo: server.appendingPathComponent("")) else { throw .badServer(server.absoluteString) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        }
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        var lastError = ""
        for attempt in 1...max(1, attempts) {
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await session.data(for: request)
            } catch {
                lastError = error.localizedDescription
                // Only calls that are safe to repeat are retried: reads, and writes carrying an idempotency key.
                guard method == "GET" || key != nil, attempt < attempts else { break }
                try? await Task.sleep(nanoseconds: UInt64(attempt) * 500_000_000)
                continue
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            // 503: the server stored nothing and asks to be asked again, after Retry-After seconds; safe for the same
            // calls as above.
            if status == 503, method == "GET" || key != nil, attempt < attempts {
                let asked = ((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init) ?? 0
                try? await Task.sleep(for: .seconds(min(10, max(asked, Double(attempt) * 0.5))))
                continue
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            if (200..<300).contains(status) {
                do {
                    return try decoder.decode(T.self, from: data)
                } catch {
                    throw .unexpectedAnswer(status: status)
                }
            }
            if var refusal = try? decoder.decode(ReviewError.self, from: data) {
                refusal.httpStatus = status
                throw .refused(refusal)
            }
            throw .unexpectedAnswer(status: status)
        }
        throw .unreachable(server.absoluteString, lastError)
    }
}

/// Why a call failed, in words for the person at the command line.
public enum ClientError: Error, CustomStringConvertible {
    /// The server refused, with its code and Vietnamese message.
    case refused(ReviewError)
    /// The server could not be reached.
    case unreachable(String, String)
    /// The server URL is malformed.
    case badServer(String)
    /// The server answered something that is not reviewcal's API.
    case unexpectedAnswer(status: Int)

    public var description: String {
        switch self {
        case .refused(let refusal): refusal.description
        case .unreachable(let server, let why): "Không kết nối được máy chủ \(server) (\(why)). Kiểm tra địa chỉ máy chủ và mạng, rồi chạy lại lệnh: đăng ký sẽ không bị tạo hai lần."
        case .badServer(let s): "Địa chỉ máy chủ '\(s)' không hợp lệ (ví dụ: http://127.0.0.1:8080)."
        case .unexpectedAnswer(let status): "Máy chủ trả lời không đúng giao thức reviewcal (mã HTTP \(status)). Kiểm tra địa chỉ máy chủ."
        }
    }

    /// The API's error code when refused.
    public var code: String? {
        if case .refused(let refusal) = self { return refusal.code.rawValue }
        return nil
    }
}
