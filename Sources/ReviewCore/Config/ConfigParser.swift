import Foundation
internal import Yams

/// Turns the YAML trees of a configuration's files into a ``ConfigDraft``, logging what each entry has wrong.
///
/// An entry with a defect is left out of the draft, but its id is still declared, so that the other
/// entries that mention it get no second defect.
struct ConfigParser {
    /// What has been read so far.
    var draft = ConfigDraft()
    /// Where defects go.
    let log: DefectLog

    /// A parser with an empty draft.
    init(log: DefectLog) {
        self.log = log
    }

    /// Reads `district.yaml`: `id`, `name`, `timezone`, `travel: {default}`, `registrableKinds?`.
    mutating func readDistrict(_ root: Node?, file: String) {
        let fields = ["id", "name", "timezone", "travel", "registrableKinds", "mail"]
        guard let root, let r = FieldReader(root, file: file, noun: "huyện", fields: fields, log: log) else {
            return
        }
        draft.districtID = r.identifier("id")
        draft.districtName = r.text("name")
        if let node = r.value("timezone"), let identifier = r.text(of: node, label: "trường 'timezone'") {
            if let zone = CampaignZone(identifier: identifier) {
                draft.zone = zone
            } else {
                r.report(
                    r.position(of: node),
                    "múi giờ '\(Text.clip(identifier))' không phải mã IANA hợp lệ; ở Việt Nam dùng 'Asia/Ho_Chi_Minh'"
                )
            }
        }
        if let travel = r.nested("travel", noun: "thời gian di chuyển", fields: ["default"], required: false),
            let minutes = travel.integer("default", default: draft.travelDefault)
        {
            draft.travelDefault = minutes
        }
        readRegistrableKinds(r)
        if let mail = r.nested("mail", noun: "thư điện tử", fields: ["from", "name", "giveUpHours"], required: false) {
            let from = email(mail, "from", required: true)
            let name = mail.text("name")
            let hours = mail.integer("giveUpHours", default: 24, minimum: 1)
            if let from, let name, let hours { draft.mail = MailSettings(from: from, name: name, giveUpHours: hours) }
        }
    }

    /// An e-mail address field; nil (after reporting) when malformed, nil when absent and not required.
    func email(_ r: FieldReader, _ key: String, required: Bool = false) -> String? {
        guard required || r.has(key), let text = r.text(key) else { return nil }
        if let problem = Text.emailProblem(text) {
            r.report(r.position(of: key), "trường '\(key)': địa chỉ thư '\(Text.clip(text))' không hợp lệ: \(problem)")
            return nil
        }
        return text
    }

    /// The `delivery` field: `invitation` (default), `notice` or `none`.
    func delivery(_ r: FieldReader) -> Delivery? {
        guard r.has("delivery") else { return .invitation }
        guard let text = r.text("delivery") else { return nil }
        guard let value = Delivery(rawValue: text) else {
            r.report(
                r.position(of: "delivery"),
                "trường 'delivery': '\(Text.clip(text))' không hợp lệ; dùng invitation (thư mời kèm lịch), notice (thư báo thay đổi) hoặc none (không gửi)")
            return nil
        }
        return value
    }

    /// `registrableKinds`: a table from unit kind to the review kinds units of that kind may register, e.g.
    /// `chi-bo-co-quan: [cap-uy, dang-vien]`. Unit kinds not listed (or left empty) keep their defaults; `[]` allows none.
    mutating func readRegistrableKinds(_ r: FieldReader) {
        guard let node = r.value("registrableKinds", required: false) else { return }
        guard case .mapping(let mapping) = node else {
            r.report(
                r.position(of: node),
                "trường 'registrableKinds' phải là một bảng dạng 'loại đơn vị: [loại kiểm điểm, …]', nhưng là \(FieldReader.describe(node))"
            )
            return
        }
        let unitKinds = UnitKind.allCases.map(\.rawValue)
        let reviewKinds = ReviewKind.allCases.map(\.rawValue)
        var seen: Set<UnitKind> = []
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            guard let unitKind = UnitKind(rawValue: name) else {
                r.report(
                    r.position(of: key),
                    "trường 'registrableKinds': loại đơn vị '\(Text.clip(name))' không có\(Suggestion.hint(for: name, among: unitKinds)); "
                        + "dùng một trong \(unitKinds.joined(separator: ", "))"
                )
                continue
            }
            guard seen.insert(unitKind).inserted else {
                r.report(r.position(of: key), "trường 'registrableKinds': loại đơn vị '\(name)' ghi hai lần")
                continue
            }
            if FieldReader.isNull(value) { continue }
            guard case .sequence(let items) = value else {
                r.report(
                    r.position(of: value),
                    "trường 'registrableKinds', loại đơn vị '\(name)': phải là một danh sách loại kiểm điểm, ví dụ [cap-uy, dang-vien], "
                        + "nhưng là \(FieldReader.describe(value))"
                )
                continue
            }
            var kinds: [ReviewKind] = []
            var complete = true
            for item in items {
                let label = "trường 'registrableKinds', loại đơn vị '\(name)'"
                guard let text = r.text(of: item, label: label) else {
                    complete = false
                    continue
                }
                guard let kind = ReviewKind(rawValue: text) else {
                    r.report(
                        r.position(of: item),
                        "\(label): loại kiểm điểm '\(Text.clip(text))' không có\(Suggestion.hint(for: text, among: reviewKinds)); "
                            + "dùng một trong \(reviewKinds.joined(separator: ", "))"
                    )
                    complete = false
                    continue
                }
                if kinds.contains(kind) {
                    r.report(r.position(of: item), "\(label): '\(text)' ghi hai lần")
                    complete = false
                    continue
                }
                kinds.append(kind)
            }
            if complete { draft.registrableKinds[unitKind] = kinds }
        }
    }

    /// Reads `blocs.yaml`: a list of `{id, name}`.
    mutating func readBlocs(_ root: Node?, file: String) {
        readList(root, file: file, collection: .bloc, fields: ["id", "name"]) { parser, r in
            let id = parser.declare(r, in: .bloc)
            guard let name = r.text("name"), let id else { return }
            parser.draft.blocs.append(Bloc(id: id, name: name))
        }
    }

    /// Reads `locations.yaml`: `locations:` a list of `{id, name, address?}`; `travel:` a list of `{a, b, minutes}`.
    mutating func readLocations(_ root: Node?, file: String) {
        guard let root, let r = FieldReader(root, file: file, noun: "tệp địa điểm", fields: ["locations", "travel"], log: log) else {
            draft.unreadable.insert(.location)
            return
        }
        guard let locations = r.value("locations") else {
            draft.unreadable.insert(.location)
            return
        }
        readList(locations, file: file, collection: .location, fields: ["id", "name", "address"]) { parser, r in
            let id = parser.declare(r, in: .location)
            let address = r.text("address", required: false)
            guard let name = r.text("name"), let id, r.has("address") == (address != nil) else { return }
            parser.draft.locations.append(Location(id: id, name: name, address: address))
        }
        guard let travel = r.value("travel", required: false) else { return }
        var pairs: [Set<String>: ConfigPosition] = [:]
        readList(travel, file: file, collection: nil, noun: "thời gian di chuyển", fields: ["a", "b", "minutes"]) { parser, r in
            let a = parser.reference(r, "a", to: .location, from: .location, owner: nil)
            let b = parser.reference(r, "b", to: .location, from: .location, owner: nil)
            let minutes = r.integer("minutes")
            guard let a, let b, let minutes else { return }
            if a == b {
                r.report(r.position(of: "b"), "hai đầu 'a' và 'b' là cùng một địa điểm '\(a)'")
                return
            }
            if let first = pairs[[a, b]] {
                r.report(r.position, "thời gian giữa '\(a)' và '\(b)' đã khai báo ở \(first.reference(from: r.position))")
                return
            }
            pairs[[a, b]] = r.position
            parser.draft.travel.append(TravelPair(a: a, b: b, minutes: minutes))
        }
    }

    /// Reads `members.yaml`: a list of `{id, name, title, homeUnit?, maxPerDay?, calendar?}`.
    mutating func readMembers(_ root: Node?, file: String) {
        let fields = ["id", "name", "title", "homeUnit", "maxPerDay", "calendar", "email", "delivery"]
        readList(root, file: file, collection: .member, fields: fields) { parser, r in
            let id = parser.declare(r, in: .member)
            let name = r.text("name")
            let title = r.text("title")
            let homeUnit = r.has("homeUnit") ? parser.reference(r, "homeUnit", to: .unit, from: .member, owner: id) : nil
            let maxPerDay = r.integer("maxPerDay", default: 2)
            let calendar = parser.calendar(r)
            let email = parser.email(r, "email")
            let delivery = parser.delivery(r)
            guard let id, let name, let title, let maxPerDay, r.has("homeUnit") == (homeUnit != nil), r.has("calendar") == (calendar != nil),
                r.has("email") == (email != nil), let delivery
            else { return }
            parser.draft.members.append(
                Member(id: id, name: name, title: title, homeUnit: homeUnit, maxPerDay: maxPerDay, calendar: calendar, email: email, delivery: delivery))
        }
    }

    /// Reads `teams.yaml`: a list of `{id, name, blocs, leader, leaderPhone?, maxPerDay?, calendar?}`.
    mutating func readTeams(_ root: Node?, file: String) {
        let fields = ["id", "name", "blocs", "leader", "leaderPhone", "maxPerDay", "calendar", "email", "delivery"]
        readList(root, file: file, collection: .team, fields: fields) { parser, r in
            let id = parser.declare(r, in: .team)
            let name = r.text("name")
            let blocs = parser.references(r, "blocs", to: .bloc, from: .team, owner: id)
            if blocs?.isEmpty == true {
                r.report(r.position(of: "blocs"), "trường 'blocs' phải có ít nhất một khối")
            }
            let leader = r.text("leader")
            let phone = parser.phone(r, "leaderPhone")
            let maxPerDay = r.integer("maxPerDay", default: 2)
            let calendar = parser.calendar(r)
            let email = parser.email(r, "email")
            let delivery = parser.delivery(r)
            guard let id, let name, let blocs, !blocs.isEmpty, let leader, r.has("leaderPhone") == (phone != nil), let maxPerDay,
                r.has("calendar") == (calendar != nil), r.has("email") == (email != nil), let delivery
            else { return }
            parser.draft.teams.append(
                WorkTeam(
                    id: id, name: name, blocs: blocs, leader: leader, leaderPhone: phone, maxPerDay: maxPerDay, calendar: calendar, email: email,
                    delivery: delivery)
            )
        }
    }

    // MARK: Lists

    /// Reads a list of entries, declaring nothing itself: `entry` reads each one.
    ///
    /// - Parameters:
    ///   - collection: the list whose ids the entries declare; marked unreadable when the list itself is.
    ///   - noun: what one entry is, for messages; the collection's noun by default.
    mutating func readList(
        _ root: Node?,
        file: String,
        collection: ConfigCollection?,
        noun: String? = nil,
        fields: [String],
        entry: (inout ConfigParser, FieldReader) -> Void
    ) {
        let noun = noun ?? collection?.noun ?? ""
        guard let root else {
            if let collection { draft.unreadable.insert(collection) }
            return
        }
        guard case .sequence(let items) = root else {
            log.add(
                ConfigPosition(file: file, mark: root.mark),
                "danh sách \(noun) phải gồm các mục bắt đầu bằng '- ', nhưng là \(FieldReader.describe(root))"
            )
            if let collection { draft.unreadable.insert(collection) }
            return
        }
        if items.isEmpty, collection != nil {
            log.add(ConfigPosition(file: file, mark: root.mark), "danh sách \(noun) trống")
        }
        for (index, item) in items.enumerated() {
            if let reader = FieldReader(item, file: file, noun: noun, index: index + 1, fields: fields, log: log) {
                entry(&self, reader)
            }
        }
    }

    /// Reads an entry's `id` and declares it; nil when unreadable or already declared.
    mutating func declare(_ r: FieldReader, in collection: ConfigCollection) -> String? {
        guard let id = r.identifier("id") else { return nil }
        return draft.declare(id, in: collection, at: r.position(of: "id"), subject: r.subject, log: log) ? id : nil
    }

    // MARK: References

    /// Reads a field holding one id of `target` and records the reference, checked once every file is read.
    mutating func reference(
        _ r: FieldReader,
        _ key: String,
        to target: ConfigCollection,
        from source: ConfigCollection,
        owner: String?
    )
        -> String?
    {
        guard let node = r.value(key), let id = r.identifier(of: node, label: "trường '\(key)'") else { return nil }
        record(id, at: node, in: r, key, to: target, from: source, owner: owner)
        return id
    }

    /// Reads a field holding a list of ids of `target` and records the references; empty when an optional one is absent.
    mutating func references(
        _ r: FieldReader,
        _ key: String,
        to target: ConfigCollection,
        from source: ConfigCollection,
        owner: String?,
        required: Bool = true
    ) -> [String]? {
        guard let items = r.list(key, required: required) else { return nil }
        var ids: [String] = []
        var complete = true
        for (index, node) in items.enumerated() {
            guard let id = r.identifier(of: node, label: "mục \(index + 1) của '\(key)'") else {
                complete = false
                continue
            }
            if ids.contains(id) {
                r.report(r.position(of: node), "'\(id)' ghi hai lần trong '\(key)'")
                complete = false
                continue
            }
            ids.append(id)
            record(id, at: node, in: r, key, to: target, from: source, owner: owner)
        }
        return complete ? ids : nil
    }

    /// Records a reference, to be checked once every file is read.
    private mutating func record(
        _ id: String,
        at node: Node,
        in r: FieldReader,
        _ key: String,
        to target: ConfigCollection,
        from source: ConfigCollection,
        owner: String?
    ) {
        let position = r.position(of: node)
        draft.references.append(
            ConfigReference(target: target, id: id, source: source, owner: owner, subject: r.subject, field: key, position: position)
        )
    }

    // MARK: Checked text

    /// An optional `calendar` field: an `https://`, `http://` or `webcal://` URL, or a file path; nil when absent or malformed.
    func calendar(_ r: FieldReader) -> String? {
        guard r.has("calendar"), let text = r.text("calendar") else { return nil }
        if text.contains("://") {
            let scheme = text.prefix { $0 != ":" }.lowercased()
            guard ["https", "http", "webcal"].contains(scheme), let url = URL(string: text), url.host != nil else {
                r.report(
                    r.position(of: "calendar"),
                    "trường 'calendar': '\(Text.clip(text))' không phải địa chỉ https:// hợp lệ "
                        + "(hoặc ghi đường dẫn tệp .ics)"
                )
                return nil
            }
        }
        return text
    }

    /// An optional phone number field: digits, spaces and `+ . - ( )`, at least 8 digits; nil when absent or malformed.
    func phone(_ r: FieldReader, _ key: String) -> String? {
        guard r.has(key), let text = r.text(key) else { return nil }
        let allowed = text.allSatisfy { ($0.isASCII && $0.isNumber) || " +.-()".contains($0) }
        guard allowed, text.filter(\.isNumber).count >= 8 else {
            r.report(r.position(of: key), "trường '\(key)': số điện thoại '\(Text.clip(text))' không hợp lệ, ví dụ 0912 345 678")
            return nil
        }
        return text
    }
}
