/// What has been read of a configuration so far: the entries that were read whole, every id declared
/// (also by entries that had defects, so that references to them are not reported twice), and the
/// references between entries, checked by ``ConfigValidator`` once every file is read.
struct ConfigDraft {
    /// The district's id, when read.
    var districtID: String?
    /// The district's name, when read.
    var districtName: String?
    /// The district's time zone.
    var zone = CampaignZone.vietnam
    /// Minutes between two locations with no listed travel time.
    var travelDefault = 30
    /// The review kinds each unit kind may register, for the unit kinds `registrableKinds` lists.
    var registrableKinds: [UnitKind: [ReviewKind]] = [:]
    /// The office's mail settings, when given.
    var mail: MailSettings?
    /// The blocs read whole.
    var blocs: [Bloc] = []
    /// The locations read whole.
    var locations: [Location] = []
    /// The travel times read whole.
    var travel: [TravelPair] = []
    /// The members read whole.
    var members: [Member] = []
    /// The teams read whole.
    var teams: [WorkTeam] = []
    /// The units read whole.
    var units: [ReviewUnit] = []
    /// The campaigns read whole.
    var campaigns: [Campaign] = []
    /// Lists whose file is missing or could not be parsed: references to them are not checked.
    var unreadable: Set<ConfigCollection> = []
    /// Every reference between entries, in the order read.
    var references: [ConfigReference] = []
    private var declaredIDs: [ConfigCollection: [String]] = [:]
    private var declaredAt: [ConfigCollection: [String: ConfigPosition]] = [:]

    /// Declares an id; false, after reporting, when the list already has it.
    mutating func declare(_ id: String, in collection: ConfigCollection, at position: ConfigPosition, subject: String, log: DefectLog) -> Bool {
        if let first = declaredAt[collection]?[id] {
            log.add(position, "\(subject): mã '\(id)' bị trùng, đã khai báo ở \(first.reference(from: position))")
            return false
        }
        declaredIDs[collection, default: []].append(id)
        declaredAt[collection, default: [:]][id] = position
        return true
    }

    /// The ids declared in a list, in the order read.
    func ids(in collection: ConfigCollection) -> [String] {
        declaredIDs[collection] ?? []
    }

    /// Where an id was declared, or nil when it was not.
    func position(of id: String, in collection: ConfigCollection) -> ConfigPosition? {
        declaredAt[collection]?[id]
    }

    /// The district, when its id and name were read.
    var district: District? {
        guard let districtID, let districtName else { return nil }
        var district = District(
            id: districtID,
            name: districtName,
            zone: zone,
            blocs: blocs,
            units: units,
            members: members,
            teams: teams,
            locations: locations,
            travel: TravelTable(defaultMinutes: travelDefault, pairs: travel),
            campaigns: campaigns,
            registrableKinds: registrableKinds
        )
        district.mail = mail
        return district
    }
}
