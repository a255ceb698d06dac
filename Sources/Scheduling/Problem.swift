/// One week's scheduling problem (spec `weekly-scheduling.md`, version 1), every default applied.
///
/// Read it from JSON with ``ProblemReader/read(_:)`` (decoding validates it), or build it in Swift with the memberwise
/// initialiser and check it with ``defects()``; write it with ``ProblemWriter/encode(_:)``.
public struct Problem: Sendable, Encodable {
    /// Format version; always 1.
    public var version: Int
    /// IANA time zone the local times are in (a label: the solver never converts times).
    public var timezone: String
    /// The ISO week all options lie in.
    public var week: ISOWeek
    /// Standing Committee members (UVBTV).
    public var members: [Member]
    /// Work teams (tổ công tác).
    public var teams: [Team]
    /// Travel times between locations.
    public var travelMinutes: TravelMinutes
    /// The review sessions to schedule.
    public var requests: [Request]
    /// Assignments fixed by hand or already published: every solution contains them as they are.
    public var pinned: [Assignment]
    /// The week as already published, when this problem repairs it (spec "Repairing a published week"): a baseline,
    /// not a constraint. A solution may differ from it, at the `moved`, `memberChanged`, `teamChanged` and `dropped`
    /// weights; an entry may break the hard rules of the problem as it is now (then it must change). Empty: no baseline.
    public var published: [Assignment]
    /// Penalty weights of the score.
    public var weights: Weights
    /// What the reasons call requests and blocs; not part of the JSON contract (a problem read from JSON has none,
    /// and its reasons name requests and blocs by id).
    public var labels = Labels()

    /// A problem from its parts; the defaults are the spec's.
    public init(
        version: Int = 1, timezone: String = "Asia/Ho_Chi_Minh", week: ISOWeek, members: [Member], teams: [Team],
        travelMinutes: TravelMinutes = TravelMinutes(), requests: [Request], pinned: [Assignment] = [], published: [Assignment] = [],
        weights: Weights = Weights()
    ) {
        self.version = version
        self.timezone = timezone
        self.week = week
        self.members = members
        self.teams = teams
        self.travelMinutes = travelMinutes
        self.requests = requests
        self.pinned = pinned
        self.published = published
        self.weights = weights
    }

    private enum CodingKeys: String, CodingKey {
        case version, timezone, week, members, teams, travelMinutes, requests, pinned, published, weights
    }

    /// Encodes every field; `published` only when there is a baseline (an absent `published` reads back as none), so
    /// that a week without one is written as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(week, forKey: .week)
        try c.encode(members, forKey: .members)
        try c.encode(teams, forKey: .teams)
        try c.encode(travelMinutes, forKey: .travelMinutes)
        try c.encode(requests, forKey: .requests)
        try c.encode(pinned, forKey: .pinned)
        if !published.isEmpty { try c.encode(published, forKey: .published) }
        try c.encode(weights, forKey: .weights)
    }
}

/// The names a clerk knows requests and blocs by, for the reasons of a solution: a request as its unit, kind and day,
/// a bloc by its name. An id without a name is shown as it is.
public struct Labels: Sendable, Hashable {
    /// Request id → its words, e.g. "Đảng ủy xã An Bình — Kiểm điểm tập thể, Thứ Ba 15/12".
    public var requests: [String: String]
    /// Bloc id → its name.
    public var blocs: [String: String]
    /// Labels; empty by default.
    public init(requests: [String: String] = [:], blocs: [String: String] = [:]) {
        self.requests = requests
        self.blocs = blocs
    }
}

/// A half-open interval `[start, end)` of local time: a request's time option or a busy block.
public struct TimeOption: Sendable, Encodable, Hashable {
    /// First minute of the interval.
    public var start: LocalDateTime
    /// First minute after the interval.
    public var end: LocalDateTime

    /// The interval `[start, end)`.
    public init(start: LocalDateTime, end: LocalDateTime) {
        self.start = start
        self.end = end
    }

    /// Whether the two intervals share at least one instant.
    public func intersects(_ other: TimeOption) -> Bool {
        start < other.end && other.start < end
    }
}

/// A Standing Committee member (UVBTV).
public struct Member: Sendable, Encodable, Hashable {
    /// Unique among members.
    public var id: String
    /// Full name, used in explanations.
    public var name: String
    /// Most sessions starting on one date.
    public var maxPerDay: Int
    /// Intervals the member cannot attend anything.
    public var busy: [TimeOption]

    /// A member; the defaults are the spec's.
    public init(id: String, name: String, maxPerDay: Int = 2, busy: [TimeOption] = []) {
        self.id = id
        self.name = name
        self.maxPerDay = maxPerDay
        self.busy = busy
    }
}

/// A work team (tổ công tác).
public struct Team: Sendable, Encodable, Hashable {
    /// Unique among teams (a member may share it: they are different persons).
    public var id: String
    /// Display name, used in explanations.
    public var name: String
    /// Blocs (khối) whose sessions the team may attend.
    public var blocs: [String]
    /// Most sessions starting on one date.
    public var maxPerDay: Int
    /// Intervals the team cannot attend anything.
    public var busy: [TimeOption]

    /// A team; the defaults are the spec's.
    public init(id: String, name: String, blocs: [String], maxPerDay: Int = 2, busy: [TimeOption] = []) {
        self.id = id
        self.name = name
        self.blocs = blocs
        self.maxPerDay = maxPerDay
        self.busy = busy
    }
}

/// Travel times between locations: `travel(x, y)` is 0 when `x == y`, else a pair's minutes, else `default`.
public struct TravelMinutes: Sendable, Encodable, Hashable {
    /// Minutes between two different locations that no pair names.
    public var defaultMinutes: Int
    /// Minutes between named locations, in either direction.
    public var pairs: [TravelPair]

    /// Travel times; no pairs and 0 minutes by default, as the spec says.
    public init(defaultMinutes: Int = 0, pairs: [TravelPair] = []) {
        self.defaultMinutes = defaultMinutes
        self.pairs = pairs
    }

    private enum CodingKeys: String, CodingKey {
        case defaultMinutes = "default"
        case pairs
    }

    /// The spec's `travel(x, y)`; a pair with `a == b` is ignored.
    public func minutes(from x: String, to y: String) -> Int {
        if x == y { return 0 }
        for pair in pairs where pair.a != pair.b && ((pair.a == x && pair.b == y) || (pair.a == y && pair.b == x)) {
            return pair.minutes
        }
        return defaultMinutes
    }
}

/// Travel minutes between two locations, either direction.
public struct TravelPair: Sendable, Encodable, Hashable {
    /// One location.
    public var a: String
    /// The other location.
    public var b: String
    /// Minutes between them.
    public var minutes: Int

    /// A pair of locations and the minutes between them.
    public init(a: String, b: String, minutes: Int) {
        self.a = a
        self.b = b
        self.minutes = minutes
    }
}

/// A registered review session (buổi kiểm điểm) to schedule.
public struct Request: Sendable, Encodable, Hashable {
    /// Unique among requests.
    public var id: String
    /// The unit holding the review (a label).
    public var unit: String
    /// The unit's bloc; the team must cover it.
    public var bloc: String
    /// Where the session takes place (a free string, used for travel times).
    public var location: String
    /// Whether a member must attend; when false the member may be absent (at a penalty).
    public var needsMember: Bool
    /// Members who follow the unit; another member costs `weights.notInCharge`.
    public var inCharge: [String]
    /// Multiplies the penalty for leaving the request unscheduled.
    public var weight: Int
    /// No chosen option may start before this time.
    public var notBefore: LocalDateTime?
    /// Requests that must take place (and end) before this one.
    public var after: [String]
    /// Ranked time options; index 0 is the unit's first choice.
    public var options: [TimeOption]

    /// A request; the defaults are the spec's.
    public init(
        id: String, unit: String, bloc: String, location: String, needsMember: Bool = true, inCharge: [String] = [],
        weight: Int = 1, notBefore: LocalDateTime? = nil, after: [String] = [], options: [TimeOption]
    ) {
        self.id = id
        self.unit = unit
        self.bloc = bloc
        self.location = location
        self.needsMember = needsMember
        self.inCharge = inCharge
        self.weight = weight
        self.notBefore = notBefore
        self.after = after
        self.options = options
    }

    private enum CodingKeys: String, CodingKey {
        case id, unit, bloc, location, needsMember, inCharge, weight, notBefore, after, options
    }

    /// Encodes every field; `notBefore` is written as null when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(unit, forKey: .unit)
        try c.encode(bloc, forKey: .bloc)
        try c.encode(location, forKey: .location)
        try c.encode(needsMember, forKey: .needsMember)
        try c.encode(inCharge, forKey: .inCharge)
        try c.encode(weight, forKey: .weight)
        try c.encode(notBefore, forKey: .notBefore)
        try c.encode(after, forKey: .after)
        try c.encode(options, forKey: .options)
    }
}

/// Penalty weights of the score.
public struct Weights: Sendable, Encodable, Hashable {
    /// Per unscheduled request, times its weight.
    public var unscheduled: Int
    /// Per scheduled request, times the chosen option's index.
    public var rank: Int
    /// Per scheduled request whose member is not in its non-empty `inCharge`.
    public var notInCharge: Int
    /// Per scheduled request without a member.
    public var noMember: Int
    /// Per member and date, times (sessions starting that date − 1).
    public var sameDay: Int
    /// Per published request scheduled at another option than published (``Problem/published``).
    public var moved: Int
    /// Per published request scheduled with another member than published (no member is a value too).
    public var memberChanged: Int
    /// Per published request scheduled with another team than published.
    public var teamChanged: Int
    /// Per published request left unscheduled, times its weight (on top of `unscheduled`).
    public var dropped: Int

    /// Weights; the defaults are the spec's.
    public init(
        unscheduled: Int = 1000, rank: Int = 10, notInCharge: Int = 50, noMember: Int = 80, sameDay: Int = 20, moved: Int = 300,
        memberChanged: Int = 100, teamChanged: Int = 100, dropped: Int = 3000
    ) {
        self.unscheduled = unscheduled
        self.rank = rank
        self.notInCharge = notInCharge
        self.noMember = noMember
        self.sameDay = sameDay
        self.moved = moved
        self.memberChanged = memberChanged
        self.teamChanged = teamChanged
        self.dropped = dropped
    }

    private enum CodingKeys: String, CodingKey {
        case unscheduled, rank, notInCharge, noMember, sameDay, moved, memberChanged, teamChanged, dropped
    }

    /// Encodes every weight of the score without a baseline; the four weights of a repair (`moved`, `memberChanged`,
    /// `teamChanged`, `dropped`) only where they differ from the spec's defaults, which an absent key reads back as.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unscheduled, forKey: .unscheduled)
        try c.encode(rank, forKey: .rank)
        try c.encode(notInCharge, forKey: .notInCharge)
        try c.encode(noMember, forKey: .noMember)
        try c.encode(sameDay, forKey: .sameDay)
        let defaults = Weights()
        if moved != defaults.moved { try c.encode(moved, forKey: .moved) }
        if memberChanged != defaults.memberChanged { try c.encode(memberChanged, forKey: .memberChanged) }
        if teamChanged != defaults.teamChanged { try c.encode(teamChanged, forKey: .teamChanged) }
        if dropped != defaults.dropped { try c.encode(dropped, forKey: .dropped) }
    }
}
