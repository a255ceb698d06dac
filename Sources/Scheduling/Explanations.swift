/// Vietnamese reasons a clerk can act on: why a request stayed unscheduled, or why a problem has no solution.
///
/// Each reason is one paragraph naming, option by option, what blocked it (lead time, a predecessor, a member or
/// team busy or already at another session, a full day), read off the final schedule; the same schedule always
/// gives the same words.
struct Explanations {
    let instance: Instance
    let schedule: Schedule

    private var problem: Problem { instance.problem }

    /// Request `r` as the office knows it (its id when the problem has no label for it).
    private func name(_ r: Int) -> String {
        let id = problem.requests[r].id
        return problem.labels.requests[id] ?? id
    }

    /// "khối Chính quyền" by the bloc's name, or "khối 'id'" when the problem has none.
    private func blocWords(_ bloc: String) -> String {
        problem.labels.blocs[bloc].map { "khối \($0)" } ?? "khối '\(bloc)'"
    }

    /// Why request `r`, unscheduled in `schedule`, could not be placed.
    func reason(for r: Int) -> String {
        var sentences: [String] = []
        let missing = instance.predecessors[r].filter { !schedule.isScheduled($0) }
        if !missing.isEmpty {
            let ids = missing.map { name($0) }.joined(separator: "; ")
            sentences.append("Buổi phải tổ chức trước (\(ids)) không được xếp lịch nên buổi này chưa thể xếp")
        }
        var options: [String] = []
        var anyOpen = false
        for o in instance.optionBase[r]..<instance.optionBase[r + 1] {
            let blockers = optionBlockers(r, o, skipping: Set(missing))
            let label = "Phương án \(o - instance.optionBase[r] + 1) (\(Self.describe(start: instance.optionStart[o], end: instance.optionEnd[o])))"
            if blockers.isEmpty {
                anyOpen = true
                options.append("\(label): còn đồng chí UVBTV và tổ công tác rảnh")
            } else {
                options.append("\(label): " + blockers.joined(separator: "; "))
            }
        }
        sentences.append(options.joined(separator: ". "))
        if anyOpen && missing.isEmpty {
            sentences.append(
                "Xếp buổi này sẽ làm tổng điểm phạt cao hơn để trống (trọng số để trống \(instance.unscheduledCost[r])); có thể tăng trọng số hoặc ghim buổi này")
        }
        return sentences.joined(separator: ". ") + "."
    }

    /// Why the forced predecessors of the pins cannot all be placed before them.
    func infeasibility(forced: [Int]) -> String {
        let pinned = (0..<instance.requestCount).filter { r in
            instance.pin[r] != nil && instance.predecessors[r].contains { instance.forced[$0] && instance.pin[$0] == nil }
        }
        let pinIds = pinned.map { name($0) }.joined(separator: "; ")
        let forcedIds = forced.map { name($0) }.joined(separator: "; ")
        var text = "Không có lịch hợp lệ: buổi \(pinIds) đã được ghim nên các buổi phải tổ chức trước (\(forcedIds)) đều phải được xếp trước đó, nhưng không thể xếp được tất cả"
        for r in forced {
            let details = (instance.optionBase[r]..<instance.optionBase[r + 1]).map { o in
                let blockers = optionBlockers(r, o, skipping: Set(forced))
                let label = "phương án \(o - instance.optionBase[r] + 1) (\(Self.describe(start: instance.optionStart[o], end: instance.optionEnd[o])))"
                return blockers.isEmpty ? "\(label) còn trống nhưng vướng các buổi khác trong chuỗi" : "\(label): " + blockers.joined(separator: "; ")
            }
            text += ". Buổi \(name(r)): " + details.joined(separator: "; ")
        }
        return text + ". Hãy bỏ ghim hoặc thêm phương án thời gian cho các buổi này."
    }

    /// What stops request `r` from taking option `o` now; empty when it could. Predecessors in `skipping` are
    /// reported once for the whole request instead.
    private func optionBlockers(_ r: Int, _ o: Int, skipping: Set<Int>) -> [String] {
        var blockers: [String] = []
        let request = problem.requests[r]
        if !instance.optionAllowed[o], let notBefore = request.notBefore {
            blockers.append("trước ngày được phép (dự thảo gửi muộn, sớm nhất \(Self.shortDate(notBefore.minutesSinceEpoch, withTime: notBefore.minuteOfDay != 0)))")
        }
        for p in instance.predecessors[r] where schedule.isScheduled(p) && !skipping.contains(p) {
            let end = instance.optionEnd[schedule.option[p]]
            if end > instance.optionStart[o] {
                blockers.append("buổi phải tổ chức trước (\(name(p))) kết thúc lúc \(Self.shortDate(end, withTime: true)), sau giờ bắt đầu")
            }
        }
        for q in instance.successors[r] where schedule.isScheduled(q) {
            let start = instance.optionStart[schedule.option[q]]
            if instance.optionEnd[o] > start {
                blockers.append("phải kết thúc trước khi buổi \(name(q)) bắt đầu (\(Self.shortDate(start, withTime: true)))")
            }
        }
        if let teams = teamBlocker(r, o) { blockers.append(teams) }
        if let members = memberBlocker(r, o) { blockers.append(members) }
        return blockers
    }

    private func teamBlocker(_ r: Int, _ o: Int) -> String? {
        let bloc = problem.requests[r].bloc
        let teams = problem.teams
        let covering = teams.indices.filter { teams[$0].blocs.contains(bloc) }
        if covering.isEmpty { return "không có tổ công tác nào phụ trách \(blocWords(bloc))" }
        // The candidates left free cover most options at once; words are only made for an option no team can take.
        if instance.teamCandidates[o].contains(where: { schedule.fits($0, o, instance) }) { return nil }
        // Every team of the bloc is blocked (busy, or no candidate fits): only the named ones need their words.
        var reasons: [String] = []
        for t in covering.prefix(Self.namedLimit) {
            let why = personBlockers(t + instance.memberCount, o)
            if why.isEmpty { return nil }
            reasons.append("\(teams[t].name) \(why.joined(separator: ", "))")
        }
        return "không tổ công tác nào của \(blocWords(bloc)) rảnh (" + Self.listed(reasons, of: covering.count, noun: "tổ") + ")"
    }

    private func memberBlocker(_ r: Int, _ o: Int) -> String? {
        guard instance.needsMember[r] else { return nil }
        guard !problem.members.isEmpty else { return "không có đồng chí UVBTV nào trong danh sách" }
        if instance.memberCandidates[o].contains(where: { schedule.fits($0, o, instance) }) { return nil }
        var inChargeReasons: [String] = []
        var otherReasons: [String] = []
        var others = 0
        let inCharge = Set(instance.inCharge[r])
        for m in problem.members.indices {
            let named = inCharge.contains(m) || otherReasons.count < Self.namedLimit
            let why = named ? personBlockers(m, o) : []
            if named && why.isEmpty { return nil }
            if inCharge.contains(m) {
                inChargeReasons.append("đồng chí \(problem.members[m].name) (phụ trách) bận — \(why.joined(separator: ", "))")
            } else {
                others += 1
                if named { otherReasons.append("đồng chí \(problem.members[m].name) \(why.joined(separator: ", "))") }
            }
        }
        if inChargeReasons.isEmpty {
            return "không đồng chí UVBTV nào rảnh (" + Self.listed(otherReasons, of: others, noun: "đồng chí") + ")"
        }
        return inChargeReasons.joined(separator: ", ") + (otherReasons.isEmpty ? "" : "; các đồng chí UVBTV khác cũng bận")
    }

    /// Why person `p` cannot attend option `o`: busy blocks, clashing sessions, a full day.
    private func personBlockers(_ p: Int, _ o: Int) -> [String] {
        var why: [String] = []
        let busy = p < instance.memberCount ? problem.members[p].busy : problem.teams[p - instance.memberCount].busy
        let span = TimeOption(start: LocalDateTime(minutesSinceEpoch: instance.optionStart[o]), end: LocalDateTime(minutesSinceEpoch: instance.optionEnd[o]))
        for block in busy where block.intersects(span) {
            why.append("có lịch bận \(Self.describe(start: block.start.minutesSinceEpoch, end: block.end.minutesSinceEpoch))")
        }
        let starts = instance.optionStart
        let sessions = schedule.sessions[p].sorted { starts[$0] < starts[$1] }
        var sameDay = 0
        for s in sessions {
            let other = name(instance.optionRequest[s])
            if instance.optionDay[s] == instance.optionDay[o] { sameDay += 1 }
            guard instance.clash(o, s) else { continue }
            let overlaps = instance.optionStart[s] < instance.optionEnd[o] && instance.optionStart[o] < instance.optionEnd[s]
            let time = Self.clock(instance.optionStart[s]) + "–" + Self.clock(instance.optionEnd[s])
            why.append(overlaps ? "dự buổi \(other) (\(time))" : "không kịp di chuyển từ/đến buổi \(other) (\(time))")
        }
        if why.isEmpty && sameDay >= instance.maxPerDay[p] {
            why.append("đã đủ \(instance.maxPerDay[p]) buổi trong ngày")
        }
        return why
    }

    // MARK: Formatting

    private static let weekdays = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]

    static func clock(_ minutes: Int) -> String {
        LocalDateTime(minutesSinceEpoch: minutes).time.description
    }

    /// "12/12", or "07:30 12/12" with the time.
    static func shortDate(_ minutes: Int, withTime: Bool) -> String {
        let date = LocalDateTime(minutesSinceEpoch: minutes).date.vietnameseDayMonth
        return withTime ? clock(minutes) + " " + date : date
    }

    /// "Thứ Ba 12/12 07:30–11:30", or both ends dated when the interval spans days.
    static func describe(start: Int, end: Int) -> String {
        let first = LocalDateTime(minutesSinceEpoch: start)
        let last = LocalDateTime(minutesSinceEpoch: end)
        let head = weekdays[first.date.isoWeekday - 1] + " " + shortDate(start, withTime: false) + " " + clock(start)
        if first.daysSinceEpoch == last.daysSinceEpoch || (last.daysSinceEpoch == first.daysSinceEpoch + 1 && last.minuteOfDay == 0) {
            return head + "–" + clock(end)
        }
        return head + " – " + weekdays[last.date.isoWeekday - 1] + " " + shortDate(end, withTime: false) + " " + clock(end)
    }

    /// How many blocked teams or members a reason names before it only counts the rest.
    static let namedLimit = 3

    /// The named `items` of `total`, then how many more.
    static func listed(_ items: [String], of total: Int, noun: String) -> String {
        if total <= items.count { return items.joined(separator: "; ") }
        return items.joined(separator: "; ") + "; và \(total - items.count) \(noun) khác"
    }
}
