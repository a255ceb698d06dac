/// A Standing Committee member (Ủy viên Ban Thường vụ).
public struct Member: Sendable, Hashable {
    /// Identifier, ASCII, e.g. `m01`.
    public var id: String
    /// Full name, e.g. "Nguyễn Văn An".
    public var name: String
    /// Position, e.g. "Bí thư Huyện ủy".
    public var title: String
    /// The unit where the member holds his or her own review (rule IV.5), if any.
    public var homeUnit: String?
    /// Sessions the member can attend on one day.
    public var maxPerDay: Int
    /// The member's own calendar (an `https://` URL or a file path) read for busy time, if any.
    public var calendar: String?
    /// Where changes to the member's sessions are e-mailed, if anywhere.
    public var email: String?
    /// What the member receives at `email`.
    public var delivery: Delivery = .invitation
    /// Creates a member.
    public init(
        id: String, name: String, title: String, homeUnit: String? = nil, maxPerDay: Int = 2, calendar: String? = nil, email: String? = nil,
        delivery: Delivery = .invitation
    ) {
        self.email = email
        self.delivery = delivery
        self.id = id
        self.name = name
        self.title = title
        self.homeUnit = homeUnit
        self.maxPerDay = maxPerDay
        self.calendar = calendar
    }
}

/// A work team (tổ công tác) that follows the reviews of one or more blocs.
public struct WorkTeam: Sendable, Hashable {
    /// Identifier, ASCII, e.g. `t01`.
    public var id: String
    /// Display name, e.g. "Tổ công tác số 1".
    public var name: String
    /// Blocs it follows.
    public var blocs: [String]
    /// Its leader's name (receives the draft reports).
    public var leader: String
    /// Its leader's phone, if given.
    public var leaderPhone: String?
    /// Sessions it can attend on one day.
    public var maxPerDay: Int
    /// The team's own calendar (an `https://` URL or a file path) read for busy time, if any.
    public var calendar: String?
    /// Where changes to the team's sessions are e-mailed (its leader's address), if anywhere.
    public var email: String?
    /// What the team receives at `email`.
    public var delivery: Delivery = .invitation
    /// Creates a team.
    public init(
        id: String, name: String, blocs: [String], leader: String, leaderPhone: String? = nil, maxPerDay: Int = 2,
        calendar: String? = nil, email: String? = nil, delivery: Delivery = .invitation
    ) {
        self.email = email
        self.delivery = delivery
        self.id = id
        self.name = name
        self.blocs = blocs
        self.leader = leader
        self.leaderPhone = leaderPhone
        self.maxPerDay = maxPerDay
        self.calendar = calendar
    }
}

/// What a person receives by e-mail when their sessions change (`delivery` in the configuration).
public enum Delivery: String, Sendable, Hashable, CaseIterable, Codable {
    /// The iCalendar invitation or cancellation itself (iTIP), which mail clients put in the calendar at once.
    case invitation
    /// A short message saying what changed, with a link to the feed, for people who subscribe to their feed.
    case notice
    /// Nothing.
    case none

    /// The choice in Vietnamese.
    public var vietnamese: String {
        switch self {
        case .invitation: "thư mời kèm lịch (iCalendar)"
        case .notice: "thư báo thay đổi"
        case .none: "không gửi thư"
        }
    }
}
