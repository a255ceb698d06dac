import Foundation
import ICalKit

/// Calendars and ICS texts shared by the tests (kept in code: the main test target declares no resources).
enum Fixtures {
    /// 2025-02-28T03:04:05Z
    static let modified = Date(timeIntervalSince1970: 1_740_711_845)

    /// A small calendar: a session with an alarm, a cancelled session and a two-day deadline.
    static var smallCalendar: FeedCalendar {
        FeedCalendar(
            name: "Lịch rà soát; Khoa CNTT, 2025",
            events: [
                FeedEvent(
                    uid: "deadline-42@reviewcal",
                    timing: .allDay(first: DateStamp(year: 2025, month: 3, day: 20), lastInclusive: DateStamp(year: 2025, month: 3, day: 21)),
                    summary: "Hạn nộp báo cáo tự đánh giá",
                    categories: ["Hạn chót"],
                    status: .confirmed,
                    sequence: 0,
                    lastModified: modified
                ),
                FeedEvent(
                    uid: "session-7@reviewcal",
                    timing: .local(
                        start: LocalStamp(year: 2025, month: 3, day: 10, hour: 8, minute: 30),
                        end: LocalStamp(year: 2025, month: 3, day: 10, hour: 10, minute: 0)
                    ),
                    summary: "Rà soát chéo: Tổ Kỹ thuật phần mềm",
                    location: "Phòng A2.301, Tòa Điều hành",
                    description: "Thành phần: trưởng đơn vị, thư ký.\nMang theo minh chứng; bản in.",
                    categories: ["Rà soát", "Khối KHTN"],
                    status: .confirmed,
                    sequence: 1,
                    lastModified: modified,
                    alarmMinutesBefore: 15
                ),
                FeedEvent(
                    uid: "session-9@reviewcal",
                    timing: .local(
                        start: LocalStamp(year: 2025, month: 3, day: 12, hour: 14, minute: 0),
                        end: LocalStamp(year: 2025, month: 3, day: 12, hour: 15, minute: 30)
                    ),
                    summary: "ĐÃ HỦY: Phỏng vấn sinh viên",
                    status: .cancelled,
                    sequence: 3,
                    lastModified: modified
                ),
            ]
        )
    }
}
