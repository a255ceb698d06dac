internal import CLibical
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
    ///
    /// The bytes are those of ``makeComponent(_:)`` serialised whole, but each event is built, serialised by libical
    /// and freed in turn, and spliced into the calendar's own serialisation before its `END:VCALENDAR`: the heap stays
    /// small and warm, and no buffer of the whole feed is grown inside libical (measured: a third less time for 1,000
    /// events, most of it glibc consolidating freed blocks; docs/benchmarks.md).
    public static func render(_ calendar: FeedCalendar) throws -> [UInt8] {
        let interval = try refreshInterval(calendar.refreshInterval)
        let events = try orderedEvents(calendar.events)
        let shell = try makeShell(calendar, interval: interval)
        return try Libical.locked {
            let head = try serialized(shell.handle)
            defer { free(head.text) }
            let ending = Array("END:VCALENDAR\r\n".utf8)
            guard head.count >= ending.count, Array(head.bytes.suffix(ending.count)) == ending else {
                throw ICalError.serializationFailed("the calendar does not end with END:VCALENDAR")
            }
            var output: [UInt8] = []
            output.reserveCapacity(head.count + events.count * 900)
            try LineFolder.refold(UnsafeBufferPointer(rebasing: head.bytes.dropLast(ending.count)), into: &output)
            for event in events {
                guard let child = icalcomponent_new(ICAL_VEVENT_COMPONENT) else { throw ICalError.creationFailed("VEVENT") }
                defer { icalcomponent_free(child) }
                try fill(child, with: event)
                let piece = try serialized(child)
                defer { free(piece.text) }
                try LineFolder.refold(piece.bytes, into: &output)
            }
            output.append(contentsOf: ending)
            return output
        }
    }

    /// libical's serialisation of a component (`free` its `text`). Call with the lock held.
    static func serialized(_ component: OpaquePointer) throws -> (text: UnsafeMutablePointer<CChar>, bytes: UnsafeBufferPointer<UInt8>, count: Int) {
        guard let text = icalcomponent_as_ical_string_r(component) else { throw ICalError.serializationFailed("libical returned no text") }
        let count = strlen(text)
        let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
        return (text, UnsafeBufferPointer(start: bytes, count: count), count)
    }

    /// The calendar as one libical component tree; ``render(_:)`` gives the bytes of its serialisation.
    public static func makeComponent(_ calendar: FeedCalendar) throws -> ICalComponent {
        let interval = try refreshInterval(calendar.refreshInterval)
        let events = try orderedEvents(calendar.events)
        let root = try makeShell(calendar, interval: interval)
        // One lock for the whole build; the tree is reachable only from `root`, which frees it on any error.
        try Libical.locked {
            for event in events {
                guard let child = icalcomponent_new(ICAL_VEVENT_COMPONENT) else { throw ICalError.creationFailed("VEVENT") }
                icalcomponent_add_component(root.handle, child)
                try fill(child, with: event)
            }
        }
        return root
    }

    /// The VCALENDAR with its own properties and the time zone, without events.
    private static func makeShell(_ calendar: FeedCalendar, interval: ICalDuration) throws -> ICalComponent {
        let root = try ICalComponent(kind: .vcalendar)
        let zone = try ICalComponent.hoChiMinhTimeZone()
        try Libical.locked {
            let handle = root.handle
            try add(.version, .text("2.0"), to: handle)
            try add(.prodid, .text(productID), to: handle)
            try add("CALSCALE", .text("GREGORIAN"), to: handle)
            try addText(.name, TextCleaner.singleLineBytes(calendar.name), to: handle)
            // libical does not escape `,` and `;` in X- properties, and vobject-based clients cut the name there.
            try addText("X-WR-CALNAME", TextCleaner.singleLineBytes(calendar.name, replacingSeparators: true), to: handle)
            try add("X-WR-TIMEZONE", .text(ICalComponent.hoChiMinhTZID), to: handle)
            let refresh = try ICalProperty.makeHandle(.refreshInterval, .duration(interval))
            // RFC 7986 requires the VALUE parameter, and libical does not add it for the property's default type.
            icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION))
            icalcomponent_add_property(handle, refresh)
            try add("X-PUBLISHED-TTL", .text(interval.description), to: handle)
            try root.add(zone)
        }
        return root
    }

    /// The events by start, then UID; rejects repeated UIDs.
    private static func orderedEvents(_ events: [FeedEvent]) throws -> [FeedEvent] {
        let starts = events.map(\.sortStart)
        let order = events.indices.sorted {
            starts[$0] != starts[$1] ? starts[$0] < starts[$1] : events[$0].uid.utf8.lexicographicallyPrecedes(events[$1].uid.utf8)
        }
        var seen = Set<String>(minimumCapacity: events.count)
        for index in order {
            guard seen.insert(events[index].uid).inserted else { throw ICalError.invalidValue("UID \(events[index].uid) appears twice") }
        }
        return order.map { events[$0] }
    }

    /// Adds the properties (and alarm) of `event` to a VEVENT. Call with the lock held.
    static func fill(_ component: OpaquePointer, with event: FeedEvent) throws {
        try checkUID(event.uid)
        guard event.sequence >= 0 else { throw ICalError.invalidValue("negative SEQUENCE for \(event.uid)") }
        let stamp = utcStamp(event.lastModified)
        try add(.uid, .text(event.uid), to: component)
        try add(.dtstamp, .time(.utc(stamp)), to: component)
        switch event.timing {
        case .local(let start, let end):
            guard start <= end else { throw ICalError.invalidValue("event \(event.uid) ends before it starts") }
            try add(.dtstart, .time(.zoned(start, tzid: ICalComponent.hoChiMinhTZID)), to: component)
            try add(.dtend, .time(.zoned(end, tzid: ICalComponent.hoChiMinhTZID)), to: component)
        case .allDay(let first, let lastInclusive):
            guard first <= lastInclusive, lastInclusive.isValid else {
                throw ICalError.invalidValue("all-day event \(event.uid) ends before it starts")
            }
            try add(.dtstart, .time(.date(first)), to: component)
            try add(.dtend, .time(.date(lastInclusive.nextDay)), to: component)
        }
        let summary = TextCleaner.singleLineBytes(event.summary)
        try addText(.summary, summary, to: component)
        if let location = event.location.map({ TextCleaner.singleLineBytes($0) }), !location.isEmpty {
            try addText(.location, location, to: component)
        }
        if let description = event.description.map({ TextCleaner.multiLineBytes($0) }), !description.isEmpty {
            try addText(.description, description, to: component)
        }
        let categories = event.categories.map { TextCleaner.singleLineBytes($0, replacingSeparators: true) }.filter { !$0.isEmpty }
        if !categories.isEmpty {
            // libical writes CATEGORIES unescaped, so commas separate the (comma-free) names.
            try addText(.categories, Array(categories.joined(separator: [UInt8(ascii: ",")])), to: component)
        }
        try add(.status, .status(status(event.status)), to: component)
        try add(.sequence, .integer(event.sequence), to: component)
        try add(.lastModified, .time(.utc(stamp)), to: component)
        if let minutes = event.alarmMinutesBefore {
            guard minutes >= 0 else { throw ICalError.invalidValue("negative alarm for \(event.uid)") }
            guard let alarm = icalcomponent_new(ICAL_VALARM_COMPONENT) else { throw ICalError.creationFailed("VALARM") }
            icalcomponent_add_component(component, alarm)
            try add(.action, .raw("DISPLAY"), to: alarm)
            try addText(.description, summary, to: alarm)
            try add(.trigger, .duration(ICalDuration(isNegative: minutes > 0, minutes: minutes)), to: alarm)
        }
    }

    /// Adds a property to a libical component. Call with the lock held.
    static func add(_ name: ICalPropertyName, _ value: ICalValue, to component: OpaquePointer) throws {
        icalcomponent_add_property(component, try ICalProperty.makeHandle(name, value))
    }

    /// Adds a TEXT (or X-) property from cleaned UTF-8 bytes, without a detour through `String`. Call with the lock held.
    static func addText(_ name: ICalPropertyName, _ bytes: [UInt8], to component: OpaquePointer) throws {
        guard let property = icalproperty_new(name.kind) else { throw ICalError.creationFailed("property \(name)") }
        if name.isExtension {
            icalproperty_set_x_name(property, name.rawValue)
        }
        var terminated = bytes
        terminated.append(0)
        let value = terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                name.isExtension ? icalvalue_new_x(text.baseAddress) : icalvalue_new_text(text.baseAddress)
            }
        }
        guard let value else {
            icalproperty_free(property)
            throw ICalError.creationFailed("value for \(name)")
        }
        icalproperty_set_value(property, value)
        icalcomponent_add_property(component, property)
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
        let allowed = uid.utf8.allSatisfy {
            (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",")
        }
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
