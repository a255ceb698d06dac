internal import Yams

extension ConfigParser {
    /// Reads `units.yaml`: a list of `{id, name, bloc, kind, location, inCharge, reviewSuggestion?, after?, contact?}`.
    mutating func readUnits(_ root: Node?, file: String) {
        let fields = ["id", "name", "bloc", "kind", "location", "inCharge", "reviewSuggestion", "after", "contact", "delivery"]
        readList(root, file: file, collection: .unit, fields: fields) { parser, r in
            let id = parser.declare(r, in: .unit)
            let name = r.text("name")
            let bloc = parser.reference(r, "bloc", to: .bloc, from: .unit, owner: id)
            let kind = parser.unitKind(r)
            let location = parser.reference(r, "location", to: .location, from: .unit, owner: id)
            let inCharge = parser.references(r, "inCharge", to: .member, from: .unit, owner: id)
            let suggestion = r.boolean("reviewSuggestion", default: false)
            let after = parser.references(r, "after", to: .unit, from: .unit, owner: id, required: false)
            let contact = r.text("contact", required: false)
            let delivery = parser.delivery(r)
            if suggestion == true, inCharge?.isEmpty == true {
                r.report(
                    r.position(of: "reviewSuggestion"),
                    "đơn vị có gợi ý kiểm điểm nhưng chưa phân công Ủy viên Ban Thường vụ phụ trách ('inCharge' trống)"
                )
                return
            }
            guard let id, let name, let bloc, let kind, let location, let inCharge, let suggestion, let after,
                r.has("contact") == (contact != nil), let delivery
            else { return }
            var unit =
                ReviewUnit(
                    id: id,
                    name: name,
                    bloc: bloc,
                    kind: kind,
                    location: location,
                    inCharge: inCharge,
                    reviewSuggestion: suggestion,
                    after: after,
                    contact: contact
                )
            unit.delivery = delivery
            parser.draft.units.append(unit)
        }
    }

    /// A unit's `kind`: one of ``UnitKind``'s raw values.
    private func unitKind(_ r: FieldReader) -> UnitKind? {
        guard let node = r.value("kind"), let text = r.text(of: node, label: "trường 'kind'") else { return nil }
        guard let kind = UnitKind(rawValue: text) else {
            let known = UnitKind.allCases.map(\.rawValue)
            let hint = Suggestion.hint(for: text, among: known)
            r.report(
                r.position(of: node),
                "trường 'kind': loại đơn vị '\(Text.clip(text))' không hợp lệ\(hint); "
                    + "dùng một trong \(known.joined(separator: ", "))"
            )
            return nil
        }
        return kind
    }
}
