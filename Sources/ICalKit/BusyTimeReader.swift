internal import CLibical
import Foundation

/// Reads the busy time of a person's own calendar (an .ics export or subscription).
public enum BusyTimeReader {
    /// The most occurrences expanded per recurring event, against runaway rules such as `FREQ=SECONDLY`.
    static let maxOccurrences = 100_000

    /// The busy intervals of `icsText` within `[from, to)`, sorted and merged.
    ///
    /// Every VEVENT counts except `TRANSP:TRANSPARENT` and `STATUS:CANCELLED` ones. RRULE and RDATE are expanded
    /// (with libical's `icalrecur_iterator`) less EXDATE and the occurrences replaced by a RECURRENCE-ID override,
    /// which counts on its own. Times with a TZID use the file's VTIMEZONE or else libical's zone of that name;
    /// UTC times are UTC; floating times and all-day dates are `Asia/Ho_Chi_Minh` (an all-day event is busy from
    /// local midnight to local midnight). DTEND or DURATION gives the length; without either a timed event is
    /// empty and an all-day event lasts one day.
    ///
    /// - Throws: `ICalError.parseFailed` if the text is not iCalendar, `ICalError.unknownTimeZone` for a TZID
    ///   that neither the file nor libical defines.
    public static func busyIntervals(icsText: String, from: Date, to: Date) throws -> [DateInterval] {
        guard from < to else { return [] }
        let root = try ICalComponent.parse(icsText)
        let window = Window(from: from.timeIntervalSince1970, to: to.timeIntervalSince1970)
        let spans = try Libical.locked { try Reader(root: root.handle, window: window).busySpans() }
        return merge(spans, window: window)
    }

    struct Window {
        let from: Double
        let to: Double
    }

    /// Sorts, clips and merges `[start, end)` spans in seconds since 1970.
    static func merge(_ spans: [(start: Double, end: Double)], window: Window) -> [DateInterval] {
        let clipped = spans.map { (max($0.start, window.from), min($0.end, window.to)) }.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        var merged: [(Double, Double)] = []
        for span in clipped {
            if let last = merged.last, span.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, span.1)
            } else {
                merged.append(span)
            }
        }
        return merged.map { DateInterval(start: Date(timeIntervalSince1970: $0.0), end: Date(timeIntervalSince1970: $0.1)) }
    }
}

/// The libical side of `BusyTimeReader`; every method runs with the libical lock held.
private struct Reader {
    let root: OpaquePointer
    let window: BusyTimeReader.Window

    /// How a DATE or DATE-TIME value maps to an instant.
    private enum Basis {
        case date
        case zone(OpaquePointer)
    }

    /// A resolved time: its libical form (with `zone` set) and its instant.
    private struct Instant {
        let time: icaltimetype
        let seconds: Double
        var localDate: DateStamp { DateStamp(year: Int(time.year), month: Int(time.month), day: Int(time.day)) }
    }

    func busySpans() throws -> [(start: Double, end: Double)] {
        let events = collectEvents(root)
        var overridden: [String: Set<Double>] = [:]
        for event in events {
            guard let recurrenceID = property(event, ICAL_RECURRENCEID_PROPERTY) else { continue }
            overridden[uid(event), default: []].insert(try instant(recurrenceID).seconds)
        }
        var spans: [(start: Double, end: Double)] = []
        for event in events where isBusy(event) {
            guard let startProperty = property(event, ICAL_DTSTART_PROPERTY) else { continue }
            let start = try instant(startProperty)
            let length = try duration(event, start: start)
            if property(event, ICAL_RECURRENCEID_PROPERTY) != nil {
                spans.append((start.seconds, start.seconds + length))
                continue
            }
            let skipped = overridden[uid(event)] ?? []
            let excluded = try exclusions(event)
            for occurrence in try occurrences(event, start: start)
            where !skipped.contains(occurrence.seconds) && !excluded.seconds.contains(occurrence.seconds)
                && !excluded.dates.contains(occurrence.localDate)
            {
                spans.append((occurrence.seconds, occurrence.seconds + length))
            }
        }
        return spans
    }

    /// VEVENTs anywhere under the root (a VCALENDAR, several of them, or a lone VEVENT).
    private func collectEvents(_ component: OpaquePointer) -> [OpaquePointer] {
        if icalcomponent_isa(component) == ICAL_VEVENT_COMPONENT {
            return [component]
        }
        var result: [OpaquePointer] = []
        var children: [OpaquePointer] = []
        var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = child {
            children.append(current)
            child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
        }
        for current in children {
            result += collectEvents(current)
        }
        return result
    }

    private func property(_ component: OpaquePointer, _ kind: icalproperty_kind) -> OpaquePointer? {
        icalcomponent_get_first_property(component, kind)
    }

    private func properties(_ component: OpaquePointer, _ kind: icalproperty_kind) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var current = icalcomponent_get_first_property(component, kind)
        while let found = current {
            result.append(found)
            current = icalcomponent_get_next_property(component, kind)
        }
        return result
    }

    private func uid(_ event: OpaquePointer) -> String {
        icalcomponent_get_uid(event).map { String(cString: $0) } ?? ""
    }

    private func isBusy(_ event: OpaquePointer) -> Bool {
        if let status = property(event, ICAL_STATUS_PROPERTY), icalproperty_get_status(status) == ICAL_STATUS_CANCELLED {
            return false
        }
        if let transp = property(event, ICAL_TRANSP_PROPERTY), icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT {
            return false
        }
        return true
    }

    /// The time zone a property's value is in: its TZID (from the file, else libical's built-in zones), UTC, or
    /// `Asia/Ho_Chi_Minh` for floating times; `.date` for DATE values.
    private func basis(_ time: icaltimetype, property: OpaquePointer) throws -> Basis {
        if time.is_date != 0 {
            return .date
        }
        if icaltime_is_utc(time) != 0 {
            return .zone(icaltimezone_get_utc_timezone())
        }
        guard let parameter = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER),
            let tzidPointer = icalparameter_get_tzid(parameter)
        else {
            return .zone(SharedTimeZones.shared.hoChiMinh)
        }
        let tzid = String(cString: tzidPointer)
        var component: OpaquePointer? = icalproperty_get_parent(property)
        while let current = component {
            if let zone = icalcomponent_get_timezone(current, tzid) {
                return .zone(zone)
            }
            component = icalcomponent_get_parent(current)
        }
        if tzid == ICalComponent.hoChiMinhTZID {
            return .zone(SharedTimeZones.shared.hoChiMinh)
        }
        if let zone = icaltimezone_get_builtin_timezone(tzid) ?? icaltimezone_get_builtin_timezone_from_tzid(tzid) {
            return .zone(zone)
        }
        throw ICalError.unknownTimeZone(tzid)
    }

    private func resolve(_ time: icaltimetype, basis: Basis) -> Instant {
        switch basis {
        case .date:
            let day = DateStamp(year: Int(time.year), month: Int(time.month), day: Int(time.day))
            // All-day dates are local days in Asia/Ho_Chi_Minh, a fixed +07:00 zone.
            return Instant(time: time, seconds: Double(day.daysSinceEpoch * 86_400 - 7 * 3_600))
        case .zone(let zone):
            var zoned = time
            zoned.zone = zone
            return Instant(time: zoned, seconds: Double(icaltime_as_timet_with_zone(zoned, zone)))
        }
    }

    /// The first DATE or DATE-TIME of a DTSTART, RECURRENCE-ID, EXDATE or RDATE property.
    private func instant(_ property: OpaquePointer) throws -> Instant {
        guard let time = timeValue(property) else {
            throw ICalError.invalidValue("\(ICalProperty.propertyName(property)) has no date or date-time")
        }
        return resolve(time, basis: try basis(time, property: property))
    }

    private func timeValue(_ property: OpaquePointer) -> icaltimetype? {
        guard let value = icalproperty_get_value(property) else { return nil }
        switch icalvalue_isa(value) {
        case ICAL_DATE_VALUE, ICAL_DATETIME_VALUE:
            return icalvalue_get_datetime(value)
        case ICAL_DATETIMEPERIOD_VALUE:
            let period = icalvalue_get_datetimeperiod(value)
            if icaltime_is_null_time(period.time) == 0 { return period.time }
            return icaltime_is_null_time(period.period.start) == 0 ? period.period.start : nil
        default:
            return nil
        }
    }

    /// The length of each occurrence in seconds.
    private func duration(_ event: OpaquePointer, start: Instant) throws -> Double {
        if let end = property(event, ICAL_DTEND_PROPERTY) {
            return max(0, try instant(end).seconds - start.seconds)
        }
        if let length = property(event, ICAL_DURATION_PROPERTY) {
            return max(0, Double(icaldurationtype_as_int(icalproperty_get_duration(length))))
        }
        return start.time.is_date != 0 ? 86_400 : 0
    }

    /// EXDATE instants, and the local days excluded by date-only EXDATEs.
    private func exclusions(_ event: OpaquePointer) throws -> (seconds: Set<Double>, dates: Set<DateStamp>) {
        var seconds = Set<Double>()
        var dates = Set<DateStamp>()
        for exdate in properties(event, ICAL_EXDATE_PROPERTY) {
            let excluded = try instant(exdate)
            if excluded.time.is_date != 0 {
                dates.insert(excluded.localDate)
            }
            seconds.insert(excluded.seconds)
        }
        return (seconds, dates)
    }

    /// DTSTART, the RRULE occurrences before the window's end, and RDATEs, without duplicates.
    private func occurrences(_ event: OpaquePointer, start: Instant) throws -> [Instant] {
        var result = [start]
        var seen: Set<Double> = [start.seconds]
        let startBasis = try basis(start.time, property: property(event, ICAL_DTSTART_PROPERTY)!)
        for rule in properties(event, ICAL_RRULE_PROPERTY) {
            let recurrence = icalproperty_get_rrule(rule)
            guard recurrence.freq != ICAL_NO_RECURRENCE, let iterator = icalrecur_iterator_new(recurrence, start.time) else { continue }
            defer { icalrecur_iterator_free(iterator) }
            var count = 0
            while count < BusyTimeReader.maxOccurrences {
                let next = icalrecur_iterator_next(iterator)
                guard icaltime_is_null_time(next) == 0 else { break }
                let occurrence = resolve(next, basis: startBasis)
                guard occurrence.seconds < window.to else { break }
                count += 1
                if seen.insert(occurrence.seconds).inserted {
                    result.append(occurrence)
                }
            }
        }
        for rdate in properties(event, ICAL_RDATE_PROPERTY) {
            let occurrence = try instant(rdate)
            if seen.insert(occurrence.seconds).inserted {
                result.append(occurrence)
            }
        }
        return result
    }
}
