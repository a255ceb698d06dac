import Foundation

/// Renders a `FeedCalendar` as the bytes of a subscribable iCalendar feed, every byte produced by libical.
///
/// The output follows the feed rules of reviewcal's INTEROP.md: UTF-8 NFC, CRLF, lines of at most 75 octets;
/// one VCALENDAR with VERSION, PRODID and no METHOD; NAME, X-WR-CALNAME, X-WR-TIMEZONE, REFRESH-INTERVAL and
/// X-PUBLISHED-TTL; the `Asia/Ho_Chi_Minh` VTIMEZONE; DTSTAMP and LAST-MODIFIED equal to `lastModified` in UTC.
/// Rendering the same calendar twice gives the same bytes.
public enum FeedRenderer {
    /// The PRODID of every feed.
    public static let productID = "-//reviewcal//reviewcal 1.0//VI"

    /// Renders the calendar.
    ///
    /// - Throws: `ICalError.invalidValue` for a bad UID (or a repeated one), an event ending before it starts,
    ///   a negative alarm or sequence, a bad refresh interval; `ICalError.serializationFailed` if libical fails.
    public static func render(_ calendar: FeedCalendar) throws -> [UInt8] {
        try makeComponent(calendar).serializeBytes()
    }

    /// The calendar as a libical component tree (what `render` serialises).
    public static func makeComponent(_ calendar: FeedCalendar) throws -> ICalComponent {
        let interval = try refreshInterval(calendar.refreshInterval)
        let root = try ICalComponent(kind: .vcalendar)
        try root.addProperty(.version, .text("2.0"))
        try root.addProperty(.prodid, .text(productID))
        try root.addProperty("CALSCALE", .text("GREGORIAN"))
        try root.addProperty(.name, .text(TextCleaner.singleLine(calendar.name)))
        // libical does not escape `,` and `;` in X- properties, and vobject-based clients cut the name there.
        try root.addProperty("X-WR-CALNAME", .text(TextCleaner.singleLine(calendar.name, replacingSeparators: true)))
        try root.addProperty("X-WR-TIMEZONE", .text(ICalComponent.hoChiMinhTZID))
        let refresh = try ICalProperty(.refreshInterval, .duration(interval))
        // RFC 7986 requires the VALUE parameter, and libical does not add it for the default type.
        try refresh.setParameter("VALUE", "DURATION")
        try root.add(refresh)
        try root.addProperty("X-PUBLISHED-TTL", .text(interval.description))
        try root.add(ICalComponent.hoChiMinhTimeZone())

        var seen = Set<String>()
        let ordered = calendar.events.map { ($0.sortStart, $0) }.sorted {
            $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.uid.utf8.lexicographicallyPrecedes($1.1.uid.utf8)
        }
        for (_, event) in ordered {
            guard seen.insert(event.uid).inserted else { throw ICalError.invalidValue("UID \(event.uid) appears twice") }
            try root.add(makeEvent(event))
        }
        return root
    }

    private static func makeEvent(_ event: FeedEvent) throws -> ICalComponent {
        try checkUID(event.uid)
        guard event.sequence >= 0 else { throw ICalError.invalidValue("negative SEQUENCE for \(event.uid)") }
        let stamp = utcStamp(event.lastModified)
        let component = try ICalComponent(kind: .vevent)
        try component.addProperty(.uid, .text(event.uid))
        try component.addProperty(.dtstamp, .time(.utc(stamp)))
        switch event.timing {
        case .local(let start, let end):
            guard start <= end else { throw ICalError.invalidValue("event \(event.uid) ends before it starts") }
            try component.addProperty(.dtstart, .time(.zoned(start, tzid: ICalComponent.hoChiMinhTZID)))
            try component.addProperty(.dtend, .time(.zoned(end, tzid: ICalComponent.hoChiMinhTZID)))
        case .allDay(let first, let lastInclusive):
            guard first <= lastInclusive, lastInclusive.isValid else {
                throw ICalError.invalidValue("all-day event \(event.uid) ends before it starts")
            }
            try component.addProperty(.dtstart, .time(.date(first)))
            try component.addProperty(.dtend, .time(.date(lastInclusive.nextDay)))
        }
        let summary = TextCleaner.singleLine(event.summary)
        try component.addProperty(.summary, .text(summary))
        if let location = event.location.map({ TextCleaner.singleLine($0) }), !location.isEmpty {
            try component.addProperty(.location, .text(location))
        }
        if let description = event.description.map(TextCleaner.multiLine), !description.isEmpty {
            try component.addProperty(.description, .text(description))
        }
        let categories = event.categories.map { TextCleaner.singleLine($0, replacingSeparators: true) }.filter { !$0.isEmpty }
        if !categories.isEmpty {
            // libical writes CATEGORIES unescaped, so commas separate the (comma-free) names.
            try component.addProperty(.categories, .text(categories.joined(separator: ",")))
        }
        try component.addProperty(.status, .status(status(event.status)))
        try component.addProperty(.sequence, .integer(event.sequence))
        try component.addProperty(.lastModified, .time(.utc(stamp)))
        if let minutes = event.alarmMinutesBefore {
            guard minutes >= 0 else { throw ICalError.invalidValue("negative alarm for \(event.uid)") }
            let alarm = try ICalComponent(kind: .valarm)
            try alarm.addProperty(.action, .raw("DISPLAY"))
            try alarm.addProperty(.description, .text(summary))
            try alarm.addProperty(.trigger, .duration(ICalDuration(isNegative: minutes > 0, minutes: minutes)))
            try component.add(alarm)
        }
        return component
    }

    private static func status(_ status: FeedEvent.Status) -> ICalStatus {
        switch status {
        case .confirmed: .confirmed
        case .tentative: .tentative
        case .cancelled: .cancelled
        }
    }

    /// UIDs are written as they are, so they must need no escaping and stay short (INTEROP.md point 5).
    private static func checkUID(_ uid: String) throws {
        let allowed = uid.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") }
        guard !uid.isEmpty, allowed, uid.utf8.count <= 68 else {
            throw ICalError.invalidValue("UID '\(uid)' must be 1–68 printable ASCII characters without \\ ; ,")
        }
    }

    private static func refreshInterval(_ text: String) throws -> ICalDuration {
        let duration = try ICalDuration(parsing: text)
        guard duration.totalSeconds > 0 else { throw ICalError.invalidValue("refresh interval '\(text)'") }
        return duration
    }

    /// The UTC wall-clock stamp of `date`, truncated to whole seconds.
    static func utcStamp(_ date: Date) -> LocalStamp {
        LocalStamp(utcSecondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down)))
    }
}
