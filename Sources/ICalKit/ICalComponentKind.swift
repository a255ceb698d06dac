internal import CLibical

/// The kind of an iCalendar component, e.g. `VEVENT` (stored upper-cased).
public struct ICalComponentKind: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The upper-cased name.
    public let rawValue: String
    /// libical's kind for the name, looked up once.
    let kindRaw: UInt32

    /// Creates a kind from its name; unknown names are rejected when a component is created.
    public init(_ name: String) {
        rawValue = name.uppercased()
        // icalcomponent_string_to_kind only reads a constant table: no lock needed.
        kindRaw = icalcomponent_string_to_kind(rawValue).rawValue
    }

    /// Creates a kind from a literal such as `"VEVENT"`.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    init(kind: icalcomponent_kind) {
        kindRaw = kind.rawValue
        rawValue = icalcomponent_kind_to_string(kind).map { String(cString: $0) } ?? "X"
    }

    /// The upper-cased name.
    public var description: String { rawValue }

    var kind: icalcomponent_kind { icalcomponent_kind(kindRaw) }

    /// Equal kinds have equal names.
    public static func == (lhs: ICalComponentKind, rhs: ICalComponentKind) -> Bool { lhs.rawValue == rhs.rawValue }
    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// `VCALENDAR`
    public static let vcalendar: Self = "VCALENDAR"
    /// `VEVENT`
    public static let vevent: Self = "VEVENT"
    /// `VTODO`
    public static let vtodo: Self = "VTODO"
    /// `VALARM`
    public static let valarm: Self = "VALARM"
    /// `VTIMEZONE`
    public static let vtimezone: Self = "VTIMEZONE"
    /// `STANDARD` (inside VTIMEZONE)
    public static let standard: Self = "STANDARD"
    /// `DAYLIGHT` (inside VTIMEZONE)
    public static let daylight: Self = "DAYLIGHT"
}
