import Foundation
import ICalKit
import Testing

@Suite struct BusyTimeReaderTests {
    /// An instant given in UTC.
    static func utc(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, year: Int = 2025) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    static func interval(_ start: Date, _ end: Date) -> DateInterval { DateInterval(start: start, end: end) }

    static func ics(_ body: String) -> String {
        ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\n" + body + "END:VCALENDAR\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    static let hoChiMinhZone = """
        BEGIN:VTIMEZONE
        TZID:Asia/Ho_Chi_Minh
        X-LIC-LOCATION:Asia/Ho_Chi_Minh
        BEGIN:STANDARD
        TZOFFSETFROM:+0700
        TZOFFSETTO:+0700
        TZNAME:+07
        DTSTART:19700101T000000
        END:STANDARD
        END:VTIMEZONE

        """

    static let parisZone = """
        BEGIN:VTIMEZONE
        TZID:Europe/Paris
        X-LIC-LOCATION:Europe/Paris
        BEGIN:DAYLIGHT
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        TZNAME:CEST
        DTSTART:19700329T020000
        RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
        END:DAYLIGHT
        BEGIN:STANDARD
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        TZNAME:CET
        DTSTART:19701025T030000
        RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
        END:STANDARD
        END:VTIMEZONE

        """

    /// A member's calendar as Google exports it: a weekly meeting with EXDATE and a moved occurrence, a leave,
    /// events in Paris, in UTC and floating, and events that must not count.
    static let memberCalendar = ics(
        hoChiMinhZone + parisZone + """
            BEGIN:VEVENT
            DTSTART;TZID=Asia/Ho_Chi_Minh:20250303T090000
            DTEND;TZID=Asia/Ho_Chi_Minh:20250303T100000
            RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6
            EXDATE;TZID=Asia/Ho_Chi_Minh:20250317T090000
            DTSTAMP:20250301T000000Z
            UID:weekly-1@google.com
            SUMMARY:Giao ban tuần
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Asia/Ho_Chi_Minh:20250325T140000
            DTEND;TZID=Asia/Ho_Chi_Minh:20250325T150000
            RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20250324T090000
            DTSTAMP:20250301T000000Z
            UID:weekly-1@google.com
            SUMMARY:Giao ban tuần (dời)
            SEQUENCE:1
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20250305
            DTEND;VALUE=DATE:20250307
            DTSTAMP:20250301T000000Z
            UID:leave-1@google.com
            SUMMARY:Nghỉ phép
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Europe/Paris:20250312T100000
            DTEND;TZID=Europe/Paris:20250312T110000
            DTSTAMP:20250301T000000Z
            UID:paris-1@google.com
            SUMMARY:Hội thảo Paris (giờ mùa đông)
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Europe/Paris:20250331T100000
            DURATION:PT2H
            DTSTAMP:20250301T000000Z
            UID:paris-2@google.com
            SUMMARY:Hội thảo Paris (giờ mùa hè)
            END:VEVENT
            BEGIN:VEVENT
            DTSTART:20250311T020000Z
            DTEND:20250311T030000Z
            DTSTAMP:20250301T000000Z
            UID:utc-1@google.com
            SUMMARY:Gọi quốc tế
            END:VEVENT
            BEGIN:VEVENT
            DTSTART:20250310T023000Z
            DTEND:20250310T040000Z
            DTSTAMP:20250301T000000Z
            UID:overlap-1@google.com
            SUMMARY:Chồng giờ giao ban
            END:VEVENT
            BEGIN:VEVENT
            DTSTART:20250314T080000
            DTEND:20250314T090000
            DTSTAMP:20250301T000000Z
            UID:floating-1@google.com
            SUMMARY:Giờ trôi
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Asia/Ho_Chi_Minh:20250312T080000
            DTEND;TZID=Asia/Ho_Chi_Minh:20250312T170000
            TRANSP:TRANSPARENT
            DTSTAMP:20250301T000000Z
            UID:transparent-1@google.com
            SUMMARY:Nhắc việc (rảnh)
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Asia/Ho_Chi_Minh:20250313T080000
            DTEND;TZID=Asia/Ho_Chi_Minh:20250313T170000
            STATUS:CANCELLED
            DTSTAMP:20250301T000000Z
            UID:cancelled-1@google.com
            SUMMARY:Đã hủy
            END:VEVENT

            """
    )

    @Test func realShapedCalendar() throws {
        let busy = try BusyTimeReader.busyIntervals(icsText: Self.memberCalendar, from: Self.utc(3, 1, 0), to: Self.utc(4, 1, 0))
        let expected = [
            Self.interval(Self.utc(3, 3, 2), Self.utc(3, 3, 3)),  // weekly, 09:00 +07
            Self.interval(Self.utc(3, 4, 17), Self.utc(3, 6, 17)),  // leave, 5–6 March local days
            Self.interval(Self.utc(3, 10, 2), Self.utc(3, 10, 4)),  // weekly merged with the overlapping UTC event
            Self.interval(Self.utc(3, 11, 2), Self.utc(3, 11, 3)),  // UTC
            Self.interval(Self.utc(3, 12, 9), Self.utc(3, 12, 10)),  // Paris, CET (+01)
            Self.interval(Self.utc(3, 14, 1), Self.utc(3, 14, 2)),  // floating = Asia/Ho_Chi_Minh
            // 17 March: EXDATE; 24 March: moved to 25 March 14:00 +07
            Self.interval(Self.utc(3, 25, 7), Self.utc(3, 25, 8)),
            Self.interval(Self.utc(3, 31, 2), Self.utc(3, 31, 3)),  // weekly
            Self.interval(Self.utc(3, 31, 8), Self.utc(3, 31, 10)),  // Paris, CEST (+02), DURATION
        ]
        #expect(busy == expected)
    }

    @Test func resultIsClippedToTheWindow() throws {
        let busy = try BusyTimeReader.busyIntervals(icsText: Self.memberCalendar, from: Self.utc(3, 5, 12), to: Self.utc(3, 10, 2, 30))
        #expect(busy == [Self.interval(Self.utc(3, 5, 12), Self.utc(3, 6, 17)), Self.interval(Self.utc(3, 10, 2), Self.utc(3, 10, 2, 30))])
        #expect(try BusyTimeReader.busyIntervals(icsText: Self.memberCalendar, from: Self.utc(4, 1, 0), to: Self.utc(3, 1, 0)).isEmpty)
    }

    @Test func recurrenceAcrossDaylightSavingWithUntil() throws {
        let text = Self.ics(
            Self.parisZone + """
                BEGIN:VEVENT
                DTSTART;TZID=Europe/Paris:20250324T100000
                DTEND;TZID=Europe/Paris:20250324T110000
                RRULE:FREQ=WEEKLY;UNTIL=20250407T235959Z
                DTSTAMP:20250301T000000Z
                UID:paris-weekly
                END:VEVENT

                """
        )
        let busy = try BusyTimeReader.busyIntervals(icsText: text, from: Self.utc(1, 1, 0), to: Self.utc(12, 1, 0))
        #expect(
            busy == [
                Self.interval(Self.utc(3, 24, 9), Self.utc(3, 24, 10)), Self.interval(Self.utc(3, 31, 8), Self.utc(3, 31, 9)),
                Self.interval(Self.utc(4, 7, 8), Self.utc(4, 7, 9)),
            ]
        )
    }

    @Test func cancelledOverrideRemovesTheOccurrence() throws {
        let text = Self.ics(
            """
            BEGIN:VEVENT
            DTSTART:20250303T020000Z
            DTEND:20250303T030000Z
            RRULE:FREQ=DAILY;COUNT=3
            DTSTAMP:20250301T000000Z
            UID:daily
            END:VEVENT
            BEGIN:VEVENT
            RECURRENCE-ID:20250304T020000Z
            DTSTART:20250304T020000Z
            DTEND:20250304T030000Z
            STATUS:CANCELLED
            DTSTAMP:20250301T000000Z
            UID:daily
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20250310
            DTSTAMP:20250301T000000Z
            UID:one-day
            END:VEVENT

            """
        )
        let busy = try BusyTimeReader.busyIntervals(icsText: text, from: Self.utc(3, 1, 0), to: Self.utc(4, 1, 0))
        #expect(
            busy == [
                Self.interval(Self.utc(3, 3, 2), Self.utc(3, 3, 3)), Self.interval(Self.utc(3, 5, 2), Self.utc(3, 5, 3)),
                Self.interval(Self.utc(3, 9, 17), Self.utc(3, 10, 17)),  // all-day without DTEND: one local day
            ]
        )
    }

    @Test func zoneWithoutVTimezoneUsesLibicalsZones() throws {
        let text = Self.ics(
            """
            BEGIN:VEVENT
            DTSTART;TZID=America/New_York:20250115T090000
            DTEND;TZID=America/New_York:20250115T100000
            DTSTAMP:20250101T000000Z
            UID:ny
            END:VEVENT

            """
        )
        let busy = try BusyTimeReader.busyIntervals(icsText: text, from: Self.utc(1, 1, 0), to: Self.utc(2, 1, 0))
        #expect(busy == [Self.interval(Self.utc(1, 15, 14), Self.utc(1, 15, 15))])
    }

    @Test func unknownZoneAndGarbageThrow() {
        let text = Self.ics("BEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus:20250115T090000\nDTSTAMP:20250101T000000Z\nUID:m\nEND:VEVENT\n")
        #expect(throws: ICalError.unknownTimeZone("Mars/Olympus")) {
            try BusyTimeReader.busyIntervals(icsText: text, from: Self.utc(1, 1, 0), to: Self.utc(2, 1, 0))
        }
        #expect(throws: ICalError.self) {
            try BusyTimeReader.busyIntervals(icsText: "not a calendar", from: Self.utc(1, 1, 0), to: Self.utc(2, 1, 0))
        }
    }

    @Test func readsOurOwnFeed() throws {
        let feed = String(decoding: try FeedRenderer.render(Fixtures.smallCalendar), as: UTF8.self)
        let busy = try BusyTimeReader.busyIntervals(icsText: feed, from: Self.utc(3, 1, 0), to: Self.utc(4, 1, 0))
        // The cancelled session does not count.
        #expect(busy == [Self.interval(Self.utc(3, 10, 1, 30), Self.utc(3, 10, 3)), Self.interval(Self.utc(3, 19, 17), Self.utc(3, 21, 17))])
    }

    @Test func concurrentReadsAgree() async throws {
        let serial = try BusyTimeReader.busyIntervals(icsText: Self.memberCalendar, from: Self.utc(3, 1, 0), to: Self.utc(4, 1, 0))
        try await withThrowingTaskGroup(of: [DateInterval].self) { group in
            for _ in 0..<8 {
                group.addTask { try BusyTimeReader.busyIntervals(icsText: Self.memberCalendar, from: Self.utc(3, 1, 0), to: Self.utc(4, 1, 0)) }
            }
            for try await result in group {
                #expect(result == serial)
            }
        }
    }
}
