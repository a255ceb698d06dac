import Foundation

/// How the office's workspace runs.
public struct OfficeConfiguration: Sendable {
    /// The address people use to reach the server, e.g. `https://lich.example.vn`: feed links are built on it, and
    /// the session cookie is marked Secure when it is `https`.
    public var publicURL: String
    /// An office session with no request for this long ends (its user signs in again).
    public var idleTimeout: TimeInterval
    /// The longest a session lasts, however active.
    public var maxSessionAge: TimeInterval
    /// The configuration folder the district was read from, checked again by the district page; nil: not shown.
    public var configDirectory: URL?

    /// Creates a configuration.
    public init(publicURL: String = "http://127.0.0.1:8080", idleTimeout: TimeInterval = 30 * 60, maxSessionAge: TimeInterval = 12 * 3600, configDirectory: URL? = nil) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.idleTimeout = idleTimeout
        self.maxSessionAge = maxSessionAge
        self.configDirectory = configDirectory
    }

    /// Whether people reach the server over TLS.
    var secure: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// The scheme of the feed links shown to people: "https" only when the public address is https.
    var linkScheme: String { secure ? "https" : "http" }

    /// The `webcal://` form of the public address.
    var webcalURL: String {
        if let colon = publicURL.range(of: "://") { return "webcal" + publicURL[colon.lowerBound...] }
        return publicURL
    }
}
