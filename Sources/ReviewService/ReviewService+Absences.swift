import Foundation
import ReviewCore
import ReviewStore

extension ReviewService {
    /// A session an absence breaks: its member or team is away while it takes place.
    public struct BrokenSession: Sendable, Hashable, Codable {
        /// The request.
        public var request: String
        /// The unit's name.
        public var unitName: String
        /// The week.
        public var week: ISOWeek
        /// When it takes place (local).
        public var start: LocalDateTime
        /// When it ends (local).
        public var end: LocalDateTime
        /// Whether it is published (people have it in their calendars); otherwise it is the proposal only.
        public var published: Bool
        /// The absence that breaks it.
        public var absence: String
        /// In Vietnamese: who is away, when, why.
        public var text: String
    }

    /// What recording an absence did.
    public struct AbsenceResult: Sendable {
        /// The absence as stored.
        public var absence: Absence
        /// The sessions, published or proposed, that it breaks.
        public var broken: [BrokenSession]
    }

    /// Longest reason of an absence, in characters.
    public static let maxAbsenceReasonLength = 200
    /// Longest absence: a year.
    public static let maxAbsenceDays = 366

    /// Reads the start of an absence: `YYYY-MM-DD` (the day's first minute) or `YYYY-MM-DDTHH:MM`.
    public static func absenceStart(_ text: String) throws -> LocalDateTime {
        try absenceTime(text, end: false)
    }

    /// Reads the end of an absence: `YYYY-MM-DD` (the whole day, up to the next midnight) or `YYYY-MM-DDTHH:MM`.
    public static func absenceEnd(_ text: String) throws -> LocalDateTime {
        try absenceTime(text, end: true)
    }

    private static func absenceTime(_ text: String, end: Bool) throws -> LocalDateTime {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let date = LocalDate(iso: t) {
            return LocalDateTime(date: end ? date.adding(days: 1) : date, time: LocalTime(hour: 0, minute: 0)!)
        }
        if let time = LocalDateTime(iso: t.replacingOccurrences(of: " ", with: "T")) { return time }
        throw ReviewError(
            .invalidDate, "'\(Text.clip(t))' không phải ngày (YYYY-MM-DD, cả ngày) hay thời điểm (YYYY-MM-DDTHH:MM, ví dụ 2026-12-09T12:00 cho buổi chiều).")
    }

    /// Records that a member or a team is away from `start` to `end` (local time) for `reason`. Refused when the end is
    /// not after the start, the person is unknown, or the person already has an absence sharing a minute with it (the
    /// office removes that one and records the whole span again). Returns the sessions it breaks.
    public func addAbsence(
        subject: Absence.Subject, id: String, start: LocalDateTime, end: LocalDateTime, reason: String, by actor: String
    ) async throws -> AbsenceResult {
        let name = try personName(subject, id)
        guard end > start else {
            throw ReviewError(
                .invalidTime, "Lịch vắng phải kết thúc sau khi bắt đầu, nhưng bắt đầu \(start.vietnamese), kết thúc \(Self.endText(end)). Với cả ngày, ghi ngày đầu và ngày cuối (từ 2026-12-09 đến 2026-12-09 là trọn ngày 09/12).")
        }
        guard end.minutesSinceEpoch - start.minutesSinceEpoch <= Self.maxAbsenceDays * 1440 else {
            throw ReviewError(.invalidTime, "Lịch vắng dài quá \(Self.maxAbsenceDays) ngày: hãy kiểm tra lại ngày bắt đầu và kết thúc.")
        }
        let why = try Self.checkedAbsenceReason(reason)
        let absence = Absence(
            id: Secrets.identifier(prefix: "v-", length: 8), districtId: district.id, subject: subject, subjectId: id, start: start, end: end,
            reason: why, createdAt: clock.now(), createdBy: actor)
        try await store.write(serializedOn: district.id) { tx in
            let existing = try await tx.absences(district: self.district.id, from: start, to: end).filter { $0.personKey == absence.personKey }
            if let other = existing.first {
                throw ReviewError(
                    .absenceOverlap, "\(name) đã có lịch vắng \(other.id) \(Self.span(other)) (\(other.reason)), trùng với lịch vắng mới. Nếu cần sửa: xóa lịch vắng đó (reviewcal absence remove \(other.id)) rồi ghi lại cả khoảng thời gian.")
            }
            try await tx.insertAbsence(absence)
            try await tx.audit(self.auditEntry(
                actor: actor, action: "absence.add", entity: "absence", id: absence.id, before: nil, after: StoreTransaction.json(absence)))
        }
        return AbsenceResult(absence: absence, broken: try await brokenSessions(absences: [absence]))
    }

    /// Removes an absence; later runs no longer see it. Returns it as it was.
    @discardableResult
    public func removeAbsence(id: String, by actor: String) async throws -> Absence {
        try await store.write(serializedOn: district.id) { tx in
            guard let a = try await tx.absence(id: id, district: self.district.id), try await tx.deleteAbsence(id: id, district: self.district.id) else {
                throw ReviewError(.unknownAbsence, "Không có lịch vắng '\(Text.clip(id))'. Xem danh sách bằng: reviewcal absence list")
            }
            try await tx.audit(self.auditEntry(actor: actor, action: "absence.remove", entity: "absence", id: id, before: StoreTransaction.json(a), after: nil))
            return a
        }
    }

    /// The absences that share a minute with the week (all when nil), in order of start.
    public func absences(week: ISOWeek? = nil) async throws -> [Absence] {
        let range = week.map(Self.range(of:))
        return try await store.read { tx in try await tx.absences(district: self.district.id, from: range?.from, to: range?.to) }
    }

    /// The sessions (published, or proposed and not published) whose member or team is away while they take place,
    /// by `absences` (all stored ones when nil), cancelled ones and sessions already held left out.
    public func brokenSessions(week: ISOWeek? = nil, absences given: [Absence]? = nil) async throws -> [BrokenSession] {
        let list: [Absence]
        if let given { list = given } else { list = try await absences(week: week) }
        return try await brokenSessions(absences: list, week: week)
    }

    private func brokenSessions(absences list: [Absence], week: ISOWeek? = nil) async throws -> [BrokenSession] {
        guard !list.isEmpty else { return [] }
        let (sessions, requests) = try await store.read { tx in
            (try await tx.sessions(district: self.district.id, week: week), try await tx.requests(district: self.district.id, week: week, status: .open))
        }
        let requestById = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        var out: [BrokenSession] = []
        for s in sessions where s.held == nil {
            guard let r = requestById[s.requestId] else { continue }
            let live: (Placement, Bool)? =
                if let p = s.published, !p.cancelled { (p.placement, true) } else if let p = s.proposal { (p, false) } else { nil }
            guard let (place, published) = live else { continue }
            for a in list where a.overlaps(start: place.start, end: place.end) {
                let involved = a.subject == .member ? place.member == a.subjectId : place.team == a.subjectId
                guard involved else { continue }
                let unit = district.unit(r.unitId)?.name ?? r.unitId
                let who = (try? personName(a.subject, a.subjectId)) ?? a.subjectId
                out.append(BrokenSession(
                    request: r.id, unitName: unit, week: s.week, start: place.start, end: place.end, published: published, absence: a.id,
                    text: "\(who) vắng \(Self.span(a)) (\(a.reason)): trùng buổi kiểm điểm \(unit), \(Self.partOfDay(place.start)) \(place.start.date.vietnameseWeekday.lowercasedFirst) \(place.start.date.vietnameseDayMonth)\(published ? " (đã công bố)" : " (dự kiến)")."))
                break
            }
        }
        return out.sorted { ($0.start, $0.request) < ($1.start, $1.request) }
    }

    /// "Đ/c Tên" for a member, the team's name for a team; refused when unknown.
    public func personName(_ subject: Absence.Subject, _ id: String) throws -> String {
        switch subject {
        case .member:
            guard let m = district.member(id) else {
                throw ReviewError(
                    .unknownMember, "Không có UVBTV '\(Text.clip(id))'. Các mã UVBTV: \(district.members.map(\.id).joined(separator: ", ")).")
            }
            return "Đ/c \(m.name)"
        case .team:
            guard let t = district.team(id) else {
                throw ReviewError(.unknownTeam, "Không có tổ công tác '\(Text.clip(id))'. Các mã tổ: \(district.teams.map(\.id).joined(separator: ", ")).")
            }
            return t.name
        }
    }

    /// The reason of an absence: one line, 3 to 200 characters.
    static func checkedAbsenceReason(_ text: String) throws -> String {
        let reason = Text.trimmed(text, newlines: true)
        if reason.count < 3 { throw ReviewError(.missingReason, "Cần ghi lý do vắng (ít nhất 3 ký tự), ví dụ \"Họp Tỉnh ủy\".") }
        if let bad = Text.forbiddenCharacter(in: reason, allowNewlines: false) {
            throw ReviewError(.controlCharacter, "Lý do vắng có ký tự không hợp lệ (\(bad)): chỉ ghi một dòng chữ.")
        }
        if reason.count > maxAbsenceReasonLength { throw ReviewError(.tooLong, "Lý do vắng dài \(reason.count) ký tự, tối đa \(maxAbsenceReasonLength).") }
        return Text.nfc(reason)
    }

    /// The week as local times `[Monday 00:00, next Monday 00:00)`.
    static func range(of week: ISOWeek) -> (from: LocalDateTime, to: LocalDateTime) {
        let midnight = LocalTime(hour: 0, minute: 0)!
        return (LocalDateTime(date: week.monday, time: midnight), LocalDateTime(date: week.monday.adding(days: 7), time: midnight))
    }

    /// "từ 08:00 thứ Tư 09/12 đến 00:00 thứ Năm 10/12", said as whole days when it is: "cả ngày thứ Tư 09/12",
    /// "từ thứ Tư 09/12 đến hết thứ Sáu 11/12", "buổi chiều thứ Tư 09/12".
    public static func span(_ a: Absence) -> String {
        let s = a.start, e = a.end
        func day(_ d: LocalDate) -> String { "\(d.vietnameseWeekday.lowercasedFirst) \(d.vietnameseDayMonth)" }
        if s.minuteOfDay == 0 && e.minuteOfDay == 0 {
            let last = e.date.adding(days: -1)
            return last == s.date ? "cả ngày \(day(s.date))" : "từ \(day(s.date)) đến hết \(day(last))"
        }
        if s.date == e.date || (e.minuteOfDay == 0 && e.date == s.date.adding(days: 1)) {
            if s.minuteOfDay == 0 && e.minuteOfDay == 720 { return "buổi sáng \(day(s.date))" }
            if s.minuteOfDay == 720 && e.minuteOfDay == 0 { return "buổi chiều \(day(s.date))" }
            return "từ \(s.time) đến \(e.minuteOfDay == 0 ? "24:00" : "\(e.time)") \(day(s.date))"
        }
        return "từ \(s.time) \(day(s.date)) đến \(e.time) \(day(e.date))"
    }

    /// An end time as said: "hết ngày Thứ Ba 15/12/2026" for midnight, else the time.
    static func endText(_ end: LocalDateTime) -> String {
        end.minuteOfDay == 0 ? "hết ngày \(end.date.adding(days: -1).vietnameseWeekday) \(end.date.adding(days: -1).vietnamese)" : end.vietnamese
    }

    /// "sáng", "chiều" or "tối" of a start time.
    static func partOfDay(_ t: LocalDateTime) -> String {
        t.minuteOfDay < 720 ? "sáng" : t.minuteOfDay < 1080 ? "chiều" : "tối"
    }
}

extension String {
    /// The text with its first letter in lower case ("Thứ Tư" → "thứ Tư").
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
