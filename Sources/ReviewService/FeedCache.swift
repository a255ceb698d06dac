import Foundation
import ReviewCore
import ReviewStore

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
    // Small structs rather than tuples: generic code over tuple types looks their metadata up at run time,
    // which showed in profiles of the feed path.
    private struct FeedEntry {
        var stamp: String
        var feed: RenderedFeed
    }
    private struct DirectoryEntry {
        var revision: Int
        var tokens: [String: CachedToken]
    }
    private struct StatesEntry {
        var revision: Int
        var states: [String: FeedItemState]
    }
    private struct RevisionEntry {
        var value: Int
        var checkedAt: Date
    }
    private struct DayEntry {
        var start: Date
        var end: Date
        var text: String
    }
    private var feeds: [String: FeedEntry] = [:]
    private var tokenDirectory: DirectoryEntry?
    private var itemStates: StatesEntry?
    private var revision: RevisionEntry?
    private var day: DayEntry?
    /// How long a revision read from the store is trusted.
    let revisionTTL: TimeInterval = 1

    /// A feed token as the cache keeps it, with the path segment and file name it must be asked with.
    enum CachedToken {
        case live(kind: FeedToken.Kind, subject: String, segment: String, fileName: String)
        case revoked(segment: String)
    }

    /// The revision, if read recently enough.
    func freshRevision(now: Date) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let r = revision, now.timeIntervalSince(r.checkedAt) < revisionTTL, now >= r.checkedAt else { return nil }
        return r.value
    }

    /// Records the revision just read from the store; a new one drops every cached token.
    func setRevision(_ value: Int, now: Date) {
        lock.withLock {
            revision = RevisionEntry(value: value, checkedAt: now)
        }
    }

    /// The local day of `now` as text, computed once per day.
    func dayText(_ now: Date, zone: CampaignZone) -> String {
        lock.lock()
        let current = day
        lock.unlock()
        if let d = current, now >= d.start, now < d.end { return d.text }
        let date = zone.date(of: now)
        let entry = DayEntry(start: zone.startOfDay(date), end: zone.startOfDay(date.adding(days: 1)), text: date.iso)
        lock.withLock { day = entry }
        return entry.text
    }

    /// Forgets the revision, after a change made through this instance.
    func invalidate() {
        lock.withLock { revision = nil }
    }

    /// Every token of the district (live and past), derived for `revision`.
    func directory(revision: Int) -> [String: CachedToken]? {
        lock.withLock { tokenDirectory?.revision == revision ? tokenDirectory?.tokens : nil }
    }

    func setDirectory(_ tokens: [String: CachedToken], revision: Int) {
        lock.withLock { tokenDirectory = DirectoryEntry(revision: revision, tokens: tokens) }
    }

    /// The feed and event states read for `revision`.
    func itemStates(revision: Int) -> [String: FeedItemState]? {
        lock.withLock { itemStates?.revision == revision ? itemStates?.states : nil }
    }

    func setItemStates(_ states: [String: FeedItemState], revision: Int) {
        lock.withLock { itemStates = StatesEntry(revision: revision, states: states) }
    }

    /// Adds states just recorded.
    func mergeItemStates(_ changes: [String: FeedItemState], revision: Int) {
        lock.withLock {
            guard var entry = itemStates, entry.revision == revision else { return }
            entry.states.merge(changes) { _, new in new }
            itemStates = entry
        }
    }

    func get(_ token: String, stamp: String) -> RenderedFeed? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = feeds[token], entry.stamp == stamp else { return nil }
        return entry.feed
    }

    func put(_ token: String, stamp: String, _ feed: RenderedFeed) {
        lock.withLock { feeds[token] = FeedEntry(stamp: stamp, feed: feed) }
    }
}
