internal import CLibical

/// The name of an iCalendar property, e.g. `SUMMARY` or `X-WR-CALNAME` (stored upper-cased).
public struct ICalPropertyName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The upper-cased name.
    public let rawValue: String
    /// libical's kind for the name, looked up once (libical's lookup is a linear scan).
    let kindRaw: UInt32

    /// Creates a name; any spelling is accepted, unknown names are rejected when a property is created.
    public init(_ name: String) {
        rawValue = name.uppercased()
        // icalproperty_string_to_kind only reads a constant table: no lock needed.
        kindRaw = icalproperty_string_to_kind(rawValue).rawValue
    }

    /// Creates a name from a literal such as `"SUMMARY"`.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The upper-cased name.
    public var description: String { rawValue }

    var kind: icalproperty_kind { icalproperty_kind(kindRaw) }
    var isExtension: Bool { kind == ICAL_X_PROPERTY }

    /// Equal names have equal text.
    public static func == (lhs: ICalPropertyName, rhs: ICalPropertyName) -> Bool { lhs.rawValue == rhs.rawValue }
    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// `ACTION`
    public static let action: Self = "ACTION"
    /// `CATEGORIES`
    public static let categories: Self = "CATEGORIES"
    /// `DESCRIPTION`
    public static let description: Self = "DESCRIPTION"
    /// `DTEND`
    public static let dtend: Self = "DTEND"
    /// `DTSTAMP`
    public static let dtstamp: Self = "DTSTAMP"
    /// `DTSTART`
    public static let dtstart: Self = "DTSTART"
    /// `DURATION`
    public static let duration: Self = "DURATION"
    /// `EXDATE`
    public static let exdate: Self = "EXDATE"
    /// `LAST-MODIFIED`
    public static let lastModified: Self = "LAST-MODIFIED"
    /// `LOCATION`
    public static let location: Self = "LOCATION"
    /// `NAME` (RFC 7986)
    public static let name: Self = "NAME"
    /// `PRODID`
    public static let prodid: Self = "PRODID"
    /// `RDATE`
    public static let rdate: Self = "RDATE"
    /// `RECURRENCE-ID`
    public static let recurrenceID: Self = "RECURRENCE-ID"
    /// `REFRESH-INTERVAL` (RFC 7986)
    public static let refreshInterval: Self = "REFRESH-INTERVAL"
    /// `RRULE`
    public static let rrule: Self = "RRULE"
    /// `SEQUENCE`
    public static let sequence: Self = "SEQUENCE"
    /// `STATUS`
    public static let status: Self = "STATUS"
    /// `SUMMARY`
    public static let summary: Self = "SUMMARY"
    /// `TRANSP`
    public static let transp: Self = "TRANSP"
    /// `TRIGGER`
    public static let trigger: Self = "TRIGGER"
    /// `TZID`
    public static let tzid: Self = "TZID"
    /// `TZNAME`
    public static let tzname: Self = "TZNAME"
    /// `TZOFFSETFROM`
    public static let tzoffsetfrom: Self = "TZOFFSETFROM"
    /// `TZOFFSETTO`
    public static let tzoffsetto: Self = "TZOFFSETTO"
    /// `UID`
    public static let uid: Self = "UID"
    /// `VERSION`
    public static let version: Self = "VERSION"
}
