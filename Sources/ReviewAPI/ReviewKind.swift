/// The kinds of review session a unit registers (section II of the plan).
public enum ReviewKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The collective review of a party committee or organisation (tập thể cấp ủy, tổ chức đảng).
    case partyCollective = "cap-uy"
    /// The collective review of a leadership and management body (tập thể lãnh đạo, quản lý).
    case leadershipCollective = "lanh-dao"
    /// The collective review of an agency or unit (tập thể cơ quan, đơn vị; UBND, HĐND).
    case agencyCollective = "co-quan"
    /// The review of the party members of a cell (kiểm điểm đảng viên).
    case partyMembers = "dang-vien"
    /// A leader's individual review (kiểm điểm cá nhân cán bộ lãnh đạo, quản lý).
    case individual = "ca-nhan"
    /// The Standing Committee's own collective review.
    case standingCommittee = "ban-thuong-vu"

    /// The Vietnamese name.
    public var vietnamese: String {
        switch self {
        case .partyCollective: "Kiểm điểm tập thể cấp ủy, tổ chức đảng"
        case .leadershipCollective: "Kiểm điểm tập thể lãnh đạo, quản lý"
        case .agencyCollective: "Kiểm điểm tập thể cơ quan, đơn vị"
        case .partyMembers: "Kiểm điểm đảng viên"
        case .individual: "Kiểm điểm cá nhân cán bộ lãnh đạo, quản lý"
        case .standingCommittee: "Kiểm điểm tập thể Ban Thường vụ Huyện ủy"
        }
    }
}
