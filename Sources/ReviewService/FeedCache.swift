import Foundation

/// A rendered feed, ready to serve.
public struct RenderedFeed: Sendable {
    /// The iCalendar bytes.
    public var body: [UInt8]
    /// Strong ETag (quoted hash of the body).
    public var etag: String
    /// The latest change among its events.
    public var lastModified: Date
    /// A readable file name, e.g. `nguyen-van-an.ics`.
    public var fileName: String
}

/// Rendered feeds kept in memory, keyed by token and valid for one district revision and local day.
/// The only state of the server; every instance keeps its own and renders again when the revision moves.
final class FeedCache: @unchecked Sendable {
    // @unchecked: `entries` is only touched under `lock`.
    private let lock = NSLock()
    private var entries: [String: (stamp: String, feed: RenderedFeed)] = [:]

    func get(_ token: String, stamp: String) -> RenderedFeed? {
        lock.withLock { entries[token].flatMap { $0.stamp == stamp ? $0.feed : nil } }
    }

    func put(_ token: String, stamp: String, _ feed: RenderedFeed) {
        lock.withLock { entries[token] = (stamp, feed) }
    }
}
