import Foundation
import Hummingbird
import ReviewCore
import ReviewService

/// The step before an action others will see (publish, cancel, reschedule, undo, a new feed link): what will change,
/// who will see it, and the button that does it. Works without JavaScript: the action's first POST shows this page,
/// and only the POST of its form (with `confirm=1`) acts.
struct ConfirmPage {
    struct Change {
        var id: String
        var unit: String
        var what: String
        var before: String
        var after: String
    }
    struct Audience {
        var title: String
        var names: String
    }
    struct Field {
        var name: String
        var value: String
    }

    var chrome: Chrome
    var heading: String
    var intro: String
    var changes: [Change]
    var changeCount: Int
    var audience: [Audience]
    var mailText: String?
    var mailPending: [String]
    var action: String
    var csrf: String
    var fields: [Field]
    var confirmLabel: String
    var danger: Bool
    var backHref: String

    init(
        chrome: Chrome, heading: String, intro: String, changes: [Change], audience: [Audience], mailText: String?, mailPending: [String] = [],
        action: String, csrf: String, fields: [Field], confirmLabel: String, danger: Bool = false, backHref: String
    ) {
        self.chrome = chrome
        self.heading = heading
        self.intro = intro
        self.changes = changes
        changeCount = changes.count
        self.audience = audience
        self.mailText = mailText
        self.mailPending = mailPending
        self.action = action
        self.csrf = csrf
        self.fields = fields
        self.confirmLabel = confirmLabel
        self.danger = danger
        self.backHref = backHref
    }

    /// Who sees changes of these sessions in their calendars: the members and teams attending before or after, and
    /// the units.
    static func audience(_ sessions: [(unit: String, placements: [Placement])], kit: OfficeKit) -> [Audience] {
        var members: [String] = []
        var teams: [String] = []
        var units: [String] = []
        func add(_ name: String, to list: inout [String]) { if !list.contains(name) { list.append(name) } }
        for s in sessions {
            add(s.unit, to: &units)
            for p in s.placements {
                if let m = p.member { add(kit.memberName(m), to: &members) }
                add(kit.teamName(p.team), to: &teams)
            }
        }
        var groups: [Audience] = []
        if !members.isEmpty { groups.append(.init(title: "Các đồng chí Ủy viên Ban Thường vụ (\(members.count))", names: members.joined(separator: ", "))) }
        if !teams.isEmpty { groups.append(.init(title: "Tổ công tác (\(teams.count))", names: teams.joined(separator: ", "))) }
        if !units.isEmpty { groups.append(.init(title: "Đơn vị (\(units.count))", names: units.joined(separator: ", "))) }
        groups.append(.init(title: "Văn phòng", names: "lịch toàn huyện"))
        return groups
    }

    /// The e-mail line of a confirmation: how many people a message goes to.
    static func mailText(_ recipients: [ReviewService.MailRecipient], configured: Bool) -> (String?, [String]) {
        guard configured else { return (nil, []) }
        guard !recipients.isEmpty else {
            return ("Không ai được báo qua thư (người liên quan chưa có địa chỉ thư hoặc chọn không nhận thư).", [])
        }
        return ("\(recipients.count) người sẽ được báo qua thư.", recipients.map { "\($0.name) <\($0.email)> – \($0.delivery.vietnamese)" })
    }
}

extension OfficeKit {
    private struct ConfirmField: Decodable {
        var confirm: String?
    }

    /// Whether the submitted form is the confirmation's (`confirm=1`), not the first click.
    func confirmed(_ context: OfficeRequestContext) -> Bool {
        (try? URLEncodedFormDecoder().decode(ConfirmField.self, from: context.formText))?.confirm == "1"
    }
}

extension ConfirmPage.Change: TemplateFields {
    var templateFields: [String: Any] { ["id": id, "unit": unit, "what": what, "before": before, "after": after] }
}
