internal import CLibical
import Foundation

/// An iCalendar property (name, parameters, value), owning or borrowing a libical `icalproperty`.
///
/// A property created with `init(_:_:)` owns its libical object until it is added to a component; from then
/// on it borrows it and keeps that component alive. Removing it from the component makes it the owner again.
/// Not `Sendable`: like a component, a property belongs to one task at a time.
public final class ICalProperty {
    /// The libical property; freed in `deinit` when `parent` is `nil`.
    let handle: OpaquePointer
    /// The component holding `handle`, or `nil` when this wrapper owns it.
    var parent: ICalComponent?

    init(handle: OpaquePointer, parent: ICalComponent?) {
        self.handle = handle
        self.parent = parent
    }

    /// Creates a property with the given name and value.
    ///
    /// - Throws: `ICalError.unknownName` for a name libical does not know (X- names are always accepted),
    ///   `ICalError.invalidValue` when the value does not fit the property.
    public convenience init(_ name: ICalPropertyName, _ value: ICalValue) throws {
        let handle = try Libical.locked { try ICalProperty.makeHandle(name, value) }
        self.init(handle: handle, parent: nil)
    }

    deinit {
        if parent == nil {
            Libical.locked { icalproperty_free(handle) }
        }
    }

    /// The property's name, upper-cased (the X- name for extension properties).
    public var name: String {
        Libical.locked { Libical.takeString(icalproperty_get_property_name_r(handle)) ?? "" }
    }

    /// The property's value, or `nil` if it has none.
    public var value: ICalValue? {
        Libical.locked { ICalProperty.readValue(handle) }
    }

    /// Replaces the value (and the TZID parameter, for a date-time).
    ///
    /// - Throws: `ICalError.invalidValue` when the value does not fit the property.
    public func setValue(_ value: ICalValue) throws {
        try Libical.locked { try ICalProperty.store(value, in: handle) }
    }

    /// The value of the named parameter (e.g. `TZID`, `VALUE`), unquoted, or `nil`.
    public func parameter(_ name: String) -> String? {
        Libical.locked { Libical.takeString(icalproperty_get_parameter_as_string_r(handle, name.uppercased())) }
    }

    /// Sets the named parameter, replacing a previous one of the same name.
    ///
    /// - Throws: `ICalError.unknownName` or `ICalError.invalidValue` when libical rejects the name or value.
    public func setParameter(_ name: String, _ value: String) throws {
        let upper = name.uppercased()
        try Libical.locked {
            // Unknown names are IANA parameters or errors, depending on a libical-wide setting.
            guard icalparameter_string_to_kind(upper) != ICAL_NO_PARAMETER else { throw ICalError.unknownName(name) }
            Libical.clearError()
            icalproperty_set_parameter_from_string(handle, upper, value)
            if let error = Libical.lastError() {
                Libical.clearError()
                throw ICalError.invalidValue("\(upper)=\(value): \(error)")
            }
        }
    }

    /// Removes every parameter with this name (nothing happens if there is none).
    public func removeParameter(_ name: String) {
        Libical.locked { icalproperty_remove_parameter_by_name(handle, name.uppercased()) }
    }

    /// All parameters in order, as name and unquoted value.
    public var parameters: [(name: String, value: String)] {
        Libical.locked {
            var result: [(name: String, value: String)] = []
            var parameter = icalproperty_get_first_parameter(handle, ICAL_ANY_PARAMETER)
            while let current = parameter {
                if let text = Libical.takeString(icalparameter_as_ical_string_r(current)), let equals = text.firstIndex(of: "=") {
                    var value = String(text[text.index(after: equals)...])
                    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                        value = String(value.dropFirst().dropLast())
                    }
                    result.append((String(text[..<equals]), value))
                }
                parameter = icalproperty_get_next_parameter(handle, ICAL_ANY_PARAMETER)
            }
            return result
        }
    }
}

// MARK: - libical value conversion (call with the lock held)

extension ICalProperty {
    /// A new, parentless libical property; the caller owns it.
    static func makeHandle(_ name: ICalPropertyName, _ value: ICalValue) throws -> OpaquePointer {
        guard name.kind != ICAL_NO_PROPERTY else { throw ICalError.unknownName(name.rawValue) }
        guard let handle = icalproperty_new(name.kind) else { throw ICalError.creationFailed("property \(name)") }
        if name.isExtension {
            icalproperty_set_x_name(handle, name.rawValue)
        }
        do {
            try store(value, in: handle)
        } catch {
            icalproperty_free(handle)
            throw error
        }
        return handle
    }

    /// Sets `value` on `handle`, adjusting the TZID parameter for date-times.
    static func store(_ value: ICalValue, in handle: OpaquePointer) throws {
        let kind = icalproperty_isa(handle)
        let expected = icalproperty_kind_to_value_kind(kind)
        var newValue: OpaquePointer?
        switch value {
        case .text(let text):
            if kind == ICAL_X_PROPERTY {
                newValue = icalvalue_new_x(text)
            } else if expected == ICAL_TEXT_VALUE {
                newValue = icalvalue_new_text(text)
            } else {
                throw ICalError.invalidValue("\(propertyName(handle)) does not take TEXT")
            }
        case .time(let time):
            newValue = try makeTimeValue(time, kind: kind)
            icalproperty_remove_parameter_by_kind(handle, ICAL_TZID_PARAMETER)
            if case .zoned(_, let tzid) = time {
                guard !tzid.isEmpty, let parameter = icalparameter_new_tzid(tzid) else {
                    icalvalue_free(newValue)
                    throw ICalError.invalidValue("empty TZID")
                }
                icalproperty_add_parameter(handle, parameter)
            }
        case .duration(let duration):
            guard let native = icalDuration(duration) else { throw ICalError.invalidValue("duration \(duration) out of range") }
            if kind == ICAL_TRIGGER_PROPERTY {
                newValue = icalvalue_new_trigger(icaltriggertype(time: icaltime_null_time(), duration: native))
            } else {
                newValue = icalvalue_new_duration(native)
            }
        case .integer(let number):
            guard let small = Int32(exactly: number) else { throw ICalError.invalidValue("integer \(number) out of range") }
            newValue = icalvalue_new_integer(small)
        case .utcOffset(let seconds):
            guard abs(seconds) < 86_400 else { throw ICalError.invalidValue("UTC offset \(seconds) s out of range") }
            newValue = icalvalue_new_utcoffset(Int32(seconds))
        case .status(let status):
            newValue = icalvalue_new_status(icalproperty_string_to_status(status.rawValue))
        case .raw(let text):
            Libical.clearError()
            newValue = icalvalue_new_from_string(expected, text)
            if Libical.lastError() != nil {
                Libical.clearError()
                if let bad = newValue { icalvalue_free(bad) }
                newValue = nil
            }
            guard newValue != nil else { throw ICalError.invalidValue("'\(text)' for \(propertyName(handle))") }
        }
        guard let newValue else { throw ICalError.creationFailed("value for \(propertyName(handle))") }
        icalproperty_set_value(handle, newValue)
    }

    private static func makeTimeValue(_ time: ICalTime, kind: icalproperty_kind) throws -> OpaquePointer? {
        var native = icaltime_null_time()
        switch time {
        case .date(let day):
            guard day.isValid else { throw ICalError.invalidValue("date \(day)") }
            native = icaltime_null_date()
            (native.year, native.month, native.day) = (Int32(day.year), Int32(day.month), Int32(day.day))
            return icalvalue_new_date(native)
        case .zoned(let stamp, _), .floating(let stamp), .utc(let stamp):
            guard stamp.isValid else { throw ICalError.invalidValue("date-time \(stamp)") }
            (native.year, native.month, native.day) = (Int32(stamp.year), Int32(stamp.month), Int32(stamp.day))
            (native.hour, native.minute, native.second) = (Int32(stamp.hour), Int32(stamp.minute), Int32(stamp.second))
            if case .utc = time {
                native.zone = icaltimezone_get_utc_timezone()
            }
            if kind == ICAL_TRIGGER_PROPERTY {
                guard case .utc = time else { throw ICalError.invalidValue("an absolute TRIGGER must be UTC") }
                return icalvalue_new_trigger(icaltriggertype(time: native, duration: icaldurationtype_null_duration()))
            }
            return icalvalue_new_datetime(native)
        }
    }

    static func icalDuration(_ duration: ICalDuration) -> icaldurationtype? {
        let fields = [duration.weeks, duration.days, duration.hours, duration.minutes, duration.seconds]
        guard fields.allSatisfy({ (0...1_000_000).contains($0) }) else { return nil }
        return icaldurationtype(
            is_neg: duration.isNegative ? 1 : 0,
            days: UInt32(duration.days),
            weeks: UInt32(duration.weeks),
            hours: UInt32(duration.hours),
            minutes: UInt32(duration.minutes),
            seconds: UInt32(duration.seconds)
        )
    }

    static func swiftDuration(_ native: icaldurationtype) -> ICalDuration {
        ICalDuration(
            isNegative: native.is_neg != 0,
            weeks: Int(native.weeks),
            days: Int(native.days),
            hours: Int(native.hours),
            minutes: Int(native.minutes),
            seconds: Int(native.seconds)
        )
    }

    /// The Swift value of a libical property, or `nil` if it has none.
    static func readValue(_ handle: OpaquePointer) -> ICalValue? {
        guard let value = icalproperty_get_value(handle) else { return nil }
        switch icalvalue_isa(value) {
        case ICAL_TEXT_VALUE:
            return .text(icalvalue_get_text(value).map { String(cString: $0) } ?? "")
        case ICAL_X_VALUE:
            return .text(icalvalue_get_x(value).map { String(cString: $0) } ?? "")
        case ICAL_DATE_VALUE, ICAL_DATETIME_VALUE:
            return .time(swiftTime(icalvalue_get_datetime(value), property: handle))
        case ICAL_DATETIMEPERIOD_VALUE:
            let period = icalvalue_get_datetimeperiod(value)
            guard icaltime_is_null_time(period.time) == 0 else { break }
            return .time(swiftTime(period.time, property: handle))
        case ICAL_DURATION_VALUE:
            return .duration(swiftDuration(icalvalue_get_duration(value)))
        case ICAL_TRIGGER_VALUE:
            let trigger = icalvalue_get_trigger(value)
            if icaltime_is_null_time(trigger.time) != 0 {
                return .duration(swiftDuration(trigger.duration))
            }
            return .time(swiftTime(trigger.time, property: handle))
        case ICAL_INTEGER_VALUE:
            return .integer(Int(icalvalue_get_integer(value)))
        case ICAL_UTCOFFSET_VALUE:
            return .utcOffset(seconds: Int(icalvalue_get_utcoffset(value)))
        case ICAL_STATUS_VALUE:
            let text = icalproperty_status_to_string(icalvalue_get_status(value)).map { String(cString: $0) } ?? ""
            if let status = ICalStatus(rawValue: text) { return .status(status) }
            return .raw(text)
        default:
            break
        }
        return Libical.takeString(icalvalue_as_ical_string_r(value)).map { .raw($0) }
    }

    static func swiftTime(_ time: icaltimetype, property: OpaquePointer) -> ICalTime {
        if time.is_date != 0 {
            return .date(DateStamp(year: Int(time.year), month: Int(time.month), day: Int(time.day)))
        }
        let stamp = LocalStamp(
            year: Int(time.year),
            month: Int(time.month),
            day: Int(time.day),
            hour: Int(time.hour),
            minute: Int(time.minute),
            second: Int(time.second)
        )
        if icaltime_is_utc(time) != 0 {
            return .utc(stamp)
        }
        if let tzid = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER).flatMap({ icalparameter_get_tzid($0) }) {
            return .zoned(stamp, tzid: String(cString: tzid))
        }
        return .floating(stamp)
    }

    static func propertyName(_ handle: OpaquePointer) -> String {
        Libical.takeString(icalproperty_get_property_name_r(handle)) ?? "property"
    }
}
