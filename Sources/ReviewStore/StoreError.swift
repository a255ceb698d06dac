/// Errors of the storage layer.
public enum StoreError: Error, CustomStringConvertible {
    /// The database could not be opened or created.
    case cannotOpen(String, underlying: String)
    /// The database was written by a newer reviewcal (its schema version is higher than this program knows).
    case newerSchema(found: Int, known: Int)
    /// A stored row could not be read back.
    case corruptRow(table: String, id: String)
    /// A unique rule was broken (duplicate id or key).
    case conflict(String)
    /// The storage URL is not understood.
    case unsupportedURL(String)
    /// Concurrent writes kept making this one fail; nothing of it was stored, and it may be sent again.
    case busy

    public var description: String {
        switch self {
        case .cannotOpen(let path, let underlying): "không mở được cơ sở dữ liệu \(path): \(underlying)"
        case .newerSchema(let found, let known): "cơ sở dữ liệu có lược đồ phiên bản \(found), chương trình này chỉ biết đến \(known): hãy cập nhật reviewcal"
        case .corruptRow(let table, let id): "dòng \(id) của bảng \(table) không đọc được"
        case .conflict(let what): "trùng lặp: \(what)"
        case .unsupportedURL(let url): "không hiểu địa chỉ lưu trữ '\(url)' (dùng đường dẫn tệp SQLite hoặc postgres://…)"
        case .busy: "cơ sở dữ liệu đang bận, chưa lưu được; gửi lại sau giây lát"
        }
    }
}
