/// A unit that holds review sessions: a party cell, a grassroots party organisation, an agency.
public struct ReviewUnit: Sendable, Hashable {
    /// Identifier, ASCII, e.g. `dbx-tan-thanh`.
    public var id: String
    /// Display name, e.g. "Đảng bộ xã Tân Thành".
    public var name: String
    /// The bloc it belongs to.
    public var bloc: String
    /// What kind of unit it is.
    public var kind: UnitKind
    /// Where its sessions happen by default.
    public var location: String
    /// Standing Committee members in charge of it (phân công phụ trách).
    public var inCharge: [String]
    /// Whether the Standing Committee raised review suggestions (gợi ý kiểm điểm) for it.
    public var reviewSuggestion: Bool
    /// Units whose reviews must come before this unit's (rule IV.4: the People's Committee before the commune's party committee).
    public var after: [String]
    /// Contact person and phone, if given.
    public var contact: String?
    /// What the unit's contact receives at the e-mail address given at registration.
    public var delivery: Delivery = .invitation

    /// Creates a unit.
    public init(
        id: String, name: String, bloc: String, kind: UnitKind, location: String, inCharge: [String], reviewSuggestion: Bool,
        after: [String] = [], contact: String? = nil
    ) {
        self.id = id
        self.name = name
        self.bloc = bloc
        self.kind = kind
        self.location = location
        self.inCharge = inCharge
        self.reviewSuggestion = reviewSuggestion
        self.after = after
        self.contact = contact
    }
}

/// The kinds of unit in a district.
public enum UnitKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A commune's or town's party committee (đảng bộ xã, thị trấn).
    case communePartyCommittee = "dang-bo-xa"
    /// A commune's People's Committee and Council (UBND, HĐND xã).
    case peoplesCommittee = "ubnd-xa"
    /// A party cell of a district agency (chi bộ cơ quan).
    case agencyCell = "chi-bo-co-quan"
    /// A district agency as a collective (cơ quan, phòng, ban).
    case agency = "co-quan"
    /// The Fatherland Front or a mass organisation (Mặt trận, đoàn thể).
    case massOrganisation = "doan-the"
    /// The police's party committee (Đảng ủy Công an).
    case police = "cong-an"
    /// The military's party committee (Đảng ủy Quân sự).
    case military = "quan-su"
    /// A public service unit (đơn vị sự nghiệp).
    case publicService = "su-nghiep"
    /// The Standing Committee itself (Ban Thường vụ Huyện ủy).
    case standingCommittee = "ban-thuong-vu"

    /// The Vietnamese name of the kind.
    public var vietnamese: String {
        switch self {
        case .communePartyCommittee: "Đảng bộ xã, thị trấn"
        case .peoplesCommittee: "UBND, HĐND xã, thị trấn"
        case .agencyCell: "Chi bộ cơ quan"
        case .agency: "Cơ quan, phòng, ban"
        case .massOrganisation: "Mặt trận, đoàn thể"
        case .police: "Công an"
        case .military: "Quân sự"
        case .publicService: "Đơn vị sự nghiệp"
        case .standingCommittee: "Ban Thường vụ Huyện ủy"
        }
    }

    /// The review kinds a unit of this kind registers when `district.yaml` says nothing else (sections II and IV of the
    /// plan): party organisations their committee's and members' reviews, agencies and People's Committees their
    /// collective's, every unit its leaders' individual reviews — and only the Standing Committee its own review (IV.5).
    /// The first kind is the unit's main collective review.
    public var defaultRegistrableKinds: [ReviewKind] {
        switch self {
        case .communePartyCommittee: [.partyCollective, .partyMembers, .leadershipCollective, .individual]
        case .agencyCell: [.partyCollective, .partyMembers, .leadershipCollective, .individual]
        case .peoplesCommittee, .agency, .massOrganisation: [.agencyCollective, .leadershipCollective, .individual]
        case .police, .military, .publicService:
            [.partyCollective, .partyMembers, .leadershipCollective, .agencyCollective, .individual]
        case .standingCommittee: [.standingCommittee]
        }
    }
}
