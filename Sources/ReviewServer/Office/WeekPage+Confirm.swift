import Foundation
import Hummingbird
import ReviewCore
import ReviewService

/// The confirmations before publishing, cancelling and rescheduling, and the undo of the week's last publish or
/// cancellation.
extension WeekPageController {
    /// The undo offered on the board (and on the cancelled session's page).
    struct UndoNote {
        var text: String
        var possible: Bool
        var week: String
        var csrf: String
        var version: String
        var label: String
    }

    struct UndoForm: Decodable {
        var version: String?
    }

    func registerUndo(on group: RouterGroup<OfficeRequestContext>) {
        group.post("weeks/:week/undo") { _, context in
            let week: ISOWeek
            do { week = try kit.week(context) } catch { return kit.failure(context, error) }
            return await kit.guarded(context) {
                let form = try kit.form(UndoForm.self, context)
                guard kit.confirmed(context) else { return try await confirmUndo(context, week: week) }
                let result = try await service.undoLast(week: week, by: context.identity!.actor, expectedVersion: form.version)
                let what = result.undone.action == .publish ? "lần công bố" : "việc hủy buổi"
                let mail = result.mailed > 0 ? " \(result.mailed) thư báo đang chờ gửi." : ""
                let flash =
                    "Đã hoàn tác \(what) lúc \(Self.moment(result.undone.at, kit)): \(result.sessions) buổi trở lại như trước trên lịch của mọi người.\(mail)"
                if result.undone.action == .cancel, let id = result.undone.request {
                    return kit.redirect("/office/weeks/\(week.iso)/sessions/\(id)", flash: flash, context)
                }
                return kit.redirect("/office/weeks/\(week.iso)#tom-tat", flash: flash, context)
            } onRefusal: { f in
                kit.pages.page(
                    "week", try await weekPage(context, week: week, error: OfficeKit.errorBox(f, reload: "/office/weeks/\(week.iso)")),
                    status: OfficeKit.status(f))
            }
        }
    }

    static func moment(_ at: Date, _ kit: OfficeKit) -> String {
        kit.service.district.zone.local(at).dateTime.vietnamese
    }

    /// The undo line of the board, when the week's last publish or cancellation is kept.
    func undoNote(_ context: OfficeRequestContext, week: ISOWeek, version: String, board: WeekBoard? = nil) async throws -> UndoNote? {
        // Once something was published since, the undo is gone: the board no longer mentions it.
        guard context.identity?.canChange == true else { return nil }
        let found = if let board { try await service.undoOffer(board: board) } else { try await service.undoOffer(week: week) }
        guard let offer = found, offer.possible else { return nil }
        let when = Self.moment(offer.at, kit)
        let login = offer.actor.replacingOccurrences(of: "office:", with: "")
        let who = if let board { board.userNames[login] ?? login } else { try await service.users().first { $0.login == login }?.name ?? login }
        let subject =
            offer.action == .publish
            ? "Lần công bố lúc \(when) (\(who)), \(offer.restores.count) buổi"
            : "Việc hủy buổi \(offer.restores.first?.unit ?? offer.request ?? "") lúc \(when) (\(who))"
        return UndoNote(
            text: "\(subject): có thể hoàn tác, đưa lịch của mọi người về như trước đó.", possible: true, week: week.iso, csrf: context.identity?.csrf ?? "", version: version,
            label: offer.action == .publish ? "Hoàn tác công bố" : "Hoàn tác việc hủy buổi")
    }

    func confirmUndo(_ context: OfficeRequestContext, week: ISOWeek) async throws -> Response {
        guard let offer = try await service.undoOffer(week: week) else {
            throw ReviewError(.nothingToUndo, "\(week.vietnamese.capitalizedFirst) không có lần công bố hay hủy buổi nào để hoàn tác.")
        }
        let board = try await service.weekBoard(week: week)
        let changes = offer.restores.map { r in
            ConfirmPage.Change(
                id: r.request, unit: r.unit, what: r.restored == nil ? "Bỏ khỏi lịch" : r.shown == nil ? "Đưa lại lên lịch" : "Trở lại như trước",
                before: r.shown.map(describe) ?? "—", after: r.restored.map(describe) ?? "—")
        }
        let audience = ConfirmPage.audience(
            offer.restores.map { ($0.unit, [$0.shown, $0.restored].compactMap { $0 }) }, kit: kit)
        let (mailText, pending) = ConfirmPage.mailText(offer.recipients, configured: district.mail != nil)
        let what = offer.action == .publish ? "lần công bố" : "việc hủy buổi"
        return kit.pages.page(
            "confirm",
            ConfirmPage(
                chrome: kit.chrome(context, title: "Hoàn tác \(what)", section: .week), heading: "Hoàn tác \(what) lúc \(Self.moment(offer.at, kit))?",
                intro:
                    "Khi xác nhận, các buổi dưới đây trở lại như trước \(what) đó trên lịch điện thoại của mọi người (lịch được cập nhật như một lần công bố mới), và người liên quan được báo qua thư.",
                changes: changes, audience: audience, mailText: mailText, mailPending: pending, action: "/office/weeks/\(week.iso)/undo",
                csrf: context.identity?.csrf ?? "", fields: [.init(name: "version", value: board.version)], confirmLabel: "Xác nhận hoàn tác",
                backHref: "/office/weeks/\(week.iso)#tom-tat"))
    }

    /// The publish's confirmation: every change with the unit and times, who sees it, who is e-mailed.
    func confirmPublish(_ context: OfficeRequestContext) async -> Response {
        let week: ISOWeek
        do { week = try kit.week(context) } catch { return kit.failure(context, error) }
        return await kit.guarded(context) {
            let board = try await service.weekBoard(week: week)
            guard !board.changes.isEmpty else {
                return kit.redirect("/office/weeks/\(week.iso)#tom-tat", flash: "Không có thay đổi nào chờ công bố.", context)
            }
            let note = mailNote(try await service.weekMail(board: board), board: board)
            var changes: [ConfirmPage.Change] = []
            var touched: [(unit: String, placements: [Placement])] = []
            for row in board.changes {
                switch row.change! {
                case .add(let p):
                    changes.append(.init(id: row.request.id, unit: row.unitName, what: "Buổi mới", before: "—", after: describe(p)))
                    touched.append((row.unitName, [p]))
                case .move(let a, let b):
                    changes.append(.init(id: row.request.id, unit: row.unitName, what: "Đổi", before: describe(a), after: describe(b)))
                    touched.append((row.unitName, [a, b]))
                case .cancel(let p):
                    changes.append(.init(id: row.request.id, unit: row.unitName, what: "Hủy", before: describe(p), after: "—"))
                    touched.append((row.unitName, [p]))
                }
            }
            return kit.pages.page(
                "confirm",
                ConfirmPage(
                    chrome: kit.chrome(context, title: "Công bố \(week.vietnamese)", section: .week),
                    heading: "Công bố \(changes.count) thay đổi của \(week.vietnamese)?",
                    intro:
                        "Khi xác nhận, lịch trên điện thoại của những người dưới đây thay đổi ngay. Sau đó vẫn có thể hoàn tác lần công bố này trên trang tuần.",
                    changes: changes, audience: ConfirmPage.audience(touched, kit: kit), mailText: note?.pendingText.map { $0 + "." },
                    mailPending: note?.pending ?? [], action: "/office/weeks/\(week.iso)/publish", csrf: context.identity?.csrf ?? "",
                    fields: [.init(name: "version", value: board.version)], confirmLabel: "Xác nhận công bố", backHref: "/office/weeks/\(week.iso)#tom-tat"))
        } onRefusal: { f in
            kit.pages.page("week", try await weekPage(context, week: week, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
        }
    }

    /// The confirmation of a cancellation (`reschedule` false) or a reschedule of a published session: checked first
    /// (the reason; the rules for the new placement), so that a refusal shows on the session's page as before.
    func confirmSession(_ context: OfficeRequestContext, reschedule: Bool) async -> Response {
        let week: ISOWeek
        do { week = try kit.week(context) } catch { return kit.failure(context, error) }
        let id = context.parameters.get("id") ?? ""
        var chosen: PlacementForm?
        var reason = ""
        return await kit.guarded(context) {
            let version: String?
            var after: Placement?
            if reschedule {
                let form = try kit.form(PlacementForm.self, context)
                chosen = form
                reason = form.reason ?? ""
                version = form.version
            } else {
                let form = try kit.form(ReasonForm.self, context)
                reason = form.reason
                version = form.version
            }
            let why = try ReviewService.checkedReason(reason)
            let board = try await service.weekBoard(week: week)
            guard let row = board.rows.first(where: { $0.request.id == id }), let shown = row.published else {
                throw ReviewError(.notPublished, "Buổi này chưa công bố: không có gì để \(reschedule ? "đổi" : "hủy") trên lịch.")
            }
            if let form = chosen {
                let choice = ReviewService.PlacementChoice(option: form.option, member: form.member.isEmpty ? nil : form.member, team: form.team)
                let refusals = try await service.refusals(request: id, at: choice)
                if !refusals.isEmpty {
                    throw ReviewError(
                        .moveRefused, "Không xếp được buổi của \(row.unitName) như vậy (\(refusals.count) lý do):",
                        details: refusals.map { ProblemDetail(code: "hard-rule", field: nil, message: $0) })
                }
                guard row.request.options.indices.contains(form.option) else {
                    throw ReviewError(.invalidOption, "Đăng ký chỉ có \(row.request.options.count) phương án.")
                }
                let o = row.request.options[form.option]
                after = Placement(option: form.option, start: o.start, end: o.end, member: choice.member, team: choice.team)
            } else if shown.cancelled {
                throw ReviewError(.notPublished, "Buổi của \(row.unitName) đã hủy: không có gì để hủy trên lịch.")
            }
            let before = shown.cancelled ? "Đã hủy: \(describe(shown.placement))" : describe(shown.placement)
            let change = ConfirmPage.Change(
                id: id, unit: row.unitName, what: reschedule ? "Đổi lịch" : "Hủy",
                before: before, after: after.map(describe) ?? "Hủy buổi kiểm điểm")
            let placements = [shown.placement] + (after.map { [$0] } ?? [])
            let (mailText, pending) = ConfirmPage.mailText(
                try await service.recipients(request: id, becoming: after), configured: district.mail != nil)
            var fields: [ConfirmPage.Field] = [.init(name: "version", value: version ?? board.version), .init(name: "reason", value: why)]
            if let form = chosen {
                fields += [.init(name: "option", value: String(form.option)), .init(name: "member", value: form.member), .init(name: "team", value: form.team)]
            }
            let base = "/office/weeks/\(week.iso)/sessions/\(id)"
            return kit.pages.page(
                "confirm",
                ConfirmPage(
                    chrome: kit.chrome(context, title: reschedule ? "Đổi lịch \(row.unitName)" : "Hủy buổi \(row.unitName)", section: .week),
                    heading: reschedule ? "Đổi lịch buổi kiểm điểm của \(row.unitName)?" : "Hủy buổi kiểm điểm của \(row.unitName)?",
                    intro:
                        "Lý do: \(why). Khi xác nhận, lịch trên điện thoại của những người dưới đây thay đổi ngay, kèm lý do."
                        + (reschedule ? "" : " Sau đó vẫn có thể hoàn tác việc hủy này."),
                    changes: [change], audience: ConfirmPage.audience([(row.unitName, placements)], kit: kit), mailText: mailText,
                    mailPending: pending, action: "\(base)/\(reschedule ? "reschedule" : "cancel")", csrf: context.identity?.csrf ?? "", fields: fields,
                    confirmLabel: reschedule ? "Xác nhận đổi lịch" : "Xác nhận hủy buổi", danger: !reschedule, backHref: base))
        } onRefusal: { f in
            let error = OfficeKit.errorBox(f, reload: "/office/weeks/\(week.iso)/sessions/\(id)")
            return kit.pages.page(
                "session",
                try await sessionPage(
                    context, week: week, id: id, error: error, chosen: chosen, reason: reason, action: reschedule ? "reschedule" : "cancel"),
                status: OfficeKit.status(f))
        }
    }
}

extension WeekPageController {
    /// A session's page, with the undo of its cancellation when that is the week's last action.
    func sessionPageWithUndo(_ context: OfficeRequestContext, week: ISOWeek, id: String) async throws -> SessionPage {
        var page = try await sessionPage(context, week: week, id: id)
        if let offer = try await service.undoOffer(week: week), offer.action == .cancel, offer.request == id {
            page.undo = try await undoNote(context, week: week, version: page.version)
        }
        return page
    }
}
