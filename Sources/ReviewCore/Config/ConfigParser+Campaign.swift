import Foundation
internal import Yams

extension ConfigParser {
    /// Reads one `campaigns/*.yaml`: `id`, `name`, `starts`, `ends`, `deadlines`, `workingHours`, `workingDays`,
    /// `holidays?`, `cutoff`, `leadDays`, `minSessionMinutes?`.
    mutating func readCampaign(_ root: Node?, file: String) {
        let fields = [
            "id", "name", "starts", "ends", "deadlines", "workingHours", "workingDays", "holidays", "cutoff", "leadDays", "minSessionMinutes",
        ]
        guard let root, let r = FieldReader(root, file: file, noun: "chiến dịch", fields: fields, log: log) else { return }
        let id = declare(r, in: .campaign)
        if let id, let stem = file.split(separator: "/").last?.dropLast(".yaml".count), stem != id {
            r.report(r.position(of: "id"), "mã '\(id)' khác tên tệp '\(stem).yaml'; đặt tên tệp theo mã chiến dịch")
        }
        let name = r.text("name")
        let period = campaignPeriod(r)
        let deadlines = deadlines(r, period: period)
        let workingHours = workingHours(r)
        let workingDays = workingDays(r)
        let holidays = holidays(r, period: period)
        let cutoff = cutoff(r)
        let leadDays = r.integer("leadDays")
        let minSessionMinutes = minSessionMinutes(r, workingHours: workingHours)
        guard let id, let name, let period, let deadlines, let workingHours, let workingDays, let holidays, let cutoff, let leadDays,
            let minSessionMinutes
        else {
            return
        }
        draft.campaigns.append(
            Campaign(
                id: id,
                name: name,
                starts: period.lowerBound,
                ends: period.upperBound,
                deadlines: deadlines,
                workingHours: workingHours,
                workingDays: workingDays,
                holidays: holidays,
                cutoff: cutoff,
                leadDays: leadDays,
                minSessionMinutes: minSessionMinutes
            )
        )
    }

    /// `minSessionMinutes`: the shortest session a unit may register, at least 1 minute and no longer than the longest
    /// working period (else no session could be registered); when absent, 60 (or the longest period, if shorter).
    private func minSessionMinutes(_ r: FieldReader, workingHours: [WorkingPeriod]?) -> Int? {
        let longest = workingHours?.max(by: { $0.minutes < $1.minutes })
        guard r.has("minSessionMinutes") else { return min(Campaign.defaultMinSessionMinutes, longest?.minutes ?? .max) }
        guard let minutes = r.integer("minSessionMinutes", minimum: 1) else { return nil }
        if let longest, minutes > longest.minutes {
            r.report(
                r.position(of: "minSessionMinutes"),
                "trường 'minSessionMinutes' (\(minutes) phút) dài hơn khung giờ làm việc dài nhất \(longest.start)-\(longest.end) "
                    + "(\(longest.minutes) phút): không buổi kiểm điểm nào đăng ký được"
            )
            return nil
        }
        return minutes
    }

    /// `starts` … `ends`; nil when either is malformed or `starts` is after `ends`.
    private func campaignPeriod(_ r: FieldReader) -> ClosedRange<LocalDate>? {
        guard let starts = r.date("starts"), let ends = r.date("ends") else { return nil }
        guard starts <= ends else {
            r.report(r.position(of: "starts"), "ngày bắt đầu 'starts' (\(starts.vietnamese)) sau ngày kết thúc 'ends' (\(ends.vietnamese))")
            return nil
        }
        return starts...ends
    }

    /// `deadlines`: `{id, title, date, appliesTo}` in date order, each within the campaign's period.
    private func deadlines(_ r: FieldReader, period: ClosedRange<LocalDate>?) -> [Deadline]? {
        guard let items = r.list("deadlines") else { return nil }
        var deadlines: [Deadline] = []
        var declared: [String: ConfigPosition] = [:]
        var complete = true
        for (index, item) in items.enumerated() {
            let fields = ["id", "title", "date", "appliesTo", "tracks"]
            guard let d = FieldReader(item, file: r.file, noun: "hạn", index: index + 1, fields: fields, log: log) else {
                complete = false
                continue
            }
            var id = d.identifier("id")
            if let known = id, let first = declared[known] {
                d.report(d.position(of: "id"), "mã '\(known)' bị trùng, đã khai báo ở \(first.reference(from: d.position(of: "id")))")
                id = nil
            } else if let known = id {
                declared[known] = d.position(of: "id")
            }
            let title = d.text("title")
            var date = d.date("date")
            if let day = date, let previous = deadlines.last, day < previous.date {
                d.report(
                    d.position(of: "date"),
                    "ngày \(day.vietnamese) sớm hơn hạn đứng trước '\(previous.id)' (\(previous.date.vietnamese)); "
                        + "xếp các hạn theo thứ tự ngày"
                )
                date = nil
            }
            if let day = date, let period, !period.contains(day) {
                d.report(d.position(of: "date"), "ngày \(day.vietnamese) nằm ngoài thời gian chiến dịch (\(describe(period)))")
                date = nil
            }
            let kinds = reviewKinds(d)
            var tracks: Deadline.Tracks? = Deadline.Tracks.none
            if let text = d.text("tracks", required: false) {
                tracks = Deadline.Tracks(rawValue: text)
                if tracks == nil {
                    let known = Deadline.Tracks.allCases.map(\.rawValue).filter { !$0.isEmpty }
                    d.report(d.position(of: "tracks"), "'\(Text.clip(text))' không hợp lệ\(Suggestion.hint(for: text, among: known)); dùng \(known.joined(separator: ", ")) hoặc bỏ trống")
                }
            }
            guard let id, let title, let date, let kinds, let tracks else {
                complete = false
                continue
            }
            deadlines.append(Deadline(id: id, title: title, date: date, appliesTo: kinds, tracks: tracks))
        }
        return complete ? deadlines : nil
    }

    /// A deadline's `appliesTo`: ``ReviewKind`` raw values, possibly none.
    private func reviewKinds(_ d: FieldReader) -> [ReviewKind]? {
        guard let items = d.list("appliesTo") else { return nil }
        var kinds: [ReviewKind] = []
        var complete = true
        for (index, node) in items.enumerated() {
            guard let text = d.text(of: node, label: "mục \(index + 1) của 'appliesTo'") else {
                complete = false
                continue
            }
            guard let kind = ReviewKind(rawValue: text) else {
                let known = ReviewKind.allCases.map(\.rawValue)
                let hint = Suggestion.hint(for: text, among: known)
                d.report(
                    d.position(of: node),
                    "loại kiểm điểm '\(Text.clip(text))' không hợp lệ\(hint); dùng một trong \(known.joined(separator: ", "))"
                )
                complete = false
                continue
            }
            if kinds.contains(kind) {
                d.report(d.position(of: node), "'\(text)' ghi hai lần trong 'appliesTo'")
                complete = false
            }
            kinds.append(kind)
        }
        return complete ? kinds : nil
    }

    /// `workingHours`: `"HH:MM-HH:MM"` periods, each ending after it starts, none overlapping; sorted by start.
    private func workingHours(_ r: FieldReader) -> [WorkingPeriod]? {
        guard let items = r.list("workingHours") else { return nil }
        if items.isEmpty {
            r.report(r.position(of: "workingHours"), "trường 'workingHours' phải có ít nhất một khung giờ, ví dụ \"07:30-11:30\"")
            return nil
        }
        var periods: [(period: WorkingPeriod, node: Node)] = []
        var complete = true
        for (index, node) in items.enumerated() {
            guard let text = r.text(of: node, label: "mục \(index + 1) của 'workingHours'") else {
                complete = false
                continue
            }
            let ends = text.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let start = LocalTime(text: ends[0]), let end = LocalTime(text: ends[1]) else {
                r.report(r.position(of: node), "khung giờ '\(Text.clip(text))' không hợp lệ (cần dạng HH:MM-HH:MM, ví dụ 07:30-11:30)")
                complete = false
                continue
            }
            guard start < end else {
                r.report(r.position(of: node), "khung giờ \(start)-\(end) kết thúc trước khi bắt đầu")
                complete = false
                continue
            }
            periods.append((WorkingPeriod(start: start, end: end), node))
        }
        periods.sort { $0.period.start < $1.period.start }
        for (previous, next) in zip(periods, periods.dropFirst()) where next.period.start < previous.period.end {
            r.report(
                r.position(of: next.node),
                "khung giờ \(next.period.start)-\(next.period.end) chồng lên khung giờ \(previous.period.start)-\(previous.period.end)"
            )
            complete = false
        }
        return complete ? periods.map(\.period) : nil
    }

    /// `workingDays`: ISO weekdays, 1 (Monday) … 7 (Sunday), at least one.
    private func workingDays(_ r: FieldReader) -> Set<Int>? {
        guard let items = r.list("workingDays") else { return nil }
        if items.isEmpty {
            r.report(r.position(of: "workingDays"), "trường 'workingDays' phải có ít nhất một ngày, ví dụ [1, 2, 3, 4, 5, 6]")
            return nil
        }
        var days: Set<Int> = []
        var complete = true
        for (index, node) in items.enumerated() {
            guard let day = weekday(of: node, label: "mục \(index + 1) của 'workingDays'", in: r) else {
                complete = false
                continue
            }
            if !days.insert(day).inserted {
                r.report(r.position(of: node), "ngày \(day) ghi hai lần trong 'workingDays'")
                complete = false
            }
        }
        return complete ? days : nil
    }

    /// `holidays`: `{date, name}`, each within the campaign's period, no date twice; none when absent.
    private func holidays(_ r: FieldReader, period: ClosedRange<LocalDate>?) -> [Holiday]? {
        guard let items = r.list("holidays", required: false) else { return nil }
        var holidays: [Holiday] = []
        var seen: [LocalDate: ConfigPosition] = [:]
        var complete = true
        for (index, item) in items.enumerated() {
            guard let h = FieldReader(item, file: r.file, noun: "ngày nghỉ", index: index + 1, fields: ["date", "name"], log: log) else {
                complete = false
                continue
            }
            var date = h.date("date")
            if let day = date, let first = seen[day] {
                h.report(h.position(of: "date"), "ngày \(day.vietnamese) đã khai báo ở \(first.reference(from: h.position(of: "date")))")
                date = nil
            } else if let day = date, let period, !period.contains(day) {
                h.report(h.position(of: "date"), "ngày \(day.vietnamese) nằm ngoài thời gian chiến dịch (\(describe(period)))")
                date = nil
            }
            let name = h.text("name")
            guard let date, let name else {
                complete = false
                continue
            }
            seen[date] = h.position(of: "date")
            holidays.append(Holiday(date: date, name: name))
        }
        return complete ? holidays : nil
    }

    /// `cutoff`: `{weekday, time, weeksBefore?}`, the weekly registration cutoff in the district's zone.
    private func cutoff(_ r: FieldReader) -> RegistrationWindow? {
        let fields = ["weekday", "time", "weeksBefore"]
        guard let c = r.nested("cutoff", noun: "hạn đăng ký hằng tuần 'cutoff'", fields: fields) else { return nil }
        let day = c.value("weekday").flatMap { weekday(of: $0, label: "trường 'weekday'", in: c) }
        let time = c.time("time")
        let weeksBefore = c.integer("weeksBefore", default: 1)
        guard let day, let time, let weeksBefore else { return nil }
        return RegistrationWindow(weekday: day, time: time, weeksBefore: weeksBefore, zone: draft.zone)
    }

    /// A node read as an ISO weekday, 1 (Monday) … 7 (Sunday).
    private func weekday(of node: Node, label: String, in r: FieldReader) -> Int? {
        guard let day = r.integer(of: node, label: label) else { return nil }
        guard (1...7).contains(day) else {
            r.report(r.position(of: node), "\(label) phải từ 1 (thứ Hai) đến 7 (Chủ nhật), nhưng là \(day)")
            return nil
        }
        return day
    }

    /// `27/11/2023–07/01/2024`.
    private func describe(_ period: ClosedRange<LocalDate>) -> String {
        "\(period.lowerBound.vietnamese)–\(period.upperBound.vietnamese)"
    }
}
