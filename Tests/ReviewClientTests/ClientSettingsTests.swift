import Foundation
import ReviewClient
import Testing

/// The cell's saved login: created where there was none, replaced whole, readable only by its owner.
@Suite struct ClientSettingsTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-login-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test func firstLoginCreatesTheFileAndItsFolderPrivately() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("config/reviewcal/login.json")
        let settings = ClientSettings(server: "http://127.0.0.1:8080", token: "rcu_abc")
        try settings.save(to: file)
        #expect(ClientSettings.load(from: file) == settings)
        #expect(try mode(file) == 0o600)
        #expect(try mode(file.deletingLastPathComponent()) == 0o700)
    }

    @Test func laterLoginReplacesTheFileWhole() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("login.json")
        try ClientSettings(server: "http://a.example", token: "rcu_first-token-that-is-longer").save(to: file)
        let second = ClientSettings(server: "http://b.example", token: "rcu_2")
        try second.save(to: file)
        #expect(ClientSettings.load(from: file) == second)
        #expect(try mode(file) == 0o600)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["login.json"])
    }

    @Test func unwritableFolderIsReportedInVietnamese() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        // A file where the folder should be.
        let blocker = root.appendingPathComponent("reviewcal")
        try Data("x".utf8).write(to: blocker)
        #expect {
            try ClientSettings(server: "http://a.example", token: "t").save(to: blocker.appendingPathComponent("login.json"))
        } throws: { error in
            (error as? ClientSettingsError)?.description.hasPrefix("Không lưu được thông tin đăng nhập vào \(blocker.path)") == true
        }
    }

    @Test func defaultPathFollowsTheEnvironment() {
        #expect(ClientSettings.defaultPath(environment: ["REVIEWCAL_CONFIG": "/x/y.json"]).path == "/x/y.json")
        #expect(ClientSettings.defaultPath(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/a"]).path == "/cfg/reviewcal/login.json")
        #expect(ClientSettings.defaultPath(environment: ["HOME": "/home/a"]).path == "/home/a/.config/reviewcal/login.json")
    }
}
