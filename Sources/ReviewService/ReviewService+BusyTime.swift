import Foundation
import ICalKit
import ReviewCore
import ReviewStore

extension ReviewService {
    /// Busy time of one person over a week, as local intervals, and what went wrong reading it.
    struct BusyTime {
        var intervals: [String: [(start: ReviewCore.LocalDateTime, end: ReviewCore.LocalDateTime)]] = [:]
        var warnings: [String] = []
    }

    /// Reads every member's and team's own calendar for the week: fetched now when possible (and kept as the
    /// last good copy), else the last good copy, with a warning either way when the fetch or the parse failed.
    /// With `fetch` false only the last good copies are read (a move checked while the clerk waits).
    func readBusyTime(week: ISOWeek, fetch: Bool = true) async throws -> BusyTime {
        var result = BusyTime()
        let owners: [(key: String, name: String, source: String)] =
            district.members.compactMap { m in m.calendar.map { ("member:\(m.id)", "đồng chí \(m.name)", $0) } }
            + district.teams.compactMap { t in t.calendar.map { ("team:\(t.id)", t.name, $0) } }
        let from = district.zone.startOfDay(week.monday)
        let to = district.zone.startOfDay(week.monday.adding(days: 7))
        for owner in owners {
            var text: String?
            var problem: String?
            do {
                guard fetch else { throw CopyOnly() }
                let fetched = try await calendarFetcher.fetch(owner.source)
                _ = try BusyTimeReader.busyIntervals(icsText: fetched, from: from, to: to)
                text = fetched
                try await store.write(serializedOn: district.id) { tx in
                    try await tx.saveCalendarCopy(district: self.district.id, owner: owner.key, source: owner.source, fetchedAt: self.clock.now(), body: fetched)
                }
            } catch {
                problem = "\(error)"
            }
            if let problem {
                let copy = try await store.read { tx in try await tx.calendarCopy(district: self.district.id, owner: owner.key) }
                if let copy {
                    text = copy.body
                    result.warnings.append(
                        "Lịch riêng của \(owner.name) (\(owner.source)) không đọc được: \(problem). Dùng bản đọc được lần trước lúc \(district.zone.local(copy.fetchedAt).dateTime.vietnamese).")
                } else {
                    result.warnings.append("Lịch riêng của \(owner.name) (\(owner.source)) không đọc được: \(problem). Chưa có bản nào đọc được trước đây: coi như rảnh.")
                }
            }
            guard let text, let spans = try? BusyTimeReader.busyIntervals(icsText: text, from: from, to: to) else { continue }
            result.intervals[owner.key] = spans.map { span in
                let s = district.zone.local(span.start).dateTime
                // A busy span ending inside a minute blocks that whole minute.
                let endLocal = district.zone.local(span.end)
                let e = endLocal.second > 0 ? endLocal.dateTime.adding(minutes: 1) : endLocal.dateTime
                return (s, e)
            }
        }
        return result
    }
}

/// Thrown inside ``ReviewService/readBusyTime(week:fetch:)`` when only the stored copies are read.
private struct CopyOnly: Error, CustomStringConvertible {
    var description: String { "chỉ đọc bản đã lưu" }
}
