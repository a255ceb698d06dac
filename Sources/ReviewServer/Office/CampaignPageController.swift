import Foundation
import Hummingbird
import ReviewCore
import ReviewService
import ReviewStore

/// `/office/campaign`: the campaign's progress per unit, the deadlines at risk, counts per bloc and team; marking a
/// session held, its dossier received, and notes.
struct CampaignPageController {
    let kit: OfficeKit
    var service: ReviewService { kit.service }
    var district: District { kit.service.district }

    struct CampaignPage {
        var chrome: Chrome
        var canChange: Bool
        var csrf: String
        var heading: String
        var todayText: String
        var query: String
        var filters: Filters
        var deadlines: [DeadlineRow]
        var blocs: [TallyRow]
        var teams: [TallyRow]
        var notRegistered: [UnitLink]
        var notRegisteredCount: Int
        var units: [UnitRow]
        var shown: Int
        var matching: Int
        var total: Int
        var from: Int
        var to: Int
        var previous: String?
        var next: String?
        var deadlineFilter: String?
        /// The search by unit name, and what it found.
        var search: UnitSearchBox? = nil
    }
    struct Filters {
        var blocs: [WeekPageController.Choice]
        var teams: [WeekPageController.Choice]
        var members: [WeekPageController.Choice]
        var stages: [WeekPageController.Choice]
        var deadlines: [WeekPageController.Choice]
        var active: Bool
    }
    struct DeadlineRow {
        var id: String
        var title: String
        var date: String
        var left: String
        var expects: String
        var behindCount: Int
        var concerned: Int?
        var atRisk: Bool
        var passed: Bool
        var behind: [UnitLink]
        var more: Int?
        var href: String
    }
    struct TallyRow {
        var name: String
        var units: Int
        var registered: Int
        var scheduled: Int
        var held: Int
        var dossiers: Int
    }
    struct UnitLink {
        var id: String
        var name: String
        var stage: String
        var href: String
    }
    struct UnitRow {
        var id: String
        var anchor: String
        var name: String
        var bloc: String
        var inCharge: String
        var stage: String
        var stageCode: String
        var sessions: [SessionCell]
        var notes: [String]
    }
    struct SessionCell {
        var id: String
        var kind: String
        var when: String
        var href: String
        var published: Bool
        var held: String?
        var dossier: String?
        var heldDefault: String
        var today: String
        var canMarkHeld: Bool
    }

    struct HeldForm: Decodable {
        var date: String?
        var clear: String?
        var back: String?
    }
    struct NoteForm: Decodable {
        var text: String
        var back: String?
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("campaign") { request, context in
            await kit.guarded(context) {
                kit.pages.page("campaign", try await page(context, request: request))
            } onRefusal: { f in
                OfficeKit.plainPage(kit.pages, service, context, status: OfficeKit.status(f), title: "Không mở được tiến độ", message: f.message)
            }
        }
        group.post("campaign/sessions/:id/held") { _, context in
            await markAction(context, anchor: "buoi-\(Self.id(context))", marked: "buổi \(Self.id(context)) đã kiểm điểm") { id, date, clear, actor in
                try await service.setHeld(request: id, on: date, clear: clear, by: actor)
            }
        }
        group.post("campaign/sessions/:id/dossier") { _, context in
            await markAction(context, anchor: "buoi-\(Self.id(context))", marked: "hồ sơ của buổi \(Self.id(context))") { id, date, clear, actor in
                try await service.setDossier(request: id, receivedOn: date, clear: clear, by: actor)
            }
        }
        group.post("campaign/units/:id/notes") { _, context in
            await progressAction(context, anchor: "don-vi-\(Self.id(context))") { id, actor in
                let form = try kit.form(NoteForm.self, context)
                try await service.addNote(unit: id, text: form.text, by: actor)
                return ("Đã thêm ghi chú cho \(district.unit(id)?.name ?? id).", form.back)
            }
        }
    }

    static func id(_ context: OfficeRequestContext) -> String { context.parameters.get("id") ?? "" }

    /// Records (or, with `clear=1`, forgets) a dated mark on a session: held, or its dossier received.
    func markAction(
        _ context: OfficeRequestContext, anchor: String? = nil, marked what: String,
        _ set: @escaping (String, LocalDate?, Bool, String) async throws -> Void
    ) async -> Response {
        await progressAction(context, anchor: anchor) { id, actor in
            let form = try kit.form(HeldForm.self, context)
            let clear = form.clear == "1"
            try await set(id, try Self.date(form.date), clear, actor)
            return ((clear ? "Đã bỏ ghi nhận " : "Đã ghi nhận ") + what + ".", form.back)
        }
    }

    /// Runs a progress action and goes back to the campaign page (with its filters) at the unit; a refusal shows the
    /// page with the reason.
    func progressAction(
        _ context: OfficeRequestContext, anchor: String? = nil, _ act: @escaping (String, String) async throws -> (String, String?)
    ) async -> Response {
        let id = context.parameters.get("id") ?? ""
        return await kit.guarded(context) {
            let (message, back) = try await act(id, context.identity!.actor)
            let query = back.flatMap { $0.hasPrefix("?") && !$0.contains("\n") ? $0 : nil } ?? ""
            return kit.redirect("/office/campaign\(query)" + (anchor.map { "#\($0)" } ?? ""), flash: message, context)
        } onRefusal: { f in
            kit.pages.page("campaign", try await page(context, request: nil, error: OfficeKit.errorBox(f)), status: OfficeKit.status(f))
        }
    }

    static func date(_ text: String?) throws -> LocalDate? {
        guard let text, !text.isEmpty else { return nil }
        guard let d = LocalDate(iso: text) else { throw ReviewError(.invalidDate, "Ngày '\(Text.clip(text))' không hợp lệ (YYYY-MM-DD).") }
        return d
    }

    func page(_ context: OfficeRequestContext, request: Request?, error: Chrome.ErrorBox? = nil) async throws -> CampaignPage {
        let progress = try await service.campaignProgress(campaign: request?.uri.queryParameters.get("dot").map { String($0) })
        let params = request?.uri.queryParameters
        func param(_ key: String) -> String? { params?.get(key).flatMap { $0.isEmpty ? nil : String($0) } }
        let search = request.flatMap(UnitSearchBox.search)
        var built = build(
            progress, context: context, bloc: param("khoi"), team: param("to"), member: param("uvbtv"), stage: param("tinh-trang"),
            deadline: param("han"), unit: param("don-vi"), page: param("trang").flatMap { Int($0) } ?? 1, error: error, search: search)
        built.search = UnitSearchBox(search, action: "/office/campaign", found: built.matching)
        return built
    }

    /// Units shown on one page of the list; the summary above it always covers the whole campaign.
    static let pageSize = 60
    /// Units named under a deadline before its link to the whole list.
    static let namedBehind = 15

    /// The page of a progress (separate from the reading so that the benchmark times each).
    func build(
        _ progress: CampaignProgress, context: OfficeRequestContext, bloc: String?, team: String?, member: String?, stage: String?,
        deadline: String? = nil, unit: String? = nil, page: Int = 1, error: Chrome.ErrorBox? = nil, search: NameSearch? = nil
    ) -> CampaignPage {
        var matching = progress.filtered(bloc: bloc, team: team, member: member, stage: stage.flatMap(CampaignProgress.Stage.init(code:)), district: district)
        let chosenDeadline = deadline.flatMap { id in progress.deadlines.first { $0.deadline.id == id } }
        if let chosenDeadline {
            let behind = Set(chosenDeadline.behind.map(\.unit.id))
            matching = matching.filter { behind.contains($0.unit.id) }
        }
        var query: [String] = []
        if let bloc { query.append("khoi=\(bloc)") }
        if let team { query.append("to=\(team)") }
        if let member { query.append("uvbtv=\(member)") }
        if let stage { query.append("tinh-trang=\(stage)") }
        if let chosenDeadline { query.append("han=\(chosenDeadline.deadline.id)") }
        if let unit, district.unit(unit) != nil {
            matching = matching.filter { $0.unit.id == unit }
            query.append("don-vi=\(unit)")
        }
        if let search {
            matching = matching.filter { search.matches($0.unit.name) }
            query.append(UnitSearchBox.query(search))
        }
        let pages = max(1, (matching.count + Self.pageSize - 1) / Self.pageSize)
        let pageNumber = min(max(1, page), pages)
        let start = (pageNumber - 1) * Self.pageSize
        let units = Array(matching[start..<min(start + Self.pageSize, matching.count)])
        func pageLink(_ n: Int) -> String { "/office/campaign?" + (query + ["trang=\(n)"]).joined(separator: "&") + "#don-vi" }
        if pageNumber > 1 { query.append("trang=\(pageNumber)") }
        let today = progress.today
        func link(_ u: CampaignProgress.UnitProgress) -> UnitLink {
            let when = u.sessions.compactMap(\.placement).map { "\($0.start.date.vietnamese)" }.joined(separator: ", ")
            return UnitLink(
                id: u.unit.id, name: u.unit.name, stage: u.stageText + (when.isEmpty ? "" : " (\(when))"),
                href: "/office/campaign?don-vi=\(u.unit.id)#don-vi-\(u.unit.id)")
        }
        let identity = context.identity
        return CampaignPage(
            chrome: kit.chrome(context, title: "Tiến độ chiến dịch", section: .campaign, error: error), canChange: identity?.canChange == true,
            csrf: identity?.csrf ?? "", heading: progress.campaign.name,
            todayText: "Hôm nay \(today.vietnameseWeekday.lowercased()) \(today.vietnamese).", query: query.isEmpty ? "" : "?" + query.joined(separator: "&"),
            filters: Filters(
                blocs: district.blocs.map { .init(value: $0.id, label: $0.name, selected: $0.id == bloc) },
                teams: district.teams.map { .init(value: $0.id, label: $0.name, selected: $0.id == team) },
                members: district.members.map { .init(value: $0.id, label: $0.name, selected: $0.id == member) },
                stages: CampaignProgress.Stage.allCases.map { .init(value: $0.code, label: $0.vietnamese, selected: $0.code == stage) },
                deadlines: progress.deadlines.filter { $0.concerned > 0 }.map {
                    .init(value: $0.deadline.id, label: "Chưa xong: \($0.deadline.title)", selected: $0.deadline.id == chosenDeadline?.deadline.id)
                },
                active: !query.isEmpty),
            deadlines: progress.deadlines.map { d in
                DeadlineRow(
                    id: d.deadline.id, title: d.deadline.title, date: "\(d.deadline.date.vietnameseWeekday) \(d.deadline.date.vietnamese)",
                    left: d.daysLeft > 0 ? "còn \(d.daysLeft) ngày" : d.daysLeft == 0 ? "hôm nay" : "đã qua \(-d.daysLeft) ngày", expects: d.expects,
                    behindCount: d.behind.count, concerned: d.concerned.nonZero, atRisk: d.atRisk, passed: d.daysLeft < 0,
                    behind: d.behind.prefix(Self.namedBehind).map(link), more: (d.behind.count - Self.namedBehind).nonZero.flatMap { $0 > 0 ? $0 : nil },
                    href: "/office/campaign?han=\(d.deadline.id)#don-vi")
            },
            blocs: progress.blocs.map { TallyRow(name: $0.name, units: $0.units, registered: $0.registered, scheduled: $0.scheduled, held: $0.held, dossiers: $0.dossiers) },
            teams: progress.teams.map { TallyRow(name: $0.name, units: $0.units, registered: $0.registered, scheduled: $0.scheduled, held: $0.held, dossiers: $0.dossiers) },
            notRegistered: progress.units.filter { $0.sessions.isEmpty }.prefix(Self.namedBehind * 2).map(link),
            notRegisteredCount: progress.units.filter { $0.sessions.isEmpty }.count,
            units: units.map { u in
                UnitRow(
                    id: u.unit.id, anchor: "don-vi-\(u.unit.id)", name: u.unit.name, bloc: u.blocName,
                    inCharge: u.unit.inCharge.compactMap { district.member($0)?.name }.joined(separator: ", "), stage: u.stageText,
                    stageCode: u.stage.code,
                    sessions: u.sessions.map { s in
                        let p = s.placement
                        return SessionCell(
                            id: s.request.id, kind: s.request.kind.vietnamese,
                            when: p.map { "\($0.start.date.vietnameseWeekday) \($0.start.date.vietnamese) \($0.start.time)–\($0.end.time)" }
                                ?? s.blockedText.map { "\(s.request.week.vietnamese): \($0)" } ?? "chưa có lịch công bố (\(s.request.week.vietnamese))",
                            href: "/office/weeks/\(s.request.week.iso)/sessions/\(s.request.id)", published: p != nil,
                            held: s.session?.held.map { $0.date.vietnamese }, dossier: s.session?.dossier.map { $0.date.vietnamese },
                            heldDefault: min(p?.start.date ?? today, today).iso, today: today.iso, canMarkHeld: p.map { $0.start.date <= today } ?? false)
                    },
                    notes: u.notes.map { "\(district.zone.local($0.at).dateTime.date.vietnamese) (\($0.author.replacingOccurrences(of: "office:", with: ""))): \($0.text)" })
            }, shown: units.count, matching: matching.count, total: progress.units.count, from: units.isEmpty ? 0 : start + 1, to: start + units.count,
            previous: pageNumber > 1 ? pageLink(pageNumber - 1) : nil, next: start + units.count < matching.count ? pageLink(pageNumber + 1) : nil,
            deadlineFilter: chosenDeadline.map { "Chưa xong hạn: \($0.deadline.title) (\($0.deadline.date.vietnamese))" })
    }
}

extension CampaignPageController.UnitRow: TemplateFields {
    var templateFields: [String: Any] {
        [
            "id": id, "anchor": anchor, "name": name, "bloc": bloc, "inCharge": inCharge, "stage": stage, "stageCode": stageCode, "sessions": sessions,
            "notes": notes,
        ]
    }
}

extension CampaignPageController.SessionCell: TemplateFields {
    var templateFields: [String: Any] {
        [
            "id": id, "kind": kind, "when": when, "href": href, "published": published, "held": held as Any, "dossier": dossier as Any,
            "heldDefault": heldDefault, "today": today, "canMarkHeld": canMarkHeld,
        ]
    }
}

extension CampaignPageController.UnitLink: TemplateFields {
    var templateFields: [String: Any] { ["id": id, "name": name, "stage": stage, "href": href] }
}
