import Foundation

/// Rows decoded from their stored JSON, kept by table and id with the text they came from: a page that reads a
/// thousand requests decodes only those whose text changed since it last read them. A row is reused only when its
/// stored text is the same, byte for byte, so whatever another instance wrote is always read afresh.
final class RowCache: @unchecked Sendable {
    // @unchecked: `rows` is only touched under `lock`.
    private let lock = NSLock()
    private struct Entry {
        var text: String
        var value: Any
    }
    private var rows: [String: Entry] = [:]
    /// The most rows kept; past it the cache starts again empty.
    let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The value decoded earlier from exactly `text`, else `decode(text)`, kept for next time.
    func value<T>(table: String, id: String, text: String, decode: (String) throws -> T) rethrows -> T {
        let key = table + "\u{0}" + id
        if let hit = lock.withLock({ rows[key] }), hit.text == text, let value = hit.value as? T { return value }
        let value = try decode(text)
        lock.withLock {
            if rows.count >= capacity { rows.removeAll(keepingCapacity: true) }
            rows[key] = Entry(text: text, value: value)
        }
        return value
    }
}
