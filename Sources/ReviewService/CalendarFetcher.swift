import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads a member's or team's own calendar from where the configuration says: an `https://` URL or a file.
public protocol CalendarFetcher: Sendable {
    /// The calendar's text; throws when it cannot be read.
    func fetch(_ source: String) async throws -> String
}

/// Fetches over HTTP(S) with a timeout, or reads a file (relative paths from the working directory).
public struct StandardCalendarFetcher: CalendarFetcher {
    /// Seconds to wait for a server.
    public var timeout: TimeInterval = 15

    /// Creates the fetcher.
    public init() {}

    /// Why a calendar could not be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, in Vietnamese.
        public var description: String
    }

    public func fetch(_ source: String) async throws -> String {
        let data: Data
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let url = URL(string: source) else { throw Failure(description: "địa chỉ không hợp lệ") }
            var request = URLRequest(url: url)
            request.timeoutInterval = timeout
            request.setValue("text/calendar", forHTTPHeaderField: "Accept")
            let (body, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard (200..<300).contains(status) else { throw Failure(description: "máy chủ trả lời mã HTTP \(status)") }
            data = body
        } else {
            let path = source.hasPrefix("file://") ? String(source.dropFirst(7)) : source
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw Failure(description: "không đọc được tệp \(path)")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(description: "không phải văn bản UTF-8") }
        return text
    }
}
