import Foundation
import ICalKit
import Testing

@Suite struct ICalComponentTests {
    @Test func buildsAndReadsProperties() throws {
        let event = try ICalComponent(kind: .vevent)
        try event.addProperty(.uid, .text("x-1"))
        try event.addProperty(.summary, .text("Họp; tổ, 1"))
        try event.addProperty(.dtstart, .time(.zoned(LocalStamp(year: 2025, month: 6, day: 1, hour: 9), tzid: "Asia/Ho_Chi_Minh")))
        try event.addProperty(.dtend, .time(.utc(LocalStamp(year: 2025, month: 6, day: 1, hour: 3))))
        try event.addProperty(.duration, .duration(ICalDuration(hours: 1, minutes: 30)))
        try event.addProperty(.sequence, .integer(4))
        try event.addProperty(.status, .status(.tentative))
        try event.addProperty(.categories, .text("A,B"))
        try event.addProperty("X-REVIEWCAL-TEAM", .text("T1"))
        try event.addProperty(.transp, .raw("TRANSPARENT"))
        #expect(event.kind == .vevent)
        #expect(event.value(of: .summary) == .text("Họp; tổ, 1"))
        #expect(event.value(of: .dtstart) == .time(.zoned(LocalStamp(year: 2025, month: 6, day: 1, hour: 9), tzid: "Asia/Ho_Chi_Minh")))
        #expect(event.value(of: .dtend) == .time(.utc(LocalStamp(year: 2025, month: 6, day: 1, hour: 3))))
        #expect(event.value(of: .duration) == .duration(ICalDuration(hours: 1, minutes: 30)))
        #expect(event.value(of: .sequence) == .integer(4))
        #expect(event.value(of: .status) == .status(.tentative))
        #expect(event.value(of: "X-REVIEWCAL-TEAM") == .text("T1"))
        #expect(event.value(of: .transp) == .raw("TRANSPARENT"))
        #expect(event.properties.count == 10)
        let text = try event.serialize()
        #expect(text.contains("SUMMARY:Họp\\; tổ\\, 1\r\n"))
        #expect(text.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20250601T090000\r\n"))
        #expect(text.contains("DTEND:20250601T030000Z\r\n"))
        #expect(text.contains("DURATION:PT1H30M\r\n"))
        #expect(text.contains("X-REVIEWCAL-TEAM:T1\r\n"))
    }

    @Test func allDayDateGetsValueDate() throws {
        let property = try ICalProperty(.dtstart, .time(.date(DateStamp(year: 2025, month: 12, day: 31))))
        let event = try ICalComponent(kind: .vevent)
        try event.add(property)
        #expect(try event.serialize().contains("\r\nDTSTART;VALUE=DATE:20251231\r\n"))
        #expect(property.value == .time(.date(DateStamp(year: 2025, month: 12, day: 31))))
        try property.setValue(.time(.zoned(LocalStamp(year: 2025, month: 1, day: 1, hour: 8), tzid: "Asia/Ho_Chi_Minh")))
        #expect(property.parameter("TZID") == "Asia/Ho_Chi_Minh")
        #expect(property.parameter("VALUE") == nil)
        try property.setValue(.time(.floating(LocalStamp(year: 2025, month: 1, day: 1, hour: 8))))
        #expect(property.parameter("TZID") == nil)
    }

    @Test func parameters() throws {
        let property = try ICalProperty(.summary, .text("x"))
        try property.setParameter("LANGUAGE", "vi")
        try property.setParameter("X-FOO", "bar")
        #expect(property.parameter("language") == "vi")
        #expect(property.parameters.map(\.name) == ["LANGUAGE", "X-FOO"])
        #expect(property.parameters.map(\.value) == ["vi", "bar"])
        property.removeParameter("LANGUAGE")
        #expect(property.parameter("LANGUAGE") == nil)
        #expect(throws: ICalError.self) { try property.setParameter("NOT-A-PARAM", "1") }
    }

    @Test func rejectsBadValuesAndNames() throws {
        #expect(throws: ICalError.unknownName("NOPE")) { try ICalProperty("NOPE", .text("x")) }
        #expect(throws: ICalError.self) { try ICalProperty(.dtstart, .text("x")) }
        #expect(throws: ICalError.self) { try ICalProperty(.dtstart, .time(.date(DateStamp(year: 2025, month: 2, day: 29)))) }
        #expect(throws: ICalError.self) { try ICalProperty(.sequence, .integer(Int(Int32.max) + 1)) }
        #expect(throws: ICalError.self) { try ICalProperty(.dtstart, .raw("not-a-date")) }
        #expect(throws: ICalError.self) { try ICalComponent(kind: "VNOTHING") }
        #expect(throws: ICalError.self) { try ICalDuration(parsing: "one hour") }
        #expect(try ICalDuration(parsing: "-P1DT2H") == ICalDuration(isNegative: true, days: 1, hours: 2))
    }

    @Test func childrenKeepTheirOwnerAlive() throws {
        var summary: ICalProperty?
        var alarm: ICalComponent?
        do {
            let calendar = try ICalComponent.parse(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Giữ\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                    + "TRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            )
            let event = try #require(calendar.components(ofKind: .vevent).first)
            summary = event.firstProperty(named: .summary)
            alarm = event.components(ofKind: .valarm).first
        }
        // The calendar and event wrappers are gone; the borrowed children still work.
        #expect(summary?.value == .text("Giữ"))
        #expect(alarm?.value(of: .trigger) == .duration(ICalDuration(isNegative: true, minutes: 5)))
    }

    @Test func addAndRemoveTransferOwnership() throws {
        let calendar = try ICalComponent(kind: .vcalendar)
        let event = try ICalComponent(kind: .vevent)
        try event.addProperty(.uid, .text("e1"))
        try calendar.add(event)
        #expect(throws: ICalError.alreadyAttached) { try calendar.add(event) }
        #expect(throws: ICalError.wouldCreateCycle) { try event.add(calendar) }
        #expect(calendar.components.count == 1)
        #expect(calendar.components.first === event, "one wrapper per libical object")

        let summary = try ICalProperty(.summary, .text("Tạm"))
        try event.add(summary)
        #expect(throws: ICalError.alreadyAttached) { try calendar.add(summary) }
        try event.remove(summary)
        #expect(throws: ICalError.notAChild) { try event.remove(summary) }
        #expect(summary.value == .text("Tạm"))
        #expect(event.firstProperty(named: .summary) == nil)

        let fetched = try #require(calendar.components(ofKind: .vevent).first)
        try calendar.remove(fetched)
        #expect(calendar.components.isEmpty)
        #expect(event.value(of: .uid) == .text("e1"), "the removed event owns its subtree")
        let other = try ICalComponent(kind: .vcalendar)
        try other.add(event)
        #expect(other.components(ofKind: .vevent).count == 1)
        #expect(throws: ICalError.notAChild) { try calendar.remove(event) }
        event.removeProperties(named: .uid)
        #expect(event.properties.isEmpty)
    }

    @Test func cloneIsIndependent() throws {
        let zone = try ICalComponent.hoChiMinhTimeZone()
        let copy = try zone.clone()
        copy.removeProperties(named: .tzid)
        #expect(zone.value(of: .tzid) == .text("Asia/Ho_Chi_Minh"))
        #expect(copy.value(of: .tzid) == nil)
    }

    @Test func hoChiMinhTimeZoneIsExactlyAsSpecified() throws {
        let text = try ICalComponent.hoChiMinhTimeZone().serialize()
        #expect(
            text
                == "BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700\r\nTZNAME:+07\r\n"
                + "DTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        )
    }

    @Test func parseFailures() {
        #expect(throws: ICalError.self) { try ICalComponent.parse("") }
        #expect(throws: ICalError.self) { try ICalComponent.parse("hello world") }
    }

    @Test func errorsDescribeThemselves() {
        #expect(ICalError.unknownTimeZone("Mars/Olympus").description == "unknown time zone 'Mars/Olympus'")
        #expect(ICalError.alreadyAttached.description.contains("parent"))
    }
}
