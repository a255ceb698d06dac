import Foundation

/// The cell's saved login: server and token, in a per-user file readable only by its owner.
public struct ClientSettings: Codable, Sendable, Equatable {
    /// Server base URL.
    public var server: String
    /// Bearer token.
    public var token: String

    /// Creates settings.
    public init(server: String, token: String) {
        self.server = server
        self.token = token
    }

    /// `$REVIEWCAL_CONFIG`, else `$XDG_CONFIG_HOME/reviewcal/login.json`, else `~/.config/reviewcal/login.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["REVIEWCAL_CONFIG"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("reviewcal/login.json")
    }

    /// Reads saved settings; nil when none.
    public static func load(from url: URL) -> ClientSettings? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(ClientSettings.self, from: data)
    }

    /// Saves settings with mode 0600 in a 0700 folder.
    public func save(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try e.encode(self)
        let temp = folder.appendingPathComponent(".login.json.tmp")
        FileManager.default.createFile(atPath: temp.path, contents: data, attributes: [.posixPermissions: 0o600])
        _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
