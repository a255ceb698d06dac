import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/absences` and `/office/weeks/{week}/repair`: members and teams away, and the repair of a published week
/// they break — the alternatives side by side, one chosen, then reviewed and published on the week board.
struct RepairPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }
    var district: District { kit.service.district }

    struct AbsencesPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var week: String
        var absences: [AbsenceRow]
        var broken: [BrokenRow]
        var brokenCount: Int
        var repairWeeks: [String]
        var people: [WeekPageController.Choice]
        var values: AbsenceForm
        var fromParts: [WeekPageController.Choice]
        var toParts: [WeekPageController.Choice]
    }
    struct AbsenceRow {
        var id: String
        var who: String
        var when: String
        var reason: String
        var by: String
    }
    struct BrokenRow {
        var request: String
        var href: String
        var text: String
        var published: Bool
    }
    struct AbsenceForm: Codable {
        var person: String = ""
        var fromDate: String = ""
        var fromPart: String = "ngay"
        var toDate: String = ""
        var toPart: String = "ngay"
        var reason: String = ""
    }
    struct RepairPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var week: String
        var heading: String
        var hasPlan: Bool
        var stale: Bool
        var createdText: String
        var frozenText: String
        var frozenHours: String
        var broken: [BrokenRow]
        var brokenCount: Int
        var alternatives: [AlternativeBox]
        var warnings: [String]
    }
    struct AlternativeBox {
        var number: Int
        var title: String
        var summary: String
        var proven: Bool
        var lines: [String]
        var notices: [String]
        var peopleToTell: Int
        var noChange: Bool
    }
    struct RepairForm: Decodable {
        var alternatives: Int?
        var frozenHours: Double?
    }
    struct ChooseForm: Decodable {
        var number: Int
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("absences") { request, context in
            await kit.guarded(context) {
                kit.pages.page("absences", try await absencesPage(context, week: try weekParameter(request)))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được lịch vắng", message: f.message)
            }
        }
        group.post("absences") { _, context in
            var values = AbsenceForm()
            return await kit.guarded(context) {
                values = try kit.form(AbsenceForm.self, context)
                let parts = values.person.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let subject = Absence.Subject(rawValue: parts[0]) else {
                    throw ReviewError(.invalidForm, "Chọn đồng chí UVBTV hoặc tổ công tác vắng.")
                }
                guard let fromDay = LocalDate(iso: values.fromDate) else {
                    throw ReviewError(.invalidDate, "Ngày bắt đầu vắng '\(Text.clip(values.fromDate))' không đúng dạng (YYYY-MM-DD).")
                }
                let toDay = values.toDate.isEmpty ? fromDay : LocalDate(iso: values.toDate)
                guard let toDay else { throw ReviewError(.invalidDate, "Ngày kết thúc vắng '\(Text.clip(values.toDate))' không đúng dạng (YYYY-MM-DD).") }
                let noon = LocalTime(hour: 12, minute: 0)!, midnight = LocalTime(hour: 0, minute: 0)!
                let start = LocalDateTime(date: fromDay, time: values.fromPart == "chieu" ? noon : midnight)
                let end = values.toPart == "sang" ? LocalDateTime(date: toDay, time: noon) : LocalDateTime(date: toDay.adding(days: 1), time: midnight)
                let result = try await service.addAbsence(
                    subject: subject, id: parts[1], start: start, end: end, reason: values.reason, by: context.identity!.actor)
                let a = result.absence
                var message = "Đã ghi lịch vắng: \(try service.personName(a.subject, a.subjectId)) vắng \(ReviewService.span(a)) (\(a.reason))."
                let published = result.broken.filter(\.published)
                if !published.isEmpty {
                    message += " Lịch vắng này trùng \(published.count) buổi đã công bố: "
                        + published.map { "\($0.unitName) (\($0.start.date.vietnameseDayMonth))" }.joined(separator: ", ")
                        + ". Mở \"Đề xuất sửa lịch\" của tuần để chọn cách sửa."
                } else if !result.broken.isEmpty {
                    message += " Trùng \(result.broken.count) buổi dự kiến chưa công bố: chạy xếp lịch lại trước khi công bố."
                } else {
                    message += " Không trùng buổi nào đã xếp."
                }
                let week = ISOWeek(containing: start.date)
                return kit.redirect("/office/absences?tuan=\(week.iso)", flash: message, context)
            } onRefusal: { f in
                let week = LocalDate(iso: values.fromDate).map { ISOWeek(containing: $0) }
                return kit.pages.page(
                    "absences", try await absencesPage(context, week: week, error: OfficeKit.errorBox(f), values: values), status: OfficeKit.status(f))
            }
        }
        group.post("absences/:id/remove") { _, context in
            let id = context.parameters.get("id") ?? ""
            return await kit.guarded(context) {
                _ = try kit.form(WeekPageController.VersionForm.self, context)
                let a = try await service.removeAbsence(id: id, by: context.identity!.actor)
                return kit.redirect(
                    "/office/absences?tuan=\(ISOWeek(containing: a.start.date).iso)",
                    flash: "Đã xóa lịch vắng của \((try? service.personName(a.subject, a.subjectId)) ?? a.subjectId) (\(ReviewService.span(a))).", context)
            } onRefusal: { f in
                kit.pages.page("absences", try await absencesPage(context, week: nil, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
            }
        }
        group.get("weeks/:week/repair") { _, context in
            await kit.guarded(context) {
                kit.pages.page("repair", try await repairPage(context, week: try kit.week(context)))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được đề xuất sửa lịch", message: f.message)
            }
        }
        group.post("weeks/:week/repair") { _, context in
            let week: ISOWeek
            do { week = try kit.week(context) } catch { return kit.failure(context, error) }
            return await kit.guarded(context) {
                let form = try kit.form(RepairForm.self, context)
                let plan = try await service.repair(
                    week: week, alternatives: form.alternatives ?? 3, frozenHours: form.frozenHours ?? 24, by: context.identity!.actor)
                let first = plan.alternatives.first
                return kit.redirect(
                    "/office/weeks/\(week.iso)/repair",
                    flash: "Đã đề xuất \(plan.alternatives.count) phương án sửa lịch"
                        + (first.map { "; ít thay đổi nhất đổi \($0.changedSessions) buổi, cần báo \($0.peopleToTell) người/đơn vị" } ?? "") + ". Chưa có gì được công bố.",
                    context)
            } onRefusal: { f in
                kit.pages.page("repair", try await repairPage(context, week: week, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
            }
        }
        group.post("weeks/:week/repair/choose") { _, context in
            let week: ISOWeek
            do { week = try kit.week(context) } catch { return kit.failure(context, error) }
            return await kit.guarded(context) {
                let form = try kit.form(ChooseForm.self, context)
                let chosen = try await service.chooseRepair(week: week, number: form.number, by: context.identity!.actor)
                return kit.redirect(
                    "/office/weeks/\(week.iso)#thay-doi",
                    flash: "Đã chọn phương án \(form.number) làm lịch dự kiến: đổi \(chosen.changedSessions) buổi, cần báo \(chosen.peopleToTell) người/đơn vị. Xem lại các thay đổi bên dưới rồi công bố.",
                    context)
            } onRefusal: { f in
                kit.pages.page("repair", try await repairPage(context, week: week, error: OfficeKit.errorBox(f, reload: "/office/weeks/\(week.iso)/repair")), status: OfficeKit.status(f))
            }
        }
    }

    private func weekParameter(_ request: Request) throws -> ISOWeek? {
        guard let text = request.uri.queryParameters.get("tuan"), !text.isEmpty else { return nil }
        guard let w = ISOWeek(iso: text) else { throw ReviewError(.invalidWeek, "Tuần '\(Text.clip(text))' không đúng dạng YYYY-Www (ví dụ 2026-W50).") }
        return w
    }

    func brokenRows(_ list: [ReviewService.BrokenSession]) -> [BrokenRow] {
        list.map { b in
            BrokenRow(
                request: "\(b.unitName), \(b.start.date.vietnameseWeekday.lowercased()) \(b.start.date.vietnamese)",
                href: "/office/weeks/\(b.week.iso)/sessions/\(b.request)", text: b.text, published: b.published)
        }
    }

    func absencesPage(_ context: OfficeRequestContext, week: ISOWeek?, error: Chrome.ErrorBox? = nil, values: AbsenceForm? = nil) async throws -> AbsencesPage {
        let shown = week ?? kit.currentWeek()
        let list = try await service.absences(week: shown)
        let broken = try await service.brokenSessions(week: shown, absences: list)
        let users = Dictionary(try await service.users().map { ("office:\($0.login)", $0.name) }, uniquingKeysWith: { a, _ in a })
        let form = values ?? AbsenceForm(fromDate: shown.monday.iso)
        let identity = context.identity
        let people =
            district.members.map { WeekPageController.Choice(value: "member:\($0.id)", label: "Đ/c \($0.name) – \($0.title)", selected: form.person == "member:\($0.id)") }
            + district.teams.map { WeekPageController.Choice(value: "team:\($0.id)", label: $0.name, selected: form.person == "team:\($0.id)") }
        return AbsencesPage(
            chrome: kit.chrome(context, title: "Lịch vắng \(shown.vietnamese)", section: .absences, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", week: shown.iso,
            absences: list.map { a in
                AbsenceRow(
                    id: a.id, who: (try? service.personName(a.subject, a.subjectId)) ?? a.subjectId, when: ReviewService.span(a), reason: a.reason,
                    by: users[a.createdBy] ?? a.createdBy.replacingOccurrences(of: "office:", with: ""))
            },
            broken: brokenRows(broken), brokenCount: broken.count, repairWeeks: Set(broken.filter(\.published).map(\.week)).sorted().map(\.iso), people: people, values: form,
            fromParts: [("ngay", "từ đầu ngày"), ("chieu", "từ buổi chiều (12:00)")].map { .init(value: $0.0, label: $0.1, selected: form.fromPart == $0.0) },
            toParts: [("ngay", "đến hết ngày"), ("sang", "đến hết buổi sáng (12:00)")].map { .init(value: $0.0, label: $0.1, selected: form.toPart == $0.0) })
    }

    func repairPage(_ context: OfficeRequestContext, week: ISOWeek, error: Chrome.ErrorBox? = nil) async throws -> RepairPage {
        let plan = try await service.repairPlan(week: week)
        let board = try await service.weekBoard(week: week)
        let absences = try await service.absences(week: week)
        let broken = try await service.brokenSessions(week: week, absences: absences)
        let identity = context.identity
        let zone = district.zone
        return RepairPage(
            chrome: kit.chrome(context, title: "Sửa lịch \(week.vietnamese)", section: .week, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", week: week.iso, heading: "Sửa lịch đã công bố — \(week.vietnamese)", hasPlan: plan != nil,
            stale: plan.map { $0.version != board.version || $0.absences != absences.map(\.id).sorted() } ?? false,
            createdText: plan.map { "Đề xuất lúc \(zone.local($0.createdAt).dateTime.vietnamese), \($0.createdBy.replacingOccurrences(of: "office:", with: ""))." } ?? "",
            frozenText: plan.map { "Giữ nguyên các buổi đã ghim, đã diễn ra và bắt đầu trong \(Int($0.frozenHours)) giờ tính từ lúc đề xuất." } ?? "",
            frozenHours: plan.map { String(Int($0.frozenHours)) } ?? "24", broken: brokenRows(broken), brokenCount: broken.count,
            alternatives: (plan?.alternatives ?? []).map { a in
                AlternativeBox(
                    number: a.number, title: "Phương án \(a.number)" + (a.number == 1 ? ": ít thay đổi nhất" : ""),
                    summary: "Đổi \(a.changedSessions) buổi đã công bố, cần báo \(a.peopleToTell) người/đơn vị; điểm phạt \(a.score).",
                    proven: a.proven, lines: a.lines, notices: a.notices, peopleToTell: a.peopleToTell, noChange: a.lines.isEmpty)
            },
            warnings: plan?.warnings ?? [])
    }
}
