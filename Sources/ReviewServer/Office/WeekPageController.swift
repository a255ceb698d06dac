import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore
import Scheduling

/// `/office/weeks/{week}…`: the week board, one session's page, and every action on them (run, move, pin, unpin,
/// admit a late request, publish, reschedule, cancel), each calling the same service method as the command line.
struct WeekPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }
    var district: District { kit.service.district }

    // MARK: View models

    struct WeekPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var week: String
        var heading: String
        var previous: String
        var next: String
        var version: String
        var cutoffText: String
        var counts: Counts
        var hasChanges: Bool
        var lastRun: String?
        var lastPublish: String?
        var days: [DayBlock]
        var unscheduled: [UnscheduledRow]
        /// Sessions the office cancelled, with the reason and the way to hold them again.
        var cancelled: [UnscheduledRow] = []
        var changes: [ChangeRow]
        /// The week's requests, shown on the board for a district's week; a province's has only the link.
        var requestTable: RequestTable?
        /// Sessions an absence breaks (published or proposed), in red with the reason.
        var broken: [RepairPageController.BrokenRow] = []
        var brokenCount = 0
        var brokenPublished = 0
        /// E-mail beside the publish button (nil when the district sends none).
        var mail: MailNote? = nil
        /// What publishing changes, in one line beside its button.
        var publishSummary: String? = nil
        /// The undo of the week's last publish or cancellation.
        var undo: UndoNote? = nil
        /// The search by unit name, and what it found.
        var search: UnitSearchBox? = nil
    }
    /// Who a publish would write to, and how the week's last messages stand.
    struct MailNote {
        /// "3 người sẽ được báo qua thư" when the proposal differs from what is published.
        var pendingText: String?
        /// "Phạm Minh Đức <pmduc@…> – thư mời kèm lịch (iCalendar)", one per person.
        var pending: [String]
        /// "Thư báo lần công bố gần nhất: đã gửi 12/15".
        var lastText: String?
        /// "2 đang chờ gửi".
        var waitingText: String?
        /// "1 gửi không được", linking to the outbox filtered on the week's failed messages.
        var failedText: String?
        var failedHref: String
        var outboxHref: String
    }
    struct RequestTable {
        var requests: [RequestRow]
    }
    struct RequestsPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var week: String
        var heading: String
        var cutoffText: String
        var counts: Counts
        var requests: [RequestRow]
        var locked: Bool
        var admit: AdmitForm
        /// The search by unit name, and what it found.
        var search: UnitSearchBox? = nil
    }
    struct Counts {
        var requests: Int
        var late: Int?
        var withdrawn: Int?
        var proposed: Int
        var unscheduled: Int
        var cancelled: Int? = nil
        var changes: Int
        var published: Int
    }
    struct DayBlock {
        var id: String
        var title: String
        var halves: [HalfBlock]
    }
    struct HalfBlock {
        var id: String
        var caption: String
        var sessions: [SessionRow]
    }
    struct SessionRow {
        var id: String
        var href: String
        var time: String
        var unit: String
        var kind: String
        var location: String
        var option: String
        var member: String
        var team: String
        var status: String
        var pinned: Bool
        var late: Bool
        /// Why the session cannot take place as it stands: who is away, when, why.
        var absence: String? = nil
    }
    struct UnscheduledRow {
        var id: String
        var href: String
        var unit: String
        var kind: String
        var reason: String
    }
    struct ChangeRow {
        var id: String
        var href: String
        var unit: String
        var what: String
        var before: String
        var after: String
    }
    struct RequestRow {
        var id: String
        var href: String
        var unit: String
        var kind: String
        var options: [String]
        var draft: String
        var contact: String
        var status: String
        var late: Bool
        var withdrawn: Bool
    }
    struct AdmitForm {
        var units: [Choice]
        var kinds: [Choice]
        var monday: String
        var sunday: String
        var values: AdmitValues
    }
    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }

    struct SessionPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var week: String
        var weekHeading: String
        var version: String
        var id: String
        var unit: String
        var kind: String
        var location: String
        var draft: String
        var contact: String
        var note: String?
        var status: String
        var late: Bool
        var withdrawn: Bool
        var pinned: Bool
        var proposal: String?
        var published: String?
        var publishedCancelled: Bool
        var changeReason: String?
        var reason: String?
        var isPublished: Bool
        var isLive: Bool
        var options: [Choice]
        var members: [Choice]
        var teams: [Choice]
        var rescheduleOptions: [Choice]
        var rescheduleMembers: [Choice]
        var rescheduleTeams: [Choice]
        var reasonText: String
        var cancelReasonText: String
        /// The undo of this session's cancellation, right after it.
        var undo: UndoNote? = nil
        /// Cancelled by the office: the page offers to hold it again instead of a move.
        var cancelled: Bool = false
        var cancellation: String? = nil
        /// The draft date form: the date recorded (ISO, empty when none), today as its upper bound, a date sent.
        var draftMissing: Bool = false
        var draftValue: String = ""
        var today: String = ""
    }

    // MARK: Forms

    struct VersionForm: Decodable {
        var version: String?
    }
    struct PlacementForm: Decodable {
        var version: String?
        var option: Int
        var member: String
        var team: String
        var reason: String?
        /// Set by the form that holds a cancelled session again.
        var reinstate: String?
    }
    struct ReasonForm: Decodable {
        var version: String?
        var reason: String
    }
    struct DraftForm: Decodable {
        var version: String?
        var date: String
    }
    struct AdmitValues: Codable {
        var unit: String = ""
        var kind: String = ""
        var day: String = ""
        var start: String = "07:30"
        var end: String = "11:30"
        var draftSent: String = ""
        var contact: String = ""
        var phone: String = ""
    }

    // MARK: Routes

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("weeks/:week") { request, context in
            await kit.guarded(context) {
                kit.pages.page("week", try await weekPage(context, week: try kit.week(context), search: UnitSearchBox.search(request)))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được tuần", message: f.message)
            }
        }
        group.post("weeks/:week/run") { _, context in
            await weekAction(context, success: { (result: (ReviewService.RunResult, Int)) in
                Self.runMessage(result.0, changes: result.1)
            }) { week, version, actor in
                let r = try await service.runSchedule(week: week, by: actor, expectedVersion: version)
                return (r, try await service.weekBoard(week: week).changes.count)
            }
        }
        group.post("weeks/:week/publish") { _, context in
            guard kit.confirmed(context) else { return await confirmPublish(context) }
            return await weekAction(context, anchor: "tom-tat", success: { n in "Đã công bố: \(n) buổi mới hoặc thay đổi đã lên lịch của các đồng chí, tổ công tác và đơn vị." }) {
                week, version, actor in
                try await service.publish(week: week, by: actor, expectedVersion: version)
            }
        }
        group.post("weeks/:week/admit") { _, context in
            let week: ISOWeek
            do { week = try kit.week(context) } catch { return kit.failure(context, error) }
            var values = AdmitValues()
            return await kit.guarded(context) {
                values = try kit.form(AdmitValues.self, context)
                let input = RegistrationInput(
                    unit: values.unit, kind: values.kind, options: [OptionInput(start: "\(values.day)T\(values.start)", end: "\(values.day)T\(values.end)")],
                    draftSent: values.draftSent.isEmpty ? nil : values.draftSent, contactName: values.contact, contactPhone: values.phone)
                let answer = try await service.register(input, by: .office(context.identity!.user.login), idempotencyKey: nil, admitLate: true)
                let id = (try? JSONDecoder.views.decode(RequestView.self, from: Data(answer.body.utf8)))?.request.id ?? ""
                let target = ISOWeek(containing: LocalDate(iso: values.day) ?? week.monday)
                let label = try await service.requestLabel(id: id)
                let draft =
                    values.draftSent.isEmpty
                    ? " Chưa có ngày gửi dự thảo báo cáo nên chưa xếp lịch được: khi đơn vị gửi, ghi ngày ở mục “Ngày gửi dự thảo” trên trang của buổi."
                    : ""
                return kit.redirect("/office/weeks/\(target.iso)/requests#dk-\(id)", flash: "Đã nhận đăng ký: \(label).\(draft)", context)
            } onRefusal: { f in
                kit.pages.page("week-requests", try await requestsPage(context, week: week, error: OfficeKit.errorBox(f), admit: values), status: OfficeKit.status(f))
            }
        }
        group.get("weeks/:week/requests") { request, context in
            await kit.guarded(context) {
                kit.pages.page("week-requests", try await requestsPage(context, week: try kit.week(context), search: UnitSearchBox.search(request)))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được tuần", message: f.message)
            }
        }
        group.get("weeks/:week/sessions/:id") { _, context in
            await kit.guarded(context) {
                kit.pages.page("session", try await sessionPageWithUndo(context, week: try kit.week(context), id: context.parameters.get("id") ?? ""))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được buổi", message: f.message)
            }
        }
        group.post("weeks/:week/sessions/:id/move") { _, context in
            await sessionAction(context, form: PlacementForm.self) { id, form, actor in
                try await service.move(
                    request: id, to: .init(option: form.option, member: form.member.isEmpty ? nil : form.member, team: form.team),
                    expectedVersion: form.version, by: actor)
                let label = try await service.requestLabel(id: id)
                return "Đã chuyển và ghim buổi \(label). Nhớ công bố tuần để lịch của mọi người thay đổi."
            }
        }
        group.post("weeks/:week/sessions/:id/reschedule") { _, context in
            guard kit.confirmed(context) else { return await confirmSession(context, reschedule: true) }
            return await sessionAction(context, form: PlacementForm.self) { id, form, actor in
                try await service.reschedule(
                    request: id, to: .init(option: form.option, member: form.member.isEmpty ? nil : form.member, team: form.team),
                    reason: form.reason ?? "", expectedVersion: form.version, by: actor)
                let label = try await service.requestLabel(id: id)
                return (form.reinstate != nil ? "Đã tổ chức lại buổi " : "Đã đổi lịch buổi ")
                    + "\(label): lịch của các đồng chí, tổ công tác và đơn vị đã cập nhật, kèm lý do."
            }
        }
        group.post("weeks/:week/sessions/:id/draft-sent") { _, context in
            await sessionAction(context, form: DraftForm.self) { id, form, actor in
                let r = try await service.setDraftSent(request: id, date: form.date, expectedVersion: form.version, by: actor)
                return "Đã ghi ngày gửi dự thảo \(r.draftSent?.vietnamese ?? form.date) cho buổi \(service.requestLabel(r)). "
                    + "Chạy xếp lịch lại để xếp buổi này."
            }
        }
        group.post("weeks/:week/sessions/:id/cancel") { _, context in
            guard kit.confirmed(context) else { return await confirmSession(context, reschedule: false) }
            return await sessionAction(context, form: ReasonForm.self) { id, form, actor in
                try await service.cancel(request: id, reason: form.reason, expectedVersion: form.version, by: actor)
                let label = try await service.requestLabel(id: id)
                return "Đã hủy buổi \(label) trên lịch, kèm lý do. Có thể hoàn tác ngay bên dưới."
            }
        }
        group.post("weeks/:week/sessions/:id/pin") { _, context in
            await sessionAction(context, form: VersionForm.self) { id, form, actor in
                try await service.pin(request: id, option: nil, member: nil, team: nil, by: actor, expectedVersion: form.version)
                let label = try await service.requestLabel(id: id)
                return "Đã ghim buổi \(label): các lần xếp sau giữ nguyên."
            }
        }
        group.post("weeks/:week/sessions/:id/unpin") { _, context in
            await sessionAction(context, form: VersionForm.self) { id, form, actor in
                try await service.unpin(request: id, by: actor, expectedVersion: form.version)
                let label = try await service.requestLabel(id: id)
                return "Đã bỏ ghim buổi \(label)."
            }
        }
        registerUndo(on: group)
    }

    /// What a run did: how many sessions it placed and left out, then either what to do next or that nothing differs
    /// from the published week.
    static func runMessage(_ r: ReviewService.RunResult, changes: Int) -> String {
        "Đã xếp lịch: \(r.scheduled) buổi, chưa xếp được \(r.unscheduled.count)." + (r.warnings.isEmpty ? "" : " " + r.warnings.joined(separator: " "))
            + (changes == 0 ? " Lần xếp này không thay đổi gì so với lịch đã công bố." : " Xem lại \(changes) thay đổi bên dưới rồi công bố.")
    }

    /// A week-wide action: refusals show the board again with the reason.
    func weekAction<T>(
        _ context: OfficeRequestContext, anchor: String? = nil, success: @escaping (T) -> String,
        _ act: @escaping (ISOWeek, String?, String) async throws -> T
    ) async -> Response {
        let week: ISOWeek
        do { week = try kit.week(context) } catch { return kit.failure(context, error) }
        return await kit.guarded(context) {
            let form = try kit.form(VersionForm.self, context)
            let result = try await act(week, form.version, context.identity!.actor)
            return kit.redirect("/office/weeks/\(week.iso)" + (anchor.map { "#\($0)" } ?? ""), flash: success(result), context)
        } onRefusal: { f in
            kit.pages.page("week", try await weekPage(context, week: week, error: OfficeKit.errorBox(f, reload: "/office/weeks/\(week.iso)")), status: OfficeKit.status(f))
        }
    }

    /// An action on one session: refusals show the session's page again with the reason and the values chosen.
    func sessionAction<F: Decodable>(
        _ context: OfficeRequestContext, form: F.Type, _ act: @escaping (String, F, String) async throws -> String
    ) async -> Response {
        let action = context.endpointPath?.split(separator: "/").last.map(String.init) ?? ""
        let week: ISOWeek
        do { week = try kit.week(context) } catch { return kit.failure(context, error) }
        let id = context.parameters.get("id") ?? ""
        var chosen: PlacementForm?
        var reason = ""
        var draftSent: String?
        return await kit.guarded(context) {
            let values = try kit.form(F.self, context)
            chosen = values as? PlacementForm
            draftSent = (values as? DraftForm)?.date
            reason = (values as? ReasonForm)?.reason ?? chosen?.reason ?? ""
            let message = try await act(id, values, context.identity!.actor)
            return kit.redirect("/office/weeks/\(week.iso)/sessions/\(id)", flash: message, context)
        } onRefusal: { f in
            let error = OfficeKit.errorBox(f, reload: "/office/weeks/\(week.iso)/sessions/\(id)")
            return kit.pages.page(
                "session",
                try await sessionPage(context, week: week, id: id, error: error, chosen: chosen, reason: reason, action: action, draftSent: draftSent),
                status: OfficeKit.status(f))
        }
    }

    // MARK: Building pages

    func weekPage(_ context: OfficeRequestContext, week: ISOWeek, error: Chrome.ErrorBox? = nil, search: NameSearch? = nil) async throws -> WeekPage {
        let board = try await service.weekBoard(week: week)
        var page = build(board, context: context, error: error)
        page.mail = mailNote(try await service.weekMail(board: board), board: board)
        page.publishSummary = publishSummary(board)
        page.undo = try await undoNote(context, week: week, version: board.version, board: board)
        page.filter(search)
        let broken = try await service.brokenSessions(week: week)
        guard !broken.isEmpty else { return page }
        page.broken = broken.map { b in
            RepairPageController.BrokenRow(
                request: "\(b.unitName), \(b.start.date.vietnameseWeekday.lowercased()) \(b.start.date.vietnamese)",
                href: "/office/weeks/\(week.iso)/sessions/\(b.request)", text: b.text, published: b.published)
        }
        page.brokenCount = broken.count
        page.brokenPublished = broken.filter(\.published).count
        let why = Dictionary(broken.map { ($0.request, $0.text) }, uniquingKeysWith: { a, _ in a })
        for d in page.days.indices {
            for h in page.days[d].halves.indices {
                for s in page.days[d].halves[h].sessions.indices {
                    page.days[d].halves[h].sessions[s].absence = why[page.days[d].halves[h].sessions[s].id]
                }
            }
        }
        return page
    }

    /// The board's e-mail line: before a publish, who it would write to; after, how its messages stand.
    func mailNote(_ mail: ReviewService.WeekMail, board: WeekBoard) -> MailNote? {
        guard mail.configured else { return nil }
        let week = board.week.iso
        var note = MailNote(
            pendingText: nil, pending: [], lastText: nil, waitingText: nil, failedText: nil,
            failedHref: "/office/outbox?tuan=\(week)&trang-thai=failed", outboxHref: "/office/outbox?tuan=\(week)")
        if !board.changes.isEmpty {
            note.pendingText =
                mail.pending.isEmpty
                ? "Không ai được báo qua thư khi công bố (người liên quan chưa có địa chỉ thư hoặc chọn không nhận thư)"
                : "\(mail.pending.count) người sẽ được báo qua thư"
            note.pending = mail.pending.map { "\($0.name) <\($0.email)> – \($0.delivery.vietnamese)" }
        }
        if let last = mail.last {
            let cause = last.cause.prefix(1).lowercased() + last.cause.dropFirst()
            let head = last.cause.hasPrefix("Công bố") ? "Thư báo lần công bố gần nhất" : "Thư báo lần thay đổi gần nhất (\(cause))"
            note.lastText = "\(head): đã gửi \(last.sent)/\(last.total)"
            if last.waiting > 0 { note.waitingText = "\(last.waiting) đang chờ gửi" }
            if last.failed > 0 { note.failedText = "\(last.failed) gửi không được" }
        }
        return note
    }

    /// Weeks with at most this many requests list them on the board too.
    static let requestsOnBoard = 120

    func requestRows(_ board: WeekBoard) -> [RequestRow] {
        let base = "/office/weeks/\(board.week.iso)"
        return board.rows.map { row in
            RequestRow(
                id: row.request.id, href: "\(base)/sessions/\(row.request.id)", unit: row.unitName, kind: row.request.kind.vietnamese,
                options: row.request.options.enumerated().map { "\($0.offset + 1). \($0.element)" },
                draft: row.request.draftSent.map { "Gửi ngày \($0.vietnamese)" } ?? "Chưa có ngày gửi — ghi trên trang của buổi",
                contact: [row.request.contactName, row.request.contactPhone].compactMap { $0 }.joined(separator: " – "), status: row.statusText,
                late: row.isLate, withdrawn: row.isWithdrawn)
        }
    }

    /// Every request of the week, and the form that registers for a unit (a late request once the week closed).
    func requestsPage(
        _ context: OfficeRequestContext, week: ISOWeek, error: Chrome.ErrorBox? = nil, admit: AdmitValues? = nil, search: NameSearch? = nil
    ) async throws -> RequestsPage {
        let board = try await service.weekBoard(week: week)
        let all = requestRows(board)
        let requests = search.map { s in all.filter { s.matches($0.unit) } } ?? all
        let values = admit ?? AdmitValues(day: week.monday.iso)
        let identity = context.identity
        return RequestsPage(
            chrome: kit.chrome(context, title: "Các đăng ký \(week.vietnamese)", section: .week, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", week: week.iso, heading: "Các đăng ký \(week.vietnamese)", cutoffText: cutoffText(board),
            counts: counts(board, changes: board.changes.count), requests: requests, locked: !board.isOpen,
            admit: AdmitForm(
                units: district.units.map { Choice(value: $0.id, label: $0.name, selected: $0.id == values.unit) },
                kinds: ReviewKind.allCases.map { Choice(value: $0.rawValue, label: $0.vietnamese, selected: $0.rawValue == values.kind) },
                monday: week.monday.iso, sunday: week.sunday.iso, values: values),
            search: UnitSearchBox(search, action: "/office/weeks/\(week.iso)/requests", found: requests.count))
    }

    func cutoffText(_ board: WeekBoard) -> String {
        "Hạn đăng ký: \(board.closes.vietnamese) — " + (board.isOpen ? "đang nhận đăng ký" : "đã khóa (Văn phòng vẫn nhận đăng ký muộn)")
    }

    func counts(_ board: WeekBoard, changes: Int) -> Counts {
        Counts(
            requests: board.rows.count, late: board.rows.filter(\.isLate).count.nonZero, withdrawn: board.rows.filter(\.isWithdrawn).count.nonZero,
            proposed: board.proposed.count, unscheduled: board.unscheduled.count, cancelled: board.cancelled.count.nonZero, changes: changes,
            published: board.publishedSessions.count)
    }

    /// The board's page (separate from the reading so that the benchmark times each).
    func build(_ board: WeekBoard, context: OfficeRequestContext, error: Chrome.ErrorBox? = nil) -> WeekPage {
        let week = board.week
        let base = "/office/weeks/\(week.iso)"
        var days: [DayBlock] = []
        let proposed = board.proposed
        for offset in 0..<7 {
            let date = week.monday.adding(days: offset)
            let rows = proposed.filter { $0.proposal!.start.date == date }
            guard !rows.isEmpty else { continue }
            let halves = ["Sáng", "Chiều"].compactMap { half -> HalfBlock? in
                let list = rows.filter { $0.proposal!.halfDay == half }
                guard !list.isEmpty else { return nil }
                return HalfBlock(
                    id: "\(date.iso)-\(half == "Sáng" ? "sang" : "chieu")", caption: "\(half) \(date.vietnameseWeekday.lowercased()) \(date.vietnamese)",
                    sessions: list.map { sessionRow($0, base: base) })
            }
            days.append(DayBlock(id: date.iso, title: "\(date.vietnameseWeekday) \(date.vietnamese)", halves: halves))
        }
        let changes = board.changes.map { row -> ChangeRow in
            let href = "\(base)/sessions/\(row.request.id)"
            switch row.change! {
            case .add(let p): return ChangeRow(id: row.request.id, href: href, unit: row.unitName, what: "Mới", before: "—", after: describe(p))
            case .move(let a, let b): return ChangeRow(id: row.request.id, href: href, unit: row.unitName, what: "Đổi", before: describe(a), after: describe(b))
            case .cancel(let p): return ChangeRow(id: row.request.id, href: href, unit: row.unitName, what: "Sẽ hủy", before: describe(p), after: "—")
            }
        }
        let zone = district.zone
        func when(_ e: AuditEntry?) -> String? {
            e.map { "\(zone.local($0.at).dateTime.vietnamese), \(board.actorName($0.actor, district: district))" }
        }
        let identity = context.identity
        return WeekPage(
            chrome: kit.chrome(context, title: "Lịch \(week.vietnamese)", section: .week, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", week: week.iso, heading: week.vietnamese.capitalizedFirst, previous: week.adding(weeks: -1).iso,
            next: week.adding(weeks: 1).iso, version: board.version, cutoffText: cutoffText(board), counts: counts(board, changes: changes.count),
            hasChanges: !changes.isEmpty, lastRun: when(board.lastRun), lastPublish: when(board.lastPublish), days: days,
            unscheduled: board.unscheduled.map { row in
                UnscheduledRow(
                    id: row.request.id, href: "\(base)/sessions/\(row.request.id)", unit: row.unitName, kind: row.request.kind.vietnamese,
                    reason: unscheduledReason(row))
            },
            cancelled: board.cancelled.map { row in
                UnscheduledRow(
                    id: row.request.id, href: "\(base)/sessions/\(row.request.id)", unit: row.unitName, kind: row.request.kind.vietnamese,
                    reason: "Đã hủy. Lý do: \(row.session?.cancellation ?? "")")
            },
            changes: changes, requestTable: board.rows.count <= Self.requestsOnBoard ? RequestTable(requests: requestRows(board)) : nil)
    }

    /// Why a request has no session yet, in words: the last run's reason, or what is missing and what to do.
    func unscheduledReason(_ row: WeekBoard.Row) -> String {
        if row.isLateUnrun {
            return "Nhận muộn, chưa xếp — chạy xếp lịch lại để xếp buổi này."
                + (row.request.draftSent == nil ? " " + ReviewService.noDraftReason(leadDays: leadDays(row)) : "")
        }
        if let reason = row.session?.reason { return reason }
        if row.request.draftSent == nil { return ReviewService.noDraftReason(leadDays: leadDays(row)) }
        return "Chưa xếp: đăng ký mới hoặc vừa sửa, cần chạy xếp lịch lại."
    }

    func leadDays(_ row: WeekBoard.Row) -> Int { district.campaign(row.request.campaignId)?.leadDays ?? 2 }

    func sessionRow(_ row: WeekBoard.Row, base: String) -> SessionRow {
        let p = row.proposal!
        return SessionRow(
            id: row.request.id, href: "\(base)/sessions/\(row.request.id)", time: "\(p.start.time)–\(p.end.time)", unit: row.unitName,
            kind: row.request.kind.vietnamese, location: kit.locationName(row.request.location), option: "Phương án \(p.option + 1)",
            member: kit.memberName(p.member), team: kit.teamName(p.team), status: row.statusText, pinned: row.session?.pinned == true, late: row.isLate)
    }

    func describe(_ p: Placement) -> String {
        "\(TimeOption(start: p.start, end: p.end)); \(kit.memberName(p.member)); \(kit.teamName(p.team))"
    }

    /// One session's page; after a refusal, the values sent stay in the form they were sent with (`action`).
    func sessionPage(
        _ context: OfficeRequestContext, week: ISOWeek, id: String, error: Chrome.ErrorBox? = nil, chosen: PlacementForm? = nil, reason: String = "",
        action: String = "", draftSent: String? = nil
    ) async throws -> SessionPage {
        let board = try await service.weekBoard(week: week)
        guard let row = board.rows.first(where: { $0.request.id == id }) else {
            throw ReviewError(.notFound, "Không có đăng ký '\(Text.clip(id))' trong \(week.vietnamese).")
        }
        let r = row.request
        let current = row.proposal ?? row.published?.placement
        let unitBloc = row.unit?.bloc ?? ""
        let covering = district.teams.filter { $0.blocs.contains(unitBloc) }
        let inCharge = Set(row.unit?.inCharge ?? [])
        let members = district.members.sorted { (inCharge.contains($0.id) ? 0 : 1, $0.id) < (inCharge.contains($1.id) ? 0 : 1, $1.id) }
        func choices(_ sent: PlacementForm?) -> ([Choice], [Choice], [Choice]) {
            let option = sent?.option ?? current?.option ?? 0
            let member = sent.map { $0.member.isEmpty ? nil : $0.member } ?? current?.member ?? row.unit?.inCharge.first
            let team = sent?.team ?? current?.team ?? covering.first?.id ?? ""
            return (
                r.options.enumerated().map { Choice(value: String($0.offset), label: "Phương án \($0.offset + 1): \($0.element)", selected: $0.offset == option) },
                members.map {
                    Choice(value: $0.id, label: "\($0.name) – \($0.title)" + (inCharge.contains($0.id) ? " (phụ trách)" : ""), selected: $0.id == member)
                },
                (covering + district.teams.filter { !$0.blocs.contains(unitBloc) }).map {
                    Choice(value: $0.id, label: $0.name + ($0.blocs.contains(unitBloc) ? "" : " (không theo dõi khối này)"), selected: $0.id == team)
                }
            )
        }
        let move = choices(action == "move" ? chosen : nil)
        let reschedule = choices(action == "reschedule" ? chosen : nil)
        let identity = context.identity
        return SessionPage(
            chrome: kit.chrome(context, title: "Buổi kiểm điểm \(row.unitName)", section: .week, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", week: week.iso, weekHeading: week.vietnamese.capitalizedFirst, version: board.version, id: r.id, unit: row.unitName,
            kind: r.kind.vietnamese, location: kit.locationName(r.location),
            draft: r.draftSent.map { "Đã gửi ngày \($0.vietnamese)" } ?? "Chưa có ngày gửi: chưa xếp lịch được. Ghi ngày ở mục “Ngày gửi dự thảo” bên dưới khi đơn vị đã gửi.",
            contact: [r.contactName, r.contactPhone].compactMap { $0 }.joined(separator: " – "), note: r.note, status: row.statusText, late: row.isLate,
            withdrawn: row.isWithdrawn, pinned: row.session?.pinned == true, proposal: row.proposal.map(describe),
            published: row.published.map { describe($0.placement) }, publishedCancelled: row.published?.cancelled == true,
            changeReason: row.published?.reason, reason: row.proposal == nil && !row.isCancelled ? unscheduledReason(row) : nil, isPublished: row.published != nil,
            isLive: !row.isWithdrawn,
            options: move.0, members: move.1, teams: move.2, rescheduleOptions: reschedule.0, rescheduleMembers: reschedule.1, rescheduleTeams: reschedule.2,
            reasonText: action == "reschedule" ? reason : "", cancelReasonText: action == "cancel" ? reason : "",
            cancelled: row.isCancelled, cancellation: row.session?.cancellation, draftMissing: r.draftSent == nil,
            draftValue: (action == "draft-sent" ? draftSent : nil) ?? r.draftSent?.iso ?? "", today: district.zone.date(of: service.clock.now()).iso)
    }
}

extension JSONDecoder {
    /// Decodes the service's JSON views (dates in ISO 8601).
    static let views: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.date(text) ?? ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
            }
            return date
        }
        return d
    }()
}

extension WeekPageController.Choice: TemplateFields {
    var templateFields: [String: Any] { ["value": value, "label": label, "selected": selected] }
}

extension WeekPageController.SessionRow: TemplateFields {
    var templateFields: [String: Any] {
        [
            "id": id, "href": href, "time": time, "unit": unit, "kind": kind, "location": location, "option": option, "member": member, "team": team,
            "status": status, "pinned": pinned, "late": late, "absence": absence as Any,
        ]
    }
}

extension WeekPageController.RequestRow: TemplateFields {
    var templateFields: [String: Any] {
        [
            "id": id, "href": href, "unit": unit, "kind": kind, "options": options, "draft": draft, "contact": contact, "status": status, "late": late,
            "withdrawn": withdrawn,
        ]
    }
}
