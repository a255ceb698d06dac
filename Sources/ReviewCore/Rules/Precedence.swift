/// Which reviews must take place before a request (rules IV.4 and IV.5 of the plan), and why: the one definition used
/// by registration, by the week's scheduling problem (its `after` lists) and by the explanations of a held-out request.
public struct Precedence: Sendable {
    /// Why a review comes first.
    public enum Rule: Sendable, Hashable {
        /// The unit named it in its registration (`--after`).
        case named
        /// IV.4: the unit's configuration lists units that review first (the People's Committee and agencies before
        /// the party organisation of the same place).
        case governmentFirst(unit: String)
        /// IV.5: a Standing Committee member's own review at his or her home unit comes before the Standing
        /// Committee's collective review.
        case memberAtHomeUnit(member: String, unit: String)
    }

    /// A review that must come first.
    public struct Predecessor: Sendable, Hashable {
        /// Its request.
        public var requestId: String
        /// The rule that puts it first.
        public var rule: Rule
    }

    /// The district whose configuration (units' `after`, members' `homeUnit`) the rules read.
    public let district: District

    /// The rules of a district.
    public init(district: District) {
        self.district = district
    }

    /// The kinds of review in which a member reviews at his or her home unit (rule IV.5): the individual review of a
    /// leader, and the review of the cell's party members.
    public static let memberReviewKinds: Set<ReviewKind> = [.individual, .partyMembers]

    /// Whether a request is the Standing Committee's collective review.
    public static func isStandingCommitteeReview(_ request: ReviewRequest) -> Bool {
        request.kind == .standingCommittee
    }

    /// The members whose own review (rule IV.5) is held at a unit.
    public func members(reviewingAt unitId: String) -> [Member] {
        district.members.filter { $0.homeUnit == unitId }
    }

    /// Every review among `candidates` (open requests) that must take place before `request`: those the request names,
    /// those of the units its unit's configuration lists (IV.4, same week only: the order within the week), and, for the
    /// Standing Committee's collective review, every member's own review at the member's home unit (IV.5, any week).
    public func predecessors(of request: ReviewRequest, among candidates: [ReviewRequest]) -> [Predecessor] {
        var found: [Predecessor] = request.after.map { Predecessor(requestId: $0, rule: .named) }
        for unitId in district.unit(request.unitId)?.after ?? [] {
            for c in candidates where c.unitId == unitId && c.campaignId == request.campaignId && c.week == request.week && c.id != request.id {
                found.append(Predecessor(requestId: c.id, rule: .governmentFirst(unit: unitId)))
            }
        }
        if Self.isStandingCommitteeReview(request) {
            for member in district.members {
                guard let home = member.homeUnit else { continue }
                for c in candidates
                where c.unitId == home && c.campaignId == request.campaignId && Self.memberReviewKinds.contains(c.kind) && c.id != request.id {
                    found.append(Predecessor(requestId: c.id, rule: .memberAtHomeUnit(member: member.id, unit: home)))
                }
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0.requestId).inserted }
    }

    /// The Standing Committee's collective reviews among `candidates` that `request` (a member's own review at the
    /// member's home unit) must precede (IV.5), with the member concerned.
    public func successors(of request: ReviewRequest, among candidates: [ReviewRequest]) -> [(request: ReviewRequest, member: Member)] {
        guard Self.memberReviewKinds.contains(request.kind), let member = members(reviewingAt: request.unitId).first else { return [] }
        return candidates.filter { Self.isStandingCommitteeReview($0) && $0.campaignId == request.campaignId && $0.id != request.id }
            .map { ($0, member) }
    }

    /// Why a predecessor comes first, in Vietnamese, for a refusal or an explanation.
    public func reason(_ p: Predecessor) -> String {
        switch p.rule {
        case .named:
            return "đơn vị đã ghi buổi \(p.requestId) phải tổ chức trước"
        case .governmentFirst(let unit):
            return "theo quy định IV.4, \(district.unit(unit)?.name ?? unit) kiểm điểm trước"
        case .memberAtHomeUnit(let member, let unit):
            let name = district.members.first { $0.id == member }.map { "đồng chí \($0.name)" } ?? member
            return "theo quy định IV.5, \(name) kiểm điểm tại \(district.unit(unit)?.name ?? unit) trước khi Ban Thường vụ kiểm điểm tập thể"
        }
    }
}
