import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import ReviewCore
import ReviewService

/// `GET`/`HEAD /feeds/{members|teams|units|district}/{token}/{name}.ics`: the calendar feeds, with
/// strong ETags, Last-Modified, 304 answers, `Cache-Control` and gzip only when the client asks for it.
struct FeedController {
    let service: ReviewService
    let gzipCache = GzipCache()
    let district: String
    let counters: [Int: Counter]

    init(service: ReviewService) {
        self.service = service
        district = service.district.id
        // Made once: calendar apps poll often, and each answer only increments its status's counter.
        counters = Dictionary(uniqueKeysWithValues: [200, 304, 404, 405, 410, 500].map {
            ($0, Counter(label: "reviewcal_feed_requests_total", dimensions: [("district", service.district.id), ("status", String($0))]))
        })
    }
    static let maxAge = 300

    func register(on routes: Routes) {
        routes.on(.get, "/feeds/:kind/:token/:name") { request, context in
            await serve(request, context, head: false)
        }
        routes.on(.head, "/feeds/:kind/:token/:name") { request, context in
            await serve(request, context, head: true)
        }
        // Feeds are read-only: any other method is told which ones exist (RFC 9110 §15.5.6).
        for method in [HTTPRequest.Method.post, .put, .delete, .patch, .options] {
            routes.on(method, "/feeds/:kind/:token/:name") { _, _ in
                Response(
                    status: .methodNotAllowed, headers: [.allow: "GET, HEAD", .contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Lịch chỉ đọc được bằng GET hoặc HEAD.\n")))
            }
        }
    }

    func serve(_ request: Request, _ context: BasicRequestContext, head: Bool) async -> Response {
        let response = await APIResponse.guarded(context) {
            let kind = context.parameters.get("kind") ?? ""
            guard kind == "members" || kind == "teams" || kind == "units" || kind == "district", let token = context.parameters.get("token") else {
                return Self.plain(.notFound, "Không có lịch này.\n")
            }
            switch try await service.feed(token: token, segment: kind, name: context.parameters.get("name") ?? "") {
            case .notFound:
                return Self.plain(.notFound, "Không có lịch này.\n")
            case .gone:
                return Self.plain(.gone, "Đường dẫn lịch này đã bị thu hồi. Xin Văn phòng Huyện ủy đường dẫn mới.\n")
            case .feed(let feed):
                return respond(feed, request: request, head: head)
            }
        }
        (counters[response.status.code] ?? Counter(
            label: "reviewcal_feed_requests_total", dimensions: [("district", district), ("status", String(response.status.code))])).increment()
        return response
    }

    func respond(_ feed: RenderedFeed, request: Request, head: Bool) -> Response {
        let prepared = gzipCache.prepared(feed)
        var headers = prepared.headers
        // The gzip body is another representation: it has its own strong ETag, and a 304 answers only for the one
        // that would be served.
        let gzip = Self.acceptsGzip(request.headers[.acceptEncoding])
        let etag = gzip ? Self.gzipETag(feed.etag) : feed.etag
        headers[.eTag] = etag
        if let inm = request.headers[.ifNoneMatch] {
            if Self.matches(inm, etag: etag) {
                return Response(status: .notModified, headers: headers)
            }
        } else if let ims = request.headers[.ifModifiedSince], let since = HTTPDate.parse(ims),
            floor(feed.lastModified.timeIntervalSince1970) <= since.timeIntervalSince1970
        {
            return Response(status: .notModified, headers: headers)
        }
        var body = prepared.body
        if gzip {
            body = gzipCache.gzipped(feed, prepared.body)
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: head ? .init() : .init(byteBuffer: body))
    }

    /// The ETag of a feed's gzip body: the plain one's with `-gz` inside the quotes.
    static func gzipETag(_ etag: String) -> String {
        etag.hasSuffix("\"") ? String(etag.dropLast()) + "-gz\"" : etag + "-gz"
    }

    /// Whether an `If-None-Match` value matches the feed's ETag by weak comparison (RFC 9110 §8.8.3.2): `W/"x"`
    /// and `"x"` both match `"x"`; `*` matches any.
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        if ifNoneMatch == etag { return true }
        let own = etag.hasPrefix("W/") ? etag.dropFirst(2) : Substring(etag)
        return ifNoneMatch.split(separator: ",").contains { part in
            let tag = part.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            return (tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)) == own
        }
    }

    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard fields.first == "gzip" else { return false }
            return !fields.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Each rendered feed's body buffer and headers, prepared once per ETag, and its gzip form, compressed once.
final class GzipCache: @unchecked Sendable {
    // @unchecked: both dictionaries are only touched under `lock`.
    private let lock = NSLock()
    struct Prepared {
        var body: ByteBuffer
        var headers: HTTPFields
    }
    private var plain: [String: Prepared] = [:]
    private var zipped: [String: ByteBuffer] = [:]

    func prepared(_ feed: RenderedFeed) -> Prepared {
        lock.lock()
        let hit = plain[feed.etag]
        lock.unlock()
        if let hit { return hit }
        let headers: HTTPFields = [
            .contentType: "text/calendar; charset=utf-8",
            .eTag: feed.etag,
            .lastModified: HTTPDate.format(feed.lastModified),
            .cacheControl: "private, max-age=\(FeedController.maxAge)",
            .vary: "Accept-Encoding",
        ]
        let entry = Prepared(body: ByteBuffer(bytes: feed.body), headers: headers)
        lock.withLock {
            if plain.count > 10_000 { plain.removeAll() }
            plain[feed.etag] = entry
        }
        return entry
    }

    func gzipped(_ feed: RenderedFeed, _ body: ByteBuffer) -> ByteBuffer {
        if let hit = lock.withLock({ zipped[feed.etag] }) { return hit }
        var input = body
        // Compressing an in-memory buffer only fails on allocation failure; the plain body is served then.
        let result = (try? input.compress(with: .gzip())) ?? body
        lock.withLock {
            if zipped.count > 10_000 { zipped.removeAll() }
            zipped[feed.etag] = result
        }
        return result
    }
}

/// HTTP dates (RFC 9110 IMF-fixdate).
enum HTTPDate {
    private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, computed directly (this runs on every feed request).
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let d = LocalDate(daysSinceEpoch: dayNumber)
        let rest = seconds - dayNumber * 86400
        let weekday = days[d.isoWeekday - 1]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(d.day)) \(months[d.month - 1]) \(d.year) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) GMT"
    }

    /// Parses an IMF-fixdate.
    static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text)
    }
}
