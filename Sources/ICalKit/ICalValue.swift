/// The value of a property, in the Swift shape of its iCalendar type.
public enum ICalValue: Sendable, Hashable {
    /// TEXT (and the text of an X- property), unescaped.
    case text(String)
    /// DATE or DATE-TIME, with its time zone form; the TZID and VALUE=DATE parameters follow from it.
    case time(ICalTime)
    /// DURATION (also a relative TRIGGER).
    case duration(ICalDuration)
    /// INTEGER (e.g. SEQUENCE, PRIORITY).
    case integer(Int)
    /// UTC-OFFSET in seconds east of UTC (TZOFFSETFROM, TZOFFSETTO).
    case utcOffset(seconds: Int)
    /// The STATUS value.
    case status(ICalStatus)
    /// Any other value in iCalendar syntax for the property's default type, e.g. `DISPLAY` for ACTION.
    case raw(String)
}
