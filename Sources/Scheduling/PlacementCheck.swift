/// Checks one session placed by hand against the hard rules, given where the week's other sessions are: the office
/// moving a session learns at once whether the move is allowed, and if not, why, in Vietnamese.
///
/// The rules are the spec's (option and `notBefore`, team's bloc, member present, overlap and travel, busy time,
/// `maxPerDay`, order between requests); the words are those of ``Explanations``.
public enum PlacementCheck {
    /// Every reason `candidate` cannot be placed among `others` (the other requests' current placements); empty when
    /// it can. `label` names a request in the messages (its unit, say); the id is used when it returns nil.
    public static func refusals(
        of candidate: Assignment, among others: [Assignment], in problem: Problem, label: (String) -> String? = { _ in nil }
    ) -> [String] {
        // The problem's own labels name a request in words only; a caller's label keeps the id beside the name.
        func name(_ id: String) -> String { problem.labels.requests[id] ?? label(id).map { "\($0) (\(id))" } ?? id }
        guard let request = problem.requests.first(where: { $0.id == candidate.request }) else {
            return ["Buổi \(candidate.request) không có trong bài toán xếp lịch của tuần."]
        }
        guard request.options.indices.contains(candidate.option) else {
            return ["Đăng ký chỉ có \(request.options.count) phương án thời gian (chọn từ 1 đến \(request.options.count))."]
        }
        var refusals: [String] = []
        let when = request.options[candidate.option]
        let span = "phương án \(candidate.option + 1) (\(Explanations.describe(start: when.start.minutesSinceEpoch, end: when.end.minutesSinceEpoch)))"
        if let notBefore = request.notBefore, when.start < notBefore {
            refusals.append(
                "\(span.capitalizedFirst) bắt đầu trước ngày được phép: dự thảo báo cáo gửi chưa đủ số ngày quy định, sớm nhất \(Explanations.shortDate(notBefore.minutesSinceEpoch, withTime: notBefore.minuteOfDay != 0)).")
        }
        guard let team = problem.teams.first(where: { $0.id == candidate.team }) else {
            return refusals + ["Không có tổ công tác '\(candidate.team)'."]
        }
        if !team.blocs.contains(request.bloc) {
            let covering = problem.teams.filter { $0.blocs.contains(request.bloc) }.map(\.name)
            refusals.append(
                "\(team.name) không theo dõi khối của đơn vị" + (covering.isEmpty ? "." : "; tổ theo dõi khối này: \(covering.joined(separator: ", ")).")
            )
        }
        var member: Member?
        if let id = candidate.member {
            member = problem.members.first { $0.id == id }
            if member == nil { refusals.append("Không có đồng chí UVBTV với mã '\(id)'.") }
        } else if request.needsMember {
            refusals.append("Buổi kiểm điểm cần một đồng chí UVBTV dự, chỉ đạo.")
        }

        var placed: [String: (Request, TimeOption, Assignment)] = [:]
        for a in others where a.request != candidate.request {
            guard let r = problem.requests.first(where: { $0.id == a.request }), r.options.indices.contains(a.option) else { continue }
            placed[a.request] = (r, r.options[a.option], a)
        }
        func personRefusals(_ who: String, busy: [TimeOption], maxPerDay: Int, isMine: (Assignment) -> Bool) -> [String] {
            var why: [String] = []
            for block in busy where block.intersects(when) {
                why.append("\(who) có lịch bận \(Explanations.describe(start: block.start.minutesSinceEpoch, end: block.end.minutesSinceEpoch))")
            }
            var sameDay = 0
            for (r, other, a) in placed.values.sorted(by: { $0.1.start < $1.1.start }) where isMine(a) {
                if other.start.daysSinceEpoch == when.start.daysSinceEpoch { sameDay += 1 }
                let overlaps = other.start < when.end && when.start < other.end
                let time = Explanations.clock(other.start.minutesSinceEpoch) + "–" + Explanations.clock(other.end.minutesSinceEpoch)
                if overlaps {
                    why.append("\(who) đang dự buổi \(name(r.id)) (\(time))")
                    continue
                }
                let gapAfter = problem.travelMinutes.minutes(from: r.location, to: request.location)
                let gapBefore = problem.travelMinutes.minutes(from: request.location, to: r.location)
                if other.end <= when.start && other.end.adding(minutes: gapAfter) > when.start {
                    why.append("\(who) không kịp di chuyển từ buổi \(name(r.id)) (\(time), cần \(gapAfter) phút đi đường)")
                } else if when.end <= other.start && when.end.adding(minutes: gapBefore) > other.start {
                    why.append("\(who) không kịp di chuyển đến buổi \(name(r.id)) (\(time), cần \(gapBefore) phút đi đường)")
                }
            }
            if sameDay >= maxPerDay {
                why.append("\(who) đã đủ \(maxPerDay) buổi trong ngày \(Explanations.shortDate(when.start.minutesSinceEpoch, withTime: false))")
            }
            return why
        }
        if let member {
            refusals += personRefusals("Đồng chí \(member.name)", busy: member.busy, maxPerDay: member.maxPerDay) { $0.member == member.id }
        }
        refusals += personRefusals(team.name, busy: team.busy, maxPerDay: team.maxPerDay) { $0.team == team.id }

        for predecessor in request.after {
            guard let (r, before, _) = placed[predecessor] else {
                refusals.append("Buổi phải tổ chức trước (\(name(predecessor))) chưa được xếp lịch trong tuần.")
                continue
            }
            if before.end > when.start {
                refusals.append(
                    "Buổi phải tổ chức trước (\(name(r.id))) kết thúc lúc \(Explanations.shortDate(before.end.minutesSinceEpoch, withTime: true)), sau giờ bắt đầu của \(span).")
            }
        }
        for (r, after, _) in placed.values where r.after.contains(request.id) && when.end > after.start {
            refusals.append(
                "Buổi này phải kết thúc trước khi buổi \(name(r.id)) bắt đầu (\(Explanations.shortDate(after.start.minutesSinceEpoch, withTime: true))).")
        }
        return refusals.map { $0.hasSuffix(".") ? $0 : $0 + "." }
    }
}

extension String {
    /// The text with its first letter upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
