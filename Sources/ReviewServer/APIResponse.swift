import Foundation
import Hummingbird
import NIOCore
import ReviewCore
import ReviewService
import ReviewStore

/// Helpers that turn service answers and failures into HTTP responses.
enum APIResponse {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static func json(_ status: Int, _ text: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: Int = 200) -> Response {
        // Our response types are plain Codable values; encoding them cannot fail.
        json(status, String(decoding: try! encoder.encode(value), as: UTF8.self))
    }

    static func failure(_ f: ReviewError) -> Response {
        // A refusal is a code, a message and details: encoding it cannot fail, but if it did the answer is still a 500.
        (try? f.httpResponse()) ?? json(500, #"{"code":"internal","details":[],"message":"Lỗi máy chủ."}"#)
    }

    /// Runs a handler, answering every refusal with its status and JSON body, and anything unexpected with a logged 500.
    static func guarded(_ context: BasicRequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let f as ReviewError {
            return failure(f)
        } catch let error as StoreError where error.refusal != nil {
            context.logger.warning("database: \(error.fault?.rawValue ?? "?"): \(StoreFault.detail(of: error))")
            return failure(error.refusal!)
        } catch {
            context.logger.error("unexpected error: \(error)")
            return failure(.internal)
        }
    }

    /// Reads and decodes a JSON body: at most 64 KiB, valid UTF-8, the right shape.
    /// Refuses a body that is not `application/json` (415), and, after decoding, a repeated or unknown key (400).
    static func decode<T: StrictJSONBody>(_ type: T.Type, from request: Request) async throws -> T {
        guard isJSON(request.headers[.contentType]) else {
            let given = request.headers[.contentType].map { "'\(Text.clip($0))'" } ?? "không có"
            throw ReviewError(
                .unsupportedMediaType, "Nội dung gửi lên phải là JSON (Content-Type: application/json); kiểu đã gửi: \(given).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch {
            throw ReviewError(.tooLarge, "Nội dung gửi lên quá lớn (tối đa 64 KiB).")
        }
        let bytes = Array(buffer.readableBytesView)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ReviewError(.invalidUTF8, "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ. Kiểm tra bảng mã của tệp hoặc của cửa sổ dòng lệnh.")
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ReviewError(.invalidJSON, "Thiếu trường '\(path(ctx.codingPath + [key]))' trong nội dung JSON.")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ReviewError(.invalidJSON, "Trường '\(path(ctx.codingPath))' sai kiểu dữ liệu trong nội dung JSON.")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ReviewError(.invalidJSON, "Trường '\(path(ctx.codingPath))' không được để null.")
        } catch {
            throw ReviewError(.invalidJSON, "Nội dung gửi lên không phải JSON hợp lệ.")
        }
        if let problem = StrictJSON.firstProblem(in: bytes, as: T.self) {
            throw ReviewError(
                problem.repeated ? .duplicateKey : .unknownField, problem.message,
                details: [ProblemDetail(code: problem.repeated ? "duplicate-key" : "unknown-field", field: problem.path, message: problem.message)])
        }
        return value
    }

    /// `application/json`, with at most a UTF-8 charset parameter.
    static func isJSON(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { p in
            let pair = p.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }
            return pair.count == 2 && pair[0] == "charset" && (pair[1] == "utf-8" || pair[1] == "utf8")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The bearer token of a request.
    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
