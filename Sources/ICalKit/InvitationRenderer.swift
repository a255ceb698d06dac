internal import CLibical
import Foundation

/// Renders one event as an iTIP message (RFC 5546) for e-mail (iMIP, RFC 6047): a VCALENDAR with `METHOD:REQUEST` (an
/// invitation or its update) or `METHOD:CANCEL`, the event exactly as the feeds show it (same UID, SEQUENCE, times in
/// `Asia/Ho_Chi_Minh`), the District Office as ORGANIZER and the recipient as ATTENDEE. Every byte comes from libical.
public enum InvitationRenderer {
    /// The iTIP method.
    public enum Method: String, Sendable, Equatable {
        /// A new or changed event.
        case request = "REQUEST"
        /// A cancelled event, or one the recipient no longer attends.
        case cancel = "CANCEL"
    }

    /// A calendar user: a name and an e-mail address.
    public struct Person: Sendable, Equatable {
        /// The common name (CN).
        public var name: String
        /// The address, without `mailto:`.
        public var email: String
        /// Creates a person.
        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }

    /// The iCalendar bytes of `event` sent with `method` from `organizer` to `attendee`. Attendance is assigned, not
    /// asked: the attendee is `RSVP=FALSE`, `PARTSTAT=ACCEPTED`. A cancellation also carries `STATUS:CANCELLED`.
    public static func render(_ event: FeedEvent, method: Method, organizer: Person, attendee: Person) throws -> [UInt8] {
        var event = event
        if method == .cancel {
            event.status = .cancelled
            event.alarmMinutesBefore = nil
        }
        let root = try ICalComponent(kind: .vcalendar)
        let zone = try ICalComponent.hoChiMinhTimeZone()
        return try Libical.locked {
            let handle = root.handle
            try FeedRenderer.add(.version, .text("2.0"), to: handle)
            try FeedRenderer.add(.prodid, .text(FeedRenderer.productID), to: handle)
            try FeedRenderer.add("CALSCALE", .text("GREGORIAN"), to: handle)
            guard let methodProperty = icalproperty_new_method(method == .request ? ICAL_METHOD_REQUEST : ICAL_METHOD_CANCEL) else {
                throw ICalError.creationFailed("METHOD")
            }
            icalcomponent_add_property(handle, methodProperty)
            try root.add(zone)
            guard let child = icalcomponent_new(ICAL_VEVENT_COMPONENT) else { throw ICalError.creationFailed("VEVENT") }
            icalcomponent_add_component(handle, child)
            try FeedRenderer.fill(child, with: event)
            try addPerson(organizer, organizer: true, to: child)
            try addPerson(attendee, organizer: false, to: child)
            let whole = try FeedRenderer.serialized(handle)
            defer { free(whole.text) }
            return try LineFolder.refold(whole.bytes)
        }
    }

    /// Adds ORGANIZER or ATTENDEE with its CN (and, for the attendee, its role and state). Call with the lock held.
    private static func addPerson(_ person: Person, organizer: Bool, to component: OpaquePointer) throws {
        guard Text.isPlainAddress(person.email) else { throw ICalError.invalidValue("address '\(person.email)'") }
        let address = "mailto:" + person.email
        guard let property = organizer ? icalproperty_new_organizer(address) : icalproperty_new_attendee(address) else {
            throw ICalError.creationFailed(organizer ? "ORGANIZER" : "ATTENDEE")
        }
        let name = String(decoding: TextCleaner.singleLineBytes(person.name, replacingSeparators: true), as: UTF8.self)
            .replacingOccurrences(of: "\"", with: "'")
        if !name.isEmpty { icalproperty_add_parameter(property, icalparameter_new_cn(name)) }
        if !organizer {
            icalproperty_add_parameter(property, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL))
            icalproperty_add_parameter(property, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT))
            icalproperty_add_parameter(property, icalparameter_new_partstat(ICAL_PARTSTAT_ACCEPTED))
            icalproperty_add_parameter(property, icalparameter_new_rsvp(ICAL_RSVP_FALSE))
        }
        icalcomponent_add_property(component, property)
    }

    private enum Text {
        /// Printable ASCII without spaces, quotes, angle brackets or separators: safe inside a `mailto:` URI as it is.
        static func isPlainAddress(_ s: String) -> Bool {
            !s.isEmpty && s.utf8.count <= 254 && s.utf8.allSatisfy { (0x21...0x7E).contains($0) && !"\"<>\\;,:()[] ".utf8.contains($0) }
        }
    }
}
