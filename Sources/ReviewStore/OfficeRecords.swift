import Foundation

/// A person of the District Office who signs in to the web workspace.
public struct OfficeUser: Sendable, Hashable, Codable {
    /// What a user may do in the workspace.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Does everything: schedules, moves, publishes, marks progress.
        case office
        /// Reads every page and changes nothing (e.g. a Standing Committee member who wants to look).
        case viewer

        /// The Vietnamese name of the role.
        public var vietnamese: String {
            switch self {
            case .office: "Văn phòng"
            case .viewer: "Chỉ xem"
            }
        }
    }
    /// The district.
    public var districtId: String
    /// Sign-in name, e.g. `thu-ha`: lowercase ASCII letters, digits, `-`, `.` and `_`.
    public var login: String
    /// Full name, shown in pages and the audit trail.
    public var name: String
    /// Office or viewer.
    public var role: Role
    /// When the account was created.
    public var createdAt: Date
    /// Who created it.
    public var createdBy: String
    /// When the password was last set; sessions opened before it no longer count.
    public var passwordChangedAt: Date
    /// When disabled, if so: a disabled account cannot sign in and its open sessions stop working.
    public var disabledAt: Date?

    /// Creates a user record.
    public init(
        districtId: String, login: String, name: String, role: Role, createdAt: Date, createdBy: String, passwordChangedAt: Date, disabledAt: Date?
    ) {
        self.districtId = districtId
        self.login = login
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.passwordChangedAt = passwordChangedAt
        self.disabledAt = disabledAt
    }
}

/// Failed sign-ins counted for one subject (a login name or a client address), for delaying the next try.
public struct SignInFailures: Sendable, Hashable {
    /// Failures counted in a row, none more than the counting window apart.
    public var failures: Int
    /// The last failure.
    public var lastAt: Date
    /// Creates a record.
    public init(failures: Int, lastAt: Date) {
        self.failures = failures
        self.lastAt = lastAt
    }
}

/// A short note the office keeps on a unit's progress in a campaign.
public struct UnitNote: Sendable, Hashable, Codable {
    /// Identifier.
    public var id: String
    /// The district.
    public var districtId: String
    /// The campaign.
    public var campaignId: String
    /// The unit.
    public var unitId: String
    /// When written.
    public var at: Date
    /// Who wrote it (`office:<login>`).
    public var author: String
    /// The note, one line.
    public var text: String
    /// Creates a note.
    public init(id: String, districtId: String, campaignId: String, unitId: String, at: Date, author: String, text: String) {
        self.id = id
        self.districtId = districtId
        self.campaignId = campaignId
        self.unitId = unitId
        self.at = at
        self.author = author
        self.text = text
    }
}
