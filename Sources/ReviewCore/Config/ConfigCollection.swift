/// The lists of a configuration whose entries have ids that other entries refer to.
enum ConfigCollection: CaseIterable {
    case bloc
    case location
    case member
    case team
    case unit
    case campaign

    /// The Vietnamese noun for one entry, e.g. "đơn vị".
    var noun: String {
        switch self {
        case .bloc: "khối"
        case .location: "địa điểm"
        case .member: "thành viên"
        case .team: "tổ công tác"
        case .unit: "đơn vị"
        case .campaign: "chiến dịch"
        }
    }

    /// Where the entries are declared, e.g. `units.yaml`.
    var file: String {
        switch self {
        case .bloc: ConfigFileName.blocs
        case .location: ConfigFileName.locations
        case .member: ConfigFileName.members
        case .team: ConfigFileName.teams
        case .unit: ConfigFileName.units
        case .campaign: ConfigFileName.campaignsFolder + "/*.yaml"
        }
    }
}
