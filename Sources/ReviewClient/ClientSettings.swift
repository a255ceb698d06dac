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

    /// Saves settings with mode 0600 in a 0700 folder, replacing any earlier file at once (never half written).
    ///
    /// - Throws: ``ClientSettingsError`` naming the file and why, in Vietnamese.
    public func save(to url: URL) throws(ClientSettingsError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ClientSettingsError(path: folder.path, reason: "không tạo được thư mục (\(error.localizedDescription))")
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try e.encode(self)
        } catch {
            throw ClientSettingsError(path: url.path, reason: "không ghi được thiết lập (\(error))")
        }
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ClientSettingsError(path: temp.path, reason: "không ghi được tệp")
        }
        // rename(2) replaces the old file atomically, and works whether or not there was one.
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw ClientSettingsError(path: url.path, reason: "không ghi được tệp (\(reason))")
        }
    }
}

/// Why the saved login could not be written.
public struct ClientSettingsError: Error, CustomStringConvertible {
    /// The file or folder.
    public var path: String
    /// What went wrong, in Vietnamese.
    public var reason: String

    public var description: String { "Không lưu được thông tin đăng nhập vào \(path): \(reason)." }
}
