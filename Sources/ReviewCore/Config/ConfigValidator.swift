/// Checks what spans entries and files once every file is read: references to ids, blocs with units but no
/// work team, cycles in the units' `after`, campaigns whose periods overlap.
struct ConfigValidator {
    /// What was read.
    let draft: ConfigDraft
    /// Where defects go.
    let log: DefectLog

    /// Runs every check.
    func validate() {
        checkReferences()
        checkBlocTeams()
        checkAfterCycles()
        checkCampaignPeriods()
        checkMail()
    }

    /// Addresses need the office's own (`mail.from`): it is the sender of every message and the organizer of every invitation.
    private func checkMail() {
        guard draft.mail == nil else { return }
        let first: (String, ConfigPosition?)? =
            draft.members.first(where: { $0.email != nil }).map { ("Ủy viên '\($0.id)'", draft.position(of: $0.id, in: .member)) }
            ?? draft.teams.first(where: { $0.email != nil }).map { ("tổ công tác '\($0.id)'", draft.position(of: $0.id, in: .team)) }
        guard let (who, position) = first, let position else { return }
        log.add(
            position,
            "\(who) có địa chỉ thư (email) nhưng district.yaml chưa có mục 'mail' (from: địa chỉ thư của Văn phòng, name: tên hiển thị): thư gửi đi cần địa chỉ người gửi")
    }

    /// Every id mentioned is declared in its list (unless that list's file could not be read at all).
    private func checkReferences() {
        for ref in draft.references where !draft.unreadable.contains(ref.target) {
            guard draft.position(of: ref.id, in: ref.target) == nil else { continue }
            let hint = Suggestion.hint(for: ref.id, among: draft.ids(in: ref.target))
            let missing = "không có \(ref.target.noun) '\(ref.id)' trong \(ref.target.file)\(hint)"
            log.add(ref.position, "\(ref.subject): trường '\(ref.field)': \(missing)")
        }
    }

    /// Every bloc that has units is followed by at least one work team (rule IV.6).
    private func checkBlocTeams() {
        guard !draft.unreadable.contains(.team) else { return }
        let blocReferences = draft.references.filter { $0.target == .bloc }
        let followed = Set(blocReferences.filter { $0.source == .team }.map(\.id))
        var units: [String: [String]] = [:]
        for ref in blocReferences where ref.source == .unit {
            if let owner = ref.owner { units[ref.id, default: []].append(owner) }
        }
        for bloc in draft.ids(in: .bloc) where !followed.contains(bloc) {
            guard let unitIDs = units[bloc], let position = draft.position(of: bloc, in: .bloc) else { continue }
            let listed = unitIDs.prefix(5).joined(separator: ", ") + (unitIDs.count > 5 ? ", …" : "")
            log.add(
                position,
                "khối '\(bloc)': có \(unitIDs.count) đơn vị (\(listed)) nhưng không có tổ công tác nào theo dõi; "
                    + "thêm '\(bloc)' vào trường 'blocs' của một tổ trong \(ConfigFileName.teams)"
            )
        }
    }

    /// The units' `after` relation has no cycle, or no order could satisfy it.
    private func checkAfterCycles() {
        let units = draft.ids(in: .unit)
        let order = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1, $0) })
        var edges: [String: [(unit: String, position: ConfigPosition)]] = [:]
        for ref in draft.references where ref.source == .unit && ref.target == .unit && ref.field == "after" {
            guard let owner = ref.owner, order[ref.id] != nil else { continue }
            edges[owner, default: []].append((ref.id, ref.position))
        }
        var finished: Set<String> = []
        var reported: Set<Set<String>> = []
        var path: [String] = []

        func visit(_ unit: String) {
            path.append(unit)
            for edge in edges[unit] ?? [] {
                if let start = path.firstIndex(of: edge.unit) {
                    report(cycle: Array(path[start...]), edges: edges, order: order, reported: &reported)
                } else if !finished.contains(edge.unit) {
                    visit(edge.unit)
                }
            }
            path.removeLast()
            finished.insert(unit)
        }
        for unit in units where !finished.contains(unit) {
            visit(unit)
        }
    }

    /// Reports a cycle once, at the `after` entry of its first unit in file order.
    private func report(
        cycle: [String],
        edges: [String: [(unit: String, position: ConfigPosition)]],
        order: [String: Int],
        reported: inout Set<Set<String>>
    ) {
        guard reported.insert(Set(cycle)).inserted, let first = cycle.indices.min(by: { order[cycle[$0]]! < order[cycle[$1]]! }) else { return }
        let rotated = Array(cycle[first...] + cycle[..<first])
        let next = rotated.count > 1 ? rotated[1] : rotated[0]
        guard let position = edges[rotated[0]]?.first(where: { $0.unit == next })?.position else { return }
        let loop = (rotated + [rotated[0]]).joined(separator: " → ")
        log.add(position, "đơn vị '\(rotated[0])': trường 'after' tạo vòng lặp \(loop); không thể xếp thứ tự kiểm điểm")
    }

    /// No two campaigns share a day, so that a date belongs to one campaign.
    private func checkCampaignPeriods() {
        let campaigns = draft.campaigns.sorted { $0.starts < $1.starts }
        for (previous, next) in zip(campaigns, campaigns.dropFirst()) where next.starts <= previous.ends {
            guard let position = draft.position(of: next.id, in: .campaign) else { continue }
            log.add(
                position,
                "chiến dịch '\(next.id)': thời gian \(next.starts.vietnamese)–\(next.ends.vietnamese) "
                    + "chồng lên chiến dịch '\(previous.id)' (\(previous.starts.vietnamese)–\(previous.ends.vietnamese))"
            )
        }
    }
}
