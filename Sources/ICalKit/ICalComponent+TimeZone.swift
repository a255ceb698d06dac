internal import CLibical

extension ICalComponent {
    /// The TZID of the time zone of every reviewcal feed and of floating times in imported calendars.
    public static let hoChiMinhTZID = "Asia/Ho_Chi_Minh"

    /// A new VTIMEZONE for `Asia/Ho_Chi_Minh`: one STANDARD rule from 1970 at +07:00.
    ///
    /// Built with libical's component API instead of libical's built-in zone, whose TZID carries the
    /// `/freeassociation.sourceforge.net/` prefix and whose rules go back to 1906 (clients misread both).
    public static func hoChiMinhTimeZone() throws -> ICalComponent {
        let standard = try ICalComponent(kind: .standard)
        try standard.addProperty(.tzoffsetfrom, .utcOffset(seconds: 7 * 3_600))
        try standard.addProperty(.tzoffsetto, .utcOffset(seconds: 7 * 3_600))
        try standard.addProperty(.tzname, .text("+07"))
        try standard.addProperty(.dtstart, .time(.floating(LocalStamp(year: 1970, month: 1, day: 1))))
        let zone = try ICalComponent(kind: .vtimezone)
        try zone.addProperty(.tzid, .text(hoChiMinhTZID))
        try zone.add(standard)
        return zone
    }
}

/// libical time zone objects shared by the whole process.
///
/// `@unchecked Sendable`: the pointers are created once and only ever used with the libical lock held
/// (conversions grow the zone's cached table of offset changes).
final class SharedTimeZones: @unchecked Sendable {
    /// The `Asia/Ho_Chi_Minh` zone built from `ICalComponent.hoChiMinhTimeZone()`; never freed.
    let hoChiMinh: OpaquePointer

    static let shared = SharedTimeZones()

    private init() {
        // The VTIMEZONE is built from constants; failing here means libical cannot allocate at all.
        guard let component = try? ICalComponent.hoChiMinhTimeZone(), let copy = Libical.locked({ icalcomponent_new_clone(component.handle) }),
            let zone = Libical.locked({ icaltimezone_new() })
        else {
            fatalError("libical could not build the Asia/Ho_Chi_Minh time zone")
        }
        Libical.locked { _ = icaltimezone_set_component(zone, copy) }
        hoChiMinh = zone
    }
}
