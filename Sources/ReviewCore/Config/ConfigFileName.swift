/// The names of the files of a configuration directory.
enum ConfigFileName {
    /// The district: id, name, time zone, default travel time.
    static let district = "district.yaml"
    /// The blocs of units.
    static let blocs = "blocs.yaml"
    /// The locations and the travel times between them.
    static let locations = "locations.yaml"
    /// The Standing Committee members.
    static let members = "members.yaml"
    /// The work teams.
    static let teams = "teams.yaml"
    /// The units.
    static let units = "units.yaml"
    /// The folder of campaign files, one `*.yaml` per campaign.
    static let campaignsFolder = "campaigns"

    /// The files every configuration has, in the order they are read.
    static let required = [district, blocs, locations, members, teams, units]

    /// Whether a relative path names a campaign file, e.g. `campaigns/2023.yaml`.
    static func isCampaign(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0] == campaignsFolder && parts[1].hasSuffix(".yaml") && parts[1].count > 5
    }
}
