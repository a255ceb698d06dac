import Foundation
import ICalKit

/// ICalBench: renders a 1,000-event feed many times and prints the median time per render.
///
/// Usage: `swift run -c release ICalBench [iterations] [events]`; `ICalBench --print [events]` writes one feed to stdout;
/// `ICalBench --busy [iterations] [events]` parses a rendered feed and reads its busy time instead.
@main
struct ICalBench {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let printOnly = arguments.first == "--print"
        let busyMode = arguments.first == "--busy"
        if printOnly || busyMode { arguments.removeFirst() }
        if printOnly {
            let calendar = makeCalendar(events: arguments.first.flatMap { Int($0) } ?? 3)
            FileHandle.standardOutput.write(Data(try FeedRenderer.render(calendar)))
            return
        }
        let iterations = arguments.first.flatMap { Int($0) } ?? 50
        let eventCount = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000
        let calendar = makeCalendar(events: eventCount)
        let feed = String(decoding: try FeedRenderer.render(calendar), as: UTF8.self)
        let window = (Date(timeIntervalSince1970: 1_735_689_600), Date(timeIntervalSince1970: 1_767_225_600))  // 2025
        var size = 0
        var times: [Double] = []
        var cpuTimes: [Double] = []
        for _ in 0..<iterations {
            let cpuStart = threadCPUMilliseconds()
            let start = ContinuousClock.now
            if busyMode {
                size = try BusyTimeReader.busyIntervals(icsText: feed, from: window.0, to: window.1).count
            } else {
                size = try FeedRenderer.render(calendar).count
            }
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
            cpuTimes.append(threadCPUMilliseconds() - cpuStart)
        }
        times.sort()
        cpuTimes.sort()
        let median = times[times.count / 2]
        print(
            "mode=\(busyMode ? "busy" : "render") events=\(eventCount) iterations=\(iterations) "
                + "\(busyMode ? "intervals" : "bytes")=\(size) median_ms=\(String(format: "%.2f", median)) "
                + "min_ms=\(String(format: "%.2f", times.first ?? 0)) max_ms=\(String(format: "%.2f", times.last ?? 0)) "
                + "median_cpu_ms=\(String(format: "%.2f", cpuTimes[cpuTimes.count / 2]))"
        )
    }

    /// CPU time of the calling thread, which other processes' load does not inflate (wall time on a shared machine does).
    static func threadCPUMilliseconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e3 + Double(spec.tv_nsec) / 1e6
    }

    static func makeCalendar(events count: Int) -> FeedCalendar {
        let titles = [
            "Phiên rà soát chéo: Tổ Kỹ thuật phần mềm", "Họp điều phối khối Khoa học tự nhiên", "Đánh giá hồ sơ đơn vị Hóa học – Sinh học",
            "Rà soát minh chứng tiêu chuẩn 5", "Phỏng vấn nhóm sinh viên năm cuối",
        ]
        let places = ["Phòng họp A2.301, Tòa nhà Điều hành", "Hội trường Trần Đại Nghĩa", "Trực tuyến qua Zoom; mã 842 113 907"]
        let description =
            "Thành phần: trưởng đơn vị, thư ký và hai thành viên hội đồng. Nội dung: đối chiếu minh chứng, thống nhất nhận xét, "
            + "ghi biên bản; chuẩn bị bản in báo cáo tự đánh giá.\nLưu ý: mang theo máy tính xách tay. Mã phiên: "
        let modified = Date(timeIntervalSince1970: 1_740_000_000)
        var events: [FeedEvent] = []
        for index in 0..<count {
            let day = DateStamp(year: 2025, month: 3 + index / 280, day: 1 + index % 28)
            let hour = 8 + index % 9
            let timing: FeedEvent.Timing =
                index % 25 == 0
                ? .allDay(first: day, lastInclusive: day)
                : .local(
                    start: LocalStamp(year: day.year, month: day.month, day: day.day, hour: hour, minute: 30),
                    end: LocalStamp(year: day.year, month: day.month, day: day.day, hour: hour + 1, minute: 30)
                )
            events.append(
                FeedEvent(
                    uid: "session-\(index)@reviewcal",
                    timing: timing,
                    summary: titles[index % titles.count] + " #\(index)",
                    location: places[index % places.count],
                    description: description + "\(index)",
                    categories: ["Rà soát", "Khối \(index % 7)"],
                    status: index % 17 == 0 ? .cancelled : .confirmed,
                    sequence: index % 4,
                    lastModified: modified.addingTimeInterval(Double(index) * 60),
                    alarmMinutesBefore: index % 3 == 0 ? 30 : nil
                )
            )
        }
        return FeedCalendar(name: "Lịch rà soát – Khoa Công nghệ thông tin", events: events)
    }
}
