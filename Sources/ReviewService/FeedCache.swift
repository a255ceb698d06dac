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

/// The server's only state: rendered feeds and feed tokens in memory, valid for one district revision and local day.
///
/// The revision is read from the store at most once per `revisionTTL` (and at once after a change made through this
/// instance), so that calendar apps polling every few minutes cost no database query, while a change made by another
/// instance or by the office's command line shows within that interval.
final class FeedCache: @unchecked Sendable {
    // @unchecked: every stored property is only touched under `lock`.
    private let lock = NSLock()
    private var feeds: [String: (stamp: String, feed: RenderedFeed)] = [:]
    private var tokens: [String: (revision: Int, record: CachedToken)] = [:]
    private var revision: (value: Int, checkedAt: Date)?
    /// How long a revision read from the store is trusted.
    let revisionTTL: TimeInterval = 1

    /// A feed token as the cache keeps it (nil record: unknown token).
    enum CachedToken {
        case live(kind: String, subject: String)
        case revoked
        case unknown
    }

    /// The revision, if read recently enough.
    func freshRevision(now: Date) -> Int? {
        lock.withLock {
            guard let r = revision, now.timeIntervalSince(r.checkedAt) < revisionTTL, now >= r.checkedAt else { return nil }
            return r.value
        }
    }

    /// Records the revision just read from the store; a new one drops every cached token.
    func setRevision(_ value: Int, now: Date) {
        lock.withLock {
            if revision?.value != value { tokens.removeAll() }
            revision = (value, now)
        }
    }

    /// Forgets the revision, after a change made through this instance.
    func invalidate() {
        lock.withLock { revision = nil }
    }

    func token(_ token: String, revision: Int) -> CachedToken? {
        lock.withLock { tokens[token].flatMap { $0.revision == revision ? $0.record : nil } }
    }

    func putToken(_ token: String, revision: Int, _ record: CachedToken) {
        lock.withLock {
            // Unknown tokens are cached too, but bounded, so that guessing cannot grow memory without end.
            if tokens.count > 100_000 { tokens.removeAll() }
            tokens[token] = (revision, record)
        }
    }

    func get(_ token: String, stamp: String) -> RenderedFeed? {
        lock.withLock { feeds[token].flatMap { $0.stamp == stamp ? $0.feed : nil } }
    }

    func put(_ token: String, stamp: String, _ feed: RenderedFeed) {
        lock.withLock { feeds[token] = (stamp, feed) }
    }
}
