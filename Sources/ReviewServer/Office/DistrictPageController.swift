import Foundation
import Hummingbird
import ReviewCore
import ReviewService

/// `/office/district`: what `config/` says, read-only, with `config check`'s findings on the files as they are now
/// shown beside the entries they concern (the server keeps running on the configuration it started with).
struct DistrictPageController {
    let kit: OfficeKit
    var district: District { kit.service.district }

    struct DistrictPage {
        var chrome: Chrome
        var folder: String?
        var findingsCount: Int
        var clean: Bool
        var checked: Bool
        var fileFindings: [FileFindings]
        var name: String
        var id: String
        var zone: String
        var travelDefault: Int
        var blocs: [Row]
        var units: [Row]
        var members: [Row]
        var teams: [Row]
        var locations: [Row]
        var campaigns: [CampaignBlock]
    }
    struct FileFindings {
        var file: String
        var findings: [String]
    }
    struct Row {
        var id: String
        var head: String
        var cells: [String]
        var findings: [String]
    }
    struct CampaignBlock {
        var id: String
        var name: String
        var period: String
        var hours: String
        var days: String
        var cutoff: String
        var leadDays: Int
        var holidays: [String]
        var deadlines: [Row]
        var findings: [String]
    }

    func register(on group: RouterGroup<OfficeRequestContext>) {
        group.get("district") { _, context in
            kit.pages.page("district", page(context))
        }
    }

    func page(_ context: OfficeRequestContext) -> DistrictPage {
        let report = kit.office.configDirectory.map { ConfigReport.check(directory: $0) }
        func findings(_ file: String, _ id: String) -> [String] {
            report?.defects(file: file, id: id).map { "\($0.file):\($0.line): \($0.message)" } ?? []
        }
        let d = district
        let dayNames = ["", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
        var fileFindings: [FileFindings] = []
        if let report {
            let files = Set(report.defects.map(\.file)).sorted()
            for file in files {
                let outside = report.defects(outsideEntriesOf: file)
                if !outside.isEmpty { fileFindings.append(FileFindings(file: file, findings: outside.map(\.description))) }
            }
        }
        return DistrictPage(
            chrome: kit.chrome(context, title: "Cấu hình huyện", section: .district), folder: kit.office.configDirectory?.path,
            findingsCount: report?.defects.count ?? 0, clean: report?.defects.isEmpty ?? true, checked: report != nil, fileFindings: fileFindings,
            name: d.name, id: d.id, zone: d.zone.identifier, travelDefault: d.travel.defaultMinutes,
            blocs: d.blocs.map { b in
                Row(id: b.id, head: b.name, cells: [d.teams.filter { $0.blocs.contains(b.id) }.map(\.name).joined(separator: "; ")], findings: findings("blocs.yaml", b.id))
            },
            units: d.units.map { u in
                Row(
                    id: u.id, head: u.name,
                    cells: [
                        d.bloc(u.bloc)?.name ?? u.bloc, u.kind.vietnamese, d.location(u.location)?.name ?? u.location,
                        u.inCharge.compactMap { d.member($0)?.name }.joined(separator: ", "), u.reviewSuggestion ? "có" : "",
                        u.after.compactMap { d.unit($0)?.name }.joined(separator: ", "), u.contact ?? "",
                    ], findings: findings("units.yaml", u.id))
            },
            members: d.members.map { m in
                Row(
                    id: m.id, head: m.name, cells: [m.title, m.homeUnit.flatMap { d.unit($0)?.name } ?? "", String(m.maxPerDay), m.calendar == nil ? "" : "có"],
                    findings: findings("members.yaml", m.id))
            },
            teams: d.teams.map { t in
                Row(
                    id: t.id, head: t.name,
                    cells: [t.blocs.compactMap { d.bloc($0)?.name }.joined(separator: ", "), t.leader, t.leaderPhone ?? "", String(t.maxPerDay)],
                    findings: findings("teams.yaml", t.id))
            },
            locations: d.locations.map { l in Row(id: l.id, head: l.name, cells: [l.address ?? ""], findings: findings("locations.yaml", l.id)) },
            campaigns: d.campaigns.map { c in
                let file = "campaigns/\(c.id).yaml"
                return CampaignBlock(
                    id: c.id, name: c.name, period: "\(c.starts.vietnamese) – \(c.ends.vietnamese)",
                    hours: c.workingHours.map { "\($0.start)–\($0.end)" }.joined(separator: ", "),
                    days: c.workingDays.sorted().map { dayNames[$0] }.joined(separator: ", "),
                    cutoff: "\(dayNames[c.cutoff.weekday]) \(c.cutoff.time), \(c.cutoff.weeksBefore) tuần trước tuần tổ chức", leadDays: c.leadDays,
                    holidays: c.holidays.map { "\($0.date.vietnamese): \($0.name)" },
                    deadlines: c.deadlines.map { dl in
                        Row(
                            id: dl.id, head: dl.title,
                            cells: [dl.date.vietnamese, dl.appliesTo.map(\.vietnamese).joined(separator: "; "), dl.tracks == .dossiers ? "hồ sơ" : ""],
                            findings: findings(file, dl.id))
                    }, findings: report?.defects(outsideEntriesOf: file).map(\.description) ?? [])
            })
    }
}
