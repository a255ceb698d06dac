import Foundation
import ICalKit
import Testing

@Suite struct FeedRendererTests {
    /// The exact bytes of `Fixtures.smallCalendar` (lines joined with CRLF).
    static let golden = #"""
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//reviewcal//reviewcal 1.0//VI
        CALSCALE:GREGORIAN
        NAME:Lịch rà soát\; Khoa CNTT\, 2025
        X-WR-CALNAME:Lịch rà soát Khoa CNTT 2025
        X-WR-TIMEZONE:Asia/Ho_Chi_Minh
        REFRESH-INTERVAL;VALUE=DURATION:PT1H
        X-PUBLISHED-TTL:PT1H
        BEGIN:VTIMEZONE
        TZID:Asia/Ho_Chi_Minh
        BEGIN:STANDARD
        TZOFFSETFROM:+0700
        TZOFFSETTO:+0700
        TZNAME:+07
        DTSTART:19700101T000000
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        UID:session-7@reviewcal
        DTSTAMP:20250228T030405Z
        DTSTART;TZID=Asia/Ho_Chi_Minh:20250310T083000
        DTEND;TZID=Asia/Ho_Chi_Minh:20250310T100000
        SUMMARY:Rà soát chéo: Tổ Kỹ thuật phần mềm
        LOCATION:Phòng A2.301\, Tòa Điều hành
        DESCRIPTION:Thành phần: trưởng đơn vị\, thư ký.\nMang theo minh
          chứng\; bản in.
        CATEGORIES:Rà soát,Khối KHTN
        STATUS:CONFIRMED
        SEQUENCE:1
        LAST-MODIFIED:20250228T030405Z
        BEGIN:VALARM
        ACTION:DISPLAY
        DESCRIPTION:Rà soát chéo: Tổ Kỹ thuật phần mềm
        TRIGGER:-PT15M
        END:VALARM
        END:VEVENT
        BEGIN:VEVENT
        UID:session-9@reviewcal
        DTSTAMP:20250228T030405Z
        DTSTART;TZID=Asia/Ho_Chi_Minh:20250312T140000
        DTEND;TZID=Asia/Ho_Chi_Minh:20250312T153000
        SUMMARY:ĐÃ HỦY: Phỏng vấn sinh viên
        STATUS:CANCELLED
        SEQUENCE:3
        LAST-MODIFIED:20250228T030405Z
        END:VEVENT
        BEGIN:VEVENT
        UID:deadline-42@reviewcal
        DTSTAMP:20250228T030405Z
        DTSTART;VALUE=DATE:20250320
        DTEND;VALUE=DATE:20250322
        SUMMARY:Hạn nộp báo cáo tự đánh giá
        CATEGORIES:Hạn chót
        STATUS:CONFIRMED
        SEQUENCE:0
        LAST-MODIFIED:20250228T030405Z
        END:VEVENT
        END:VCALENDAR

        """#.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func goldenFeed() throws {
        let bytes = try FeedRenderer.render(Fixtures.smallCalendar)
        #expect(bytes == Array(Self.golden.utf8), "\(String(decoding: bytes, as: UTF8.self))")
        #expect(ICSLint.lintFeed(bytes).isClean, "\(ICSLint.lintFeed(bytes))")
    }

    @Test func roundTripThroughLibical() throws {
        let bytes = try FeedRenderer.render(Fixtures.smallCalendar)
        let calendar = try ICalComponent.parse(String(decoding: bytes, as: UTF8.self))
        #expect(calendar.kind == .vcalendar)
        #expect(calendar.value(of: .name) == .text("Lịch rà soát; Khoa CNTT, 2025"))
        let zones = calendar.components(ofKind: .vtimezone)
        #expect(zones.count == 1)
        #expect(zones.first?.value(of: .tzid) == .text("Asia/Ho_Chi_Minh"))
        let events = calendar.components(ofKind: .vevent)
        #expect(events.map { $0.value(of: .uid) } == [.text("session-7@reviewcal"), .text("session-9@reviewcal"), .text("deadline-42@reviewcal")])
        let session = try #require(events.first)
        #expect(session.value(of: .summary) == .text("Rà soát chéo: Tổ Kỹ thuật phần mềm"))
        #expect(session.value(of: .description) == .text("Thành phần: trưởng đơn vị, thư ký.\nMang theo minh chứng; bản in."))
        #expect(session.value(of: .location) == .text("Phòng A2.301, Tòa Điều hành"))
        let start = try #require(session.firstProperty(named: .dtstart))
        #expect(start.value == .time(.zoned(LocalStamp(year: 2025, month: 3, day: 10, hour: 8, minute: 30), tzid: "Asia/Ho_Chi_Minh")))
        #expect(start.parameter("TZID") == "Asia/Ho_Chi_Minh")
        #expect(session.value(of: .sequence) == .integer(1))
        #expect(session.value(of: .status) == .status(.confirmed))
        #expect(session.value(of: .dtstamp) == .time(.utc(LocalStamp(year: 2025, month: 2, day: 28, hour: 3, minute: 4, second: 5))))
        let alarm = try #require(session.components(ofKind: .valarm).first)
        #expect(alarm.value(of: .trigger) == .duration(ICalDuration(isNegative: true, minutes: 15)))
        #expect(events[1].value(of: .status) == .status(.cancelled))
        let deadline = events[2]
        #expect(deadline.value(of: .dtstart) == .time(.date(DateStamp(year: 2025, month: 3, day: 20))))
        #expect(deadline.value(of: .dtend) == .time(.date(DateStamp(year: 2025, month: 3, day: 22))))
        #expect(deadline.firstProperty(named: .dtstart)?.parameter("VALUE") == "DATE")
    }

    /// `render` serialises event by event; the bytes must be those of the whole tree serialised at once.
    @Test(arguments: [0, 1, 2, 300])
    func renderEqualsTheWholeTreeSerialised(eventCount: Int) throws {
        let calendar = BenchLikeCalendar.make(events: eventCount)
        #expect(try FeedRenderer.render(calendar) == FeedRenderer.makeComponent(calendar).serializeBytes())
        #expect(try FeedRenderer.render(Fixtures.smallCalendar) == FeedRenderer.makeComponent(Fixtures.smallCalendar).serializeBytes())
    }

    @Test func rerenderIsByteIdentical() throws {
        let calendar = BenchLikeCalendar.make(events: 200)
        let first = try FeedRenderer.render(calendar)
        let second = try FeedRenderer.render(calendar)
        #expect(first == second)
        var shuffled = calendar
        shuffled.events.reverse()
        #expect(try FeedRenderer.render(shuffled) == first, "order of input events must not matter")
    }

    @Test(arguments: [0, 1, 5, 50, 300])
    func lintIsCleanOnManyFeeds(eventCount: Int) throws {
        let bytes = try FeedRenderer.render(BenchLikeCalendar.make(events: eventCount))
        let report = ICSLint.lintFeed(bytes)
        #expect(report.isClean, "\(report)")
    }

    @Test func escapingAndControlCharacters() throws {
        let event = FeedEvent(
            uid: "esc-1",
            timing: .local(start: LocalStamp(year: 2025, month: 1, day: 2, hour: 9), end: LocalStamp(year: 2025, month: 1, day: 2, hour: 10)),
            summary: "A;B,C\\D\r\nE\tF\u{0}G\u{85}H",
            location: "Line1\nLine2",
            description: "x;y,z\\w\r\nnext\rthird\u{2028}fourth\u{7}",
            categories: ["a,b", "c;d", "  ", "e\\f"],
            lastModified: Fixtures.modified
        )
        let calendar = FeedCalendar(name: "Tên\r\nmới; a,b\\c", events: [event])
        let bytes = try FeedRenderer.render(calendar)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\r\nSUMMARY:A\\;B\\,C\\\\D E F G H\r\n"))
        #expect(text.contains("\r\nLOCATION:Line1 Line2\r\n"))
        #expect(text.contains("\r\nDESCRIPTION:x\\;y\\,z\\\\w\\nnext\\nthird\\nfourth\r\n"))
        #expect(text.contains("\r\nCATEGORIES:a b,c d,e\\\\f\r\n"))
        #expect(text.contains("\r\nNAME:Tên mới\\; a\\,b\\\\c\r\n"))
        #expect(text.contains("\r\nX-WR-CALNAME:Tên mới a b\\\\c\r\n"))
        #expect(ICSLint.lintFeed(bytes).isClean, "\(ICSLint.lintFeed(bytes))")
        let parsed = try ICalComponent.parse(text)
        let parsedEvent = try #require(parsed.components(ofKind: .vevent).first)
        #expect(parsedEvent.value(of: .summary) == .text("A;B,C\\D E F G H"))
        #expect(parsedEvent.value(of: .description) == .text("x;y,z\\w\nnext\nthird\nfourth"))
        #expect(parsed.value(of: .name) == .text("Tên mới; a,b\\c"))
    }

    @Test func textIsNormalisedToNFC() throws {
        let decomposed = "Vie\u{0302}\u{0323}t Nam"  // "Việt Nam" with combining marks
        let event = FeedEvent(
            uid: "nfc-1",
            timing: .allDay(first: DateStamp(year: 2025, month: 5, day: 1), lastInclusive: DateStamp(year: 2025, month: 5, day: 1)),
            summary: decomposed,
            lastModified: Fixtures.modified
        )
        let bytes = try FeedRenderer.render(FeedCalendar(name: decomposed, events: [event]))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.utf8.firstRange(of: "SUMMARY:Việt Nam\r\n".utf8) != nil)
        #expect(text.utf8.firstRange(of: "\u{0302}".utf8) == nil)
        #expect(ICSLint.lintFeed(bytes).isClean)
    }

    @Test func invalidInputIsRejected() throws {
        let good = Fixtures.smallCalendar.events[1]
        func render(_ change: (inout FeedEvent) -> Void) throws {
            var event = good
            change(&event)
            _ = try FeedRenderer.render(FeedCalendar(name: "x", events: [event]))
        }
        #expect(throws: ICalError.self) { try render { $0.uid = "" } }
        #expect(throws: ICalError.self) { try render { $0.uid = "có dấu" } }
        #expect(throws: ICalError.self) { try render { $0.uid = "a;b" } }
        #expect(throws: ICalError.self) { try render { $0.uid = String(repeating: "u", count: 69) } }
        #expect(throws: ICalError.self) { try render { $0.sequence = -1 } }
        #expect(throws: ICalError.self) { try render { $0.alarmMinutesBefore = -5 } }
        #expect(throws: ICalError.self) {
            try render {
                $0.timing = .local(start: LocalStamp(year: 2025, month: 3, day: 10, hour: 9), end: LocalStamp(year: 2025, month: 3, day: 10, hour: 8))
            }
        }
        #expect(throws: ICalError.self) {
            try render {
                $0.timing = .local(start: LocalStamp(year: 2025, month: 2, day: 30, hour: 9), end: LocalStamp(year: 2025, month: 3, day: 10, hour: 8))
            }
        }
        #expect(throws: ICalError.self) {
            try render { $0.timing = .allDay(first: DateStamp(year: 2025, month: 3, day: 2), lastInclusive: DateStamp(year: 2025, month: 3, day: 1)) }
        }
        try render { $0.uid = String(repeating: "u", count: 68) }
        #expect(throws: ICalError.invalidValue("UID session-7@reviewcal appears twice")) {
            try FeedRenderer.render(FeedCalendar(name: "x", events: [good, good]))
        }
        #expect(throws: ICalError.self) { try FeedRenderer.render(FeedCalendar(name: "x", events: [], refreshInterval: "1 hour")) }
        #expect(throws: ICalError.self) { try FeedRenderer.render(FeedCalendar(name: "x", events: [], refreshInterval: "PT0S")) }
    }

    @Test func refreshIntervalIsConfigurable() throws {
        let text = String(decoding: try FeedRenderer.render(FeedCalendar(name: "x", events: [], refreshInterval: "PT30M")), as: UTF8.self)
        #expect(text.contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT30M\r\nX-PUBLISHED-TTL:PT30M\r\n"))
        #expect(!text.contains("METHOD"))
    }

    @Test func concurrentRendersMatchSerialOutput() async throws {
        let calendars = (0..<8).map { BenchLikeCalendar.make(events: 60 + $0 * 7) }
        let serial = try calendars.map { try FeedRenderer.render($0) }
        for _ in 0..<3 {
            let concurrent = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for (index, calendar) in calendars.enumerated() {
                    group.addTask { (index, try FeedRenderer.render(calendar)) }
                }
                var results = [[UInt8]](repeating: [], count: calendars.count)
                for try await (index, bytes) in group {
                    results[index] = bytes
                }
                return results
            }
            #expect(concurrent == serial)
        }
    }
}

/// Calendars shaped like real ones, with Vietnamese text of varied lengths.
enum BenchLikeCalendar {
    static func make(events count: Int) -> FeedCalendar {
        let titles = ["Rà soát chéo: Tổ Kỹ thuật phần mềm", "Họp điều phối khối Khoa học tự nhiên", "Đánh giá hồ sơ đơn vị Hóa – Sinh"]
        let events = (0..<count).map { index in
            let day = DateStamp(year: 2025, month: 3 + index / 28 % 9, day: 1 + index % 28)
            let timing: FeedEvent.Timing =
                index % 11 == 0
                ? .allDay(first: day, lastInclusive: DateStamp(year: day.year, month: day.month, day: min(28, day.day + index % 3)))
                : .local(
                    start: LocalStamp(year: day.year, month: day.month, day: day.day, hour: 8 + index % 8),
                    end: LocalStamp(year: day.year, month: day.month, day: day.day, hour: 9 + index % 8, minute: 30)
                )
            return FeedEvent(
                uid: "ev-\(index)@reviewcal",
                timing: timing,
                summary: titles[index % titles.count] + " " + String(repeating: "ệ", count: index % 40),
                location: index % 2 == 0 ? "Phòng họp A\(index % 5).30\(index % 9)" : nil,
                description: String(repeating: "Nội dung buổi họp; ghi chú, minh chứng. ", count: index % 6) + "\nKết thúc",
                categories: index % 3 == 0 ? [] : ["Rà soát", "Khối \(index % 4)"],
                status: index % 7 == 0 ? .cancelled : .confirmed,
                sequence: index % 5,
                lastModified: Fixtures.modified.addingTimeInterval(Double(index) * 61),
                alarmMinutesBefore: index % 4 == 0 ? 10 : nil
            )
        }
        return FeedCalendar(name: "Lịch nhóm \(count)", events: events)
    }
}
