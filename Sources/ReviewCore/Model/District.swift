/// A district: the root of all configuration and data. One deployment may host many districts.
public struct District: Sendable, Hashable {
    /// Stable identifier, ASCII (e.g. `huyen-an-phu`); every stored row carries it.
    public var id: String
    /// Display name, e.g. "Huyện ủy An Phú".
    public var name: String
    /// The IANA time zone of the campaign (always `Asia/Ho_Chi_Minh` in Vietnam).
    public var zone: CampaignZone
    /// Blocs (khối) of units.
    public var blocs: [Bloc]
    /// Units: party cells, grassroots party organisations, agencies.
    public var units: [ReviewUnit] { didSet { unitIndex = Self.index(units, \.id) } }
    /// Standing Committee members.
    public var members: [Member] { didSet { memberIndex = Self.index(members, \.id) } }
    /// Work teams.
    public var teams: [WorkTeam] { didSet { teamIndex = Self.index(teams, \.id) } }
    // Positions by id, kept with the lists: pages look a unit up for each of a province's thousand rows.
    private var unitIndex: [String: Int]
    private var memberIndex: [String: Int]
    private var teamIndex: [String: Int]
    /// Places where sessions happen.
    public var locations: [Location]
    /// Travel times between locations.
    public var travel: TravelTable
    /// Campaigns, one per year.
    public var campaigns: [Campaign]
    /// The review kinds each kind of unit may register (`registrableKinds` in `district.yaml`); a unit kind not listed
    /// registers its ``UnitKind/defaultRegistrableKinds``.
    public var registrableKinds: [UnitKind: [ReviewKind]]
    /// The District Office's mail settings (`mail` in `district.yaml`), if it sends e-mail.
    public var mail: MailSettings?

    /// Creates a district.
    public init(
        id: String, name: String, zone: CampaignZone = .vietnam, blocs: [Bloc], units: [ReviewUnit], members: [Member],
        teams: [WorkTeam], locations: [Location], travel: TravelTable, campaigns: [Campaign], registrableKinds: [UnitKind: [ReviewKind]] = [:]
    ) {
        self.id = id
        self.name = name
        self.zone = zone
        self.blocs = blocs
        self.units = units
        self.members = members
        self.teams = teams
        unitIndex = Self.index(units, \.id)
        memberIndex = Self.index(members, \.id)
        teamIndex = Self.index(teams, \.id)
        self.locations = locations
        self.travel = travel
        self.campaigns = campaigns
        self.registrableKinds = registrableKinds
    }

    /// The review kinds a kind of unit may register, in the order configured.
    public func kinds(registrableBy kind: UnitKind) -> [ReviewKind] {
        registrableKinds[kind] ?? kind.defaultRegistrableKinds
    }

    /// The unit with an id.
    public func unit(_ id: String) -> ReviewUnit? { unitIndex[id].map { units[$0] } }
    /// The member with an id.
    public func member(_ id: String) -> Member? { memberIndex[id].map { members[$0] } }
    /// The team with an id.
    public func team(_ id: String) -> WorkTeam? { teamIndex[id].map { teams[$0] } }

    /// The first position of each id in a list.
    private static func index<T>(_ list: [T], _ id: KeyPath<T, String>) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, item) in list.enumerated() where index[item[keyPath: id]] == nil { index[item[keyPath: id]] = position }
        return index
    }
    /// The bloc with an id.
    public func bloc(_ id: String) -> Bloc? { blocs.first { $0.id == id } }
    /// The location with an id.
    public func location(_ id: String) -> Location? { locations.first { $0.id == id } }
    /// The campaign with an id.
    public func campaign(_ id: String) -> Campaign? { campaigns.first { $0.id == id } }

    /// The campaign whose period contains a date; the latest one starting before it otherwise.
    public func campaign(covering date: LocalDate) -> Campaign? {
        campaigns.first { $0.starts <= date && date <= $0.ends }
            ?? campaigns.filter { $0.starts <= date }.max { $0.starts < $1.starts }
    }

    /// The campaign a session on `date` is meant for: the one whose period contains it, otherwise the nearest one — a
    /// date a few days before a campaign starts belongs to that campaign, not to last year's, which ended long ago.
    /// Between two campaigns at equal distance, the coming one.
    public func campaign(meantFor date: LocalDate) -> Campaign? {
        if let covering = campaigns.first(where: { $0.starts <= date && date <= $0.ends }) { return covering }
        func distance(_ c: Campaign) -> Int { date < c.starts ? date.days(until: c.starts) : c.ends.days(until: date) }
        return campaigns.min { a, b in
            let (da, db) = (distance(a), distance(b))
            return da != db ? da < db : a.starts > b.starts
        }
    }
}

/// A bloc (khối): a group of units followed by one or more work teams.
public struct Bloc: Sendable, Hashable {
    /// Identifier, e.g. `xa`.
    public var id: String
    /// Display name, e.g. "Khối xã, thị trấn".
    public var name: String
    /// Creates a bloc.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A place where sessions happen.
public struct Location: Sendable, Hashable {
    /// Identifier, e.g. `xa-tan-thanh`.
    public var id: String
    /// Display name, e.g. "Hội trường UBND xã Tân Thành".
    public var name: String
    /// Postal address, if given.
    public var address: String?
    /// Creates a location.
    public init(id: String, name: String, address: String? = nil) {
        self.id = id
        self.name = name
        self.address = address
    }
}

/// Travel times between locations, in minutes.
public struct TravelTable: Sendable, Hashable {
    /// Minutes between two different locations with no pair listed.
    public var defaultMinutes: Int
    /// Listed pairs (either order).
    public var pairs: [TravelPair]
    /// Creates a table.
    public init(defaultMinutes: Int, pairs: [TravelPair]) {
        self.defaultMinutes = defaultMinutes
        self.pairs = pairs
    }

    /// Minutes from `a` to `b`: 0 for the same place, the pair when listed, the default otherwise.
    public func minutes(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        return pairs.first { ($0.a == a && $0.b == b) || ($0.a == b && $0.b == a) }?.minutes ?? defaultMinutes
    }
}

/// One listed travel time.
public struct TravelPair: Sendable, Hashable {
    /// One location id.
    public var a: String
    /// The other location id.
    public var b: String
    /// Minutes between them.
    public var minutes: Int
    /// Creates a pair.
    public init(a: String, b: String, minutes: Int) {
        self.a = a
        self.b = b
        self.minutes = minutes
    }
}

/// How the District Office sends e-mail (`mail` in `district.yaml`).
public struct MailSettings: Sendable, Hashable {
    /// The office's address: the From of every message and the ORGANIZER of every invitation.
    public var from: String
    /// The name shown beside it.
    public var name: String
    /// A message not delivered after this many hours of retries is marked failed.
    public var giveUpHours: Int
    /// Creates settings.
    public init(from: String, name: String, giveUpHours: Int = 24) {
        self.from = from
        self.name = name
        self.giveUpHours = giveUpHours
    }
}
