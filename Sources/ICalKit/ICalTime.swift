/// A DATE or DATE-TIME value as iCalendar writes it.
public enum ICalTime: Sendable, Hashable {
    /// A local date-time with a `TZID` parameter naming its time zone.
    case zoned(LocalStamp, tzid: String)
    /// A UTC date-time (written with a trailing `Z`).
    case utc(LocalStamp)
    /// A floating date-time: no `Z`, no `TZID`.
    case floating(LocalStamp)
    /// An all-day date (written with `VALUE=DATE`).
    case date(DateStamp)
}
