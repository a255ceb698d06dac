import Mustache

/// A page's view model read once for the template: each struct becomes a box of its properties by name, so that
/// swift-mustache finds a name in a dictionary instead of reflecting the struct again at every `{{name}}`
/// (reflection per lookup made a 500-row week board take a quarter of a second).
final class RenderBox: MustacheParent {
    private let values: [String: Any]

    private init(_ values: [String: Any]) {
        self.values = values
    }

    func child(named name: String) -> Any? { values[name] }

    /// `value` with every struct inside it boxed, every optional unwrapped (nil where absent).
    static func box(_ value: Any) -> Any? {
        switch value {
        case is String, is Int, is Bool, is Double:
            return value
        case let listed as TemplateFields:
            var values: [String: Any] = [:]
            for (name, field) in listed.templateFields { if let boxed = box(field) { values[name] = boxed } }
            return RenderBox(values)
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { box($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { box($0.value) }
        case .struct, .class, .tuple:
            var values: [String: Any] = [:]
            values.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                if let label = child.label, let boxed = box(child.value) { values[label] = boxed }
            }
            return RenderBox(values)
        default:
            return value
        }
    }
}

/// A view model that lists its own fields for ``RenderBox``: for the rows a page has hundreds of, where reflecting
/// each one showed in profiles. The list must name every stored property (a test compares it with reflection).
protocol TemplateFields {
    /// Every stored property by name.
    var templateFields: [String: Any] { get }
}

/// HTML escaping for every `{{name}}` of the office's templates, registered in place of swift-mustache's own: the
/// same five characters, found by scanning UTF-8 bytes, and text without them returned as it is.
struct FastHTMLEscape: MustacheContentType {
    func escapeText(_ text: String) -> String {
        let utf8 = text.utf8
        let needs = utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 } }
            ?? utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard needs else { return text }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
