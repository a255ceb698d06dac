public import Foundation

/// Checks a cell's submission against the campaign's rules (plan IV.1, rules 1, 2, 5 of the product):
/// field formats, one ISO week still open, working hours, holidays, the campaign's deadlines, and
/// the draft report's two days of lead time.
public struct RegistrationRules: Sendable {
    /// The district.
    public let district: District
    /// Longest contact name, in characters.
    public static let maxNameLength = 120
    /// Longest phone number, in characters.
    public static let maxPhoneLength = 20
    /// Longest note, in characters.
    public static let maxNoteLength = 1000

    /// Creates the rules for a district.
    public init(district: District) {
        self.district = district
    }

    /// The outcome of a check: the parts of a request, or every problem found.
    public struct Checked: Sendable {
        /// The campaign the options fall in.
        public var campaign: Campaign
        /// The unit.
        public var unit: ReviewUnit
        /// The kind.
        public var kind: ReviewKind
        /// The batch week.
        public var week: ISOWeek
        /// Parsed options.
        public var options: [TimeOption]
        /// Location id.
        public var location: String
        /// Draft date, if sent.
        public var draftSent: LocalDate?
        /// Cleaned contact name.
        public var contactName: String?
        /// Cleaned phone.
        public var contactPhone: String?
        /// Checked contact e-mail address.
        public var contactEmail: String?
        /// Cleaned note.
        public var note: String?
        /// Predecessor ids as given.
        public var after: [String]
        /// Warnings that do not refuse the request.
        public var warnings: [String]
    }

    /// Checks a submission for `unitId` at instant `now`. `admitLate` lets the office place it in a closed week;
    /// `checkKindAllowed: false` skips whether the unit's kind may register the review kind (a stored request keeps its kind).
    public func check(
        _ input: RegistrationInput, unitId: String, now: Date, admitLate: Bool = false, checkKindAllowed: Bool = true
    ) -> Result<Checked, ReviewError> {
        var problems: [ProblemDetail] = []
        func fail(_ code: String, _ field: String?, _ message: String) {
            problems.append(ProblemDetail(code: code, field: field, message: message))
        }
        guard let unit = district.unit(unitId) else {
            return .failure(ReviewError(.unknownUnit, "Không có đơn vị '\(Text.clip(unitId))' trong \(district.name). Kiểm tra lại mã đơn vị."))
        }
        let kind = ReviewKind(rawValue: input.kind)
        if kind == nil {
            let known = ReviewKind.allCases.map { "\($0.rawValue) (\($0.vietnamese))" }.joined(separator: ", ")
            fail("invalid-kind", "kind", "Loại kiểm điểm '\(Text.clip(input.kind))' không hợp lệ. Chọn một trong: \(known).")
        } else if let kind, checkKindAllowed, let message = Self.kindRefusal(kind, unit: unit, district: district) {
            fail("kind-not-allowed", "kind", message)
        }
        let contactName = checkText(input.contactName, field: "contactName", label: "Người liên hệ", max: Self.maxNameLength, multiline: false, &problems)
        let contactPhone = checkPhone(input.contactPhone, &problems)
        let contactEmail = checkEmail(input.contactEmail, &problems)
        let note = checkText(input.note, field: "note", label: "Ghi chú", max: Self.maxNoteLength, multiline: true, &problems)

        var location = unit.location
        if let given = input.location {
            if district.location(given) == nil {
                fail("unknown-location", "location", "Địa điểm '\(Text.clip(given))' không có trong danh mục địa điểm của huyện. Bỏ trống để dùng địa điểm của đơn vị (\(unit.location)).")
            } else {
                location = given
            }
        }

        var draftSent: LocalDate?
        if let text = input.draftSent {
            if let d = LocalDate(iso: text) {
                draftSent = d
                let today = district.zone.date(of: now)
                if d > today {
                    fail("draft-in-future", "draftSent", "Ngày gửi dự thảo \(d.vietnamese) ở tương lai (hôm nay là \(today.vietnamese)). Chỉ khai báo khi đã gửi.")
                }
            } else {
                fail("invalid-date", "draftSent", "Ngày gửi dự thảo '\(Text.clip(text))' không đúng dạng YYYY-MM-DD (ví dụ 2023-12-08).")
            }
        }

        var options: [TimeOption] = []
        if input.options.isEmpty || input.options.count > 3 {
            fail("option-count", "options", "Cần từ 1 đến 3 phương án thời gian (đã gửi \(input.options.count)).")
        }
        for (i, o) in input.options.enumerated() {
            let field = "options[\(i)]"
            let s = LocalDateTime(iso: o.start), e = LocalDateTime(iso: o.end)
            if s == nil { fail("invalid-time", "\(field).start", "Phương án \(i + 1): giờ bắt đầu '\(Text.clip(o.start))' không đúng dạng YYYY-MM-DDTHH:MM (ví dụ 2023-12-12T07:30).") }
            if e == nil { fail("invalid-time", "\(field).end", "Phương án \(i + 1): giờ kết thúc '\(Text.clip(o.end))' không đúng dạng YYYY-MM-DDTHH:MM (ví dụ 2023-12-12T11:30).") }
            guard let s, let e else { continue }
            if e <= s {
                fail("end-before-start", field, "Phương án \(i + 1): kết thúc (\(e.vietnamese)) không sau bắt đầu (\(s.vietnamese)).")
                continue
            }
            let option = TimeOption(start: s, end: e)
            if let first = options.firstIndex(of: option) {
                fail("duplicate-option", field, "Phương án \(i + 1) (\(option)) trùng với phương án \(first + 1). Mỗi phương án phải là một thời gian khác; bỏ phương án trùng.")
                continue
            }
            options.append(option)
        }
        guard problems.isEmpty, let kind else {
            return .failure(summary(problems))
        }

        let week = ISOWeek(containing: options[0].start.date)
        for (i, o) in options.enumerated() where ISOWeek(containing: o.start.date) != week || ISOWeek(containing: o.end.adding(minutes: -1).date) != week {
            fail("mixed-weeks", "options[\(i)]", "Phương án \(i + 1) (\(o)) không cùng tuần với phương án 1 (\(week.vietnamese)). Mọi phương án phải trong cùng một tuần; đăng ký riêng cho tuần khác.")
        }
        guard let campaign = district.campaign(meantFor: options[0].start.date) else {
            return .failure(ReviewError(.noCampaign, "Không có đợt kiểm điểm nào trong thời gian \(options[0]).", details: problems))
        }
        for (i, o) in options.enumerated() {
            problems += checkOption(o, index: i, kind: kind, campaign: campaign)
            if let draftSent, case let earliest = campaign.earliestStart(draftSent: draftSent), o.start < earliest {
                fail("lead-time", "options[\(i)].start", "Phương án \(i + 1) (\(o)) quá sớm: dự thảo báo cáo gửi ngày \(draftSent.vietnamese) phải đến đồng chí UVBTV phụ trách và tổ trưởng tổ công tác ít nhất \(campaign.leadDays) ngày trước buổi kiểm điểm, nên sớm nhất là ngày \(earliest.date.vietnamese).")
            }
        }
        let window = campaign.cutoff
        if !window.isOpen(week, at: now) && !admitLate {
            let first = window.firstOpenWeek(at: now)
            fail("late", "options", "Đã hết hạn đăng ký cho \(week.vietnamese): hạn chót là \(window.closing(of: week).vietnamese). Tuần sớm nhất còn nhận đăng ký là \(first.vietnamese) (hạn \(window.closing(of: first).vietnamese)). Nếu cần tổ chức trong tuần đã khóa, liên hệ Văn phòng Huyện ủy.")
        }
        guard problems.isEmpty else { return .failure(summary(problems)) }

        var warnings: [String] = []
        if draftSent == nil {
            warnings.append("Chưa khai báo ngày gửi dự thảo báo cáo: buổi kiểm điểm chưa thể được xếp lịch cho đến khi khai báo (reviewcal change --draft-sent YYYY-MM-DD). Dự thảo phải gửi trước buổi kiểm điểm ít nhất \(campaign.leadDays) ngày.")
        }
        return .success(Checked(
            campaign: campaign, unit: unit, kind: kind, week: week, options: options, location: location, draftSent: draftSent,
            contactName: contactName, contactPhone: contactPhone, contactEmail: contactEmail, note: note, after: input.after ?? [], warnings: warnings))
    }

    /// Working day, holiday, working hours, campaign period and the kind's deadline, for one option.
    func checkOption(_ o: TimeOption, index i: Int, kind: ReviewKind, campaign: Campaign) -> [ProblemDetail] {
        var problems: [ProblemDetail] = []
        let field = "options[\(i)]"
        let date = o.start.date
        if o.end.date != date {
            problems.append(.init(code: "outside-hours", field: field, message: "Phương án \(i + 1) (\(o)) kéo dài qua ngày khác. Mỗi phương án nằm trong một ngày."))
            return problems
        }
        if o.minutes < campaign.minSessionMinutes {
            problems.append(.init(code: "session-too-short", field: field, message: "Phương án \(i + 1) (\(o)) chỉ dài \(Self.duration(o.minutes)): buổi kiểm điểm phải dài ít nhất \(Self.duration(campaign.minSessionMinutes))."))
        }
        let longest = campaign.longestPeriodMinutes
        let tooLong = o.minutes > longest
        if tooLong {
            let hours = campaign.workingHours.map { "\($0.start)–\($0.end)" }.joined(separator: " hoặc ")
            problems.append(.init(code: "session-too-long", field: field, message: "Phương án \(i + 1) (\(o)) dài \(Self.duration(o.minutes)), dài hơn một buổi làm việc (dài nhất \(Self.duration(longest)); giờ làm việc: \(hours)). Buổi kiểm điểm phải trọn trong một buổi; cần dài hơn thì đăng ký thêm một buổi hoặc liên hệ Văn phòng Huyện ủy."))
        }
        if !campaign.workingDays.contains(date.isoWeekday) {
            problems.append(.init(code: "not-working-day", field: field, message: "Phương án \(i + 1): \(date.vietnameseWeekday) \(date.vietnamese) không phải ngày làm việc. Chọn một ngày từ \(Self.dayList(campaign.workingDays))."))
        }
        if let h = campaign.holiday(on: date) {
            problems.append(.init(code: "holiday", field: field, message: "Phương án \(i + 1): ngày \(date.vietnamese) là ngày nghỉ (\(h.name)). Chọn ngày khác."))
        }
        let inHours = campaign.workingHours.contains { o.start.time >= $0.start && o.end.time <= $0.end }
        if !inHours && !tooLong {
            let hours = campaign.workingHours.map { "\($0.start)–\($0.end)" }.joined(separator: " hoặc ")
            problems.append(.init(code: "outside-hours", field: field, message: "Phương án \(i + 1) (\(o)) nằm ngoài giờ làm việc. Buổi kiểm điểm phải trọn trong một buổi: \(hours)."))
        }
        if date < campaign.starts || date > campaign.ends {
            problems.append(.init(code: "outside-campaign", field: field, message: "Phương án \(i + 1): ngày \(date.vietnamese) nằm ngoài đợt \(campaign.name) (\(campaign.starts.vietnamese)–\(campaign.ends.vietnamese))."))
        }
        if let d = campaign.deadline(for: kind), date > d.date {
            problems.append(.init(code: "after-deadline", field: field, message: "Phương án \(i + 1): ngày \(date.vietnamese) quá hạn \"\(d.title)\" (\(d.date.vietnamese)). Chọn ngày không muộn hơn \(d.date.vietnamese)."))
        }
        return problems
    }

    /// Why a unit may not register a review kind, naming the kinds it may register; nil when it may.
    public static func kindRefusal(_ kind: ReviewKind, unit: ReviewUnit, district: District) -> String? {
        let allowed = district.kinds(registrableBy: unit.kind)
        if allowed.contains(kind) { return nil }
        let head = "\(unit.name) (\(unit.kind.vietnamese)) không đăng ký được \"\(kind.vietnamese)\" (\(kind.rawValue))."
        if allowed.isEmpty {
            return head + " Đơn vị loại \(unit.kind.vietnamese) không đăng ký loại kiểm điểm nào; liên hệ Văn phòng Huyện ủy."
        }
        let list = allowed.map { "\($0.rawValue) (\($0.vietnamese))" }.joined(separator: ", ")
        return head + " Đơn vị loại \(unit.kind.vietnamese) đăng ký được: \(list)."
    }

    /// `45 phút`, `4 giờ`, `9 giờ 30 phút`.
    static func duration(_ minutes: Int) -> String {
        let (h, m) = (minutes / 60, minutes % 60)
        return h == 0 ? "\(m) phút" : m == 0 ? "\(h) giờ" : "\(h) giờ \(m) phút"
    }

    private func checkText(_ value: String?, field: String, label: String, max: Int, multiline: Bool, _ problems: inout [ProblemDetail]) -> String? {
        guard let value else { return nil }
        let trimmed = Text.trimmed(value)
        if trimmed.isEmpty { return nil }
        if let bad = Text.forbiddenCharacter(in: trimmed, allowNewlines: multiline) {
            problems.append(.init(code: bad.code.rawValue, field: field, message: bad.message(field: label)))
        }
        if trimmed.count > max {
            problems.append(.init(code: "too-long", field: field, message: "\(label) dài \(trimmed.count) ký tự, tối đa \(max)."))
        }
        return Text.nfc(trimmed)
    }

    private func checkPhone(_ value: String?, _ problems: inout [ProblemDetail]) -> String? {
        guard let phone = checkText(value, field: "contactPhone", label: "Số điện thoại", max: Self.maxPhoneLength, multiline: false, &problems) else { return nil }
        if !phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +.-()".contains($0)) }) {
            problems.append(.init(code: "invalid-phone", field: "contactPhone", message: "Số điện thoại '\(Text.clip(phone))' chỉ được gồm chữ số, dấu cách và + . - ( )."))
        }
        return phone
    }

    private func checkEmail(_ value: String?, _ problems: inout [ProblemDetail]) -> String? {
        guard let email = checkText(value, field: "contactEmail", label: "Địa chỉ thư", max: Text.maxEmailLength + 1, multiline: false, &problems) else { return nil }
        if let problem = Text.emailProblem(email) {
            problems.append(.init(code: "invalid-email", field: "contactEmail", message: "Địa chỉ thư '\(Text.clip(email))' không hợp lệ: \(problem)."))
        }
        return email
    }

    private func summary(_ problems: [ProblemDetail]) -> ReviewError {
        if problems.count == 1 {
            return ReviewError(ErrorCode(rawValue: problems[0].code), problems[0].message, details: problems)
        }
        let code = Set(problems.map(\.code)).count == 1 ? problems[0].code : "invalid-request"
        return ReviewError(ErrorCode(rawValue: code), "Đăng ký chưa hợp lệ (\(problems.count) lỗi):", details: problems)
    }

    static func dayList(_ days: Set<Int>) -> String {
        let names = ["", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
        return days.sorted().map { names[$0] }.joined(separator: ", ")
    }
}

