import Foundation
import ReviewAPI
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built executables, run as an office and a cell run them: `reviewcal serve` on a fresh SQLite folder with a
/// rehearsal clock, the cell's `reviewcal-cell` through login, status, register, list and show, the office's
/// `reviewcal schedule run`, `publish` and `export`, and refusals with their Vietnamese message and exit status 1.
@Suite(.serialized) struct CommandFlowTests {
    /// The rehearsal clock: Thursday 3 December 2026, 14:00 in Vietnam; 2026-W50 closes at 15:00 today.
    static let clock = "2026-12-03T14:00:00"
    static let week = "2026-W50"

    @Test func aCellRegistersAndTheOfficeSchedulesPublishesAndExports() async throws {
        let run = try Workspace()
        defer { run.remove() }
        let tokens = try run.office("admin", "token", "issue", "--all-units").stdout
            .split(separator: "\n").map { $0.split(separator: "\t") }.filter { $0.count == 2 }
        let token = try #require(tokens.first { $0[0] == "cb-ban-to-chuc" }.map { String($0[1]) })

        let server = try run.serve()
        defer { server.terminate() }

        // login saves the server and the token (mode 0600); status names the unit and the open week.
        let login = try run.cell("login", "--server", server.url, "--token", token)
        #expect(login.status == 0, "\(login.stderr)")
        let saved = run.home.appendingPathComponent(".config/reviewcal/login.json")
        let mode = try FileManager.default.attributesOfItem(atPath: saved.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let status = try run.cell("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("cb-ban-to-chuc") || status.stdout.contains("Ban Tổ chức"), "\(status.stdout)")
        #expect(status.stdout.contains("50"), "the open week is 2026-W50: \(status.stdout)")

        // A wrong token is refused with the server's message, and nothing is saved over the good login.
        let wrong = try run.cell("status", "--token", "sai-ma")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("mã truy cập"), "\(wrong.stderr)")

        // register, then list and show it.
        let registered = try run.cell(
            "register", "--json", "--kind", "cap-uy", "--option", "2026-12-08T07:30-11:30", "--option", "2026-12-09T13:30-17:00",
            "--draft-sent", "2026-11-27", "--contact", "Lê Thị Hoa", "--phone", "0912 345 678")
        #expect(registered.status == 0, "\(registered.stderr)")
        let view = try JSONDecoder.views.decode(RequestView.self, from: Data(registered.stdout.utf8))
        #expect(view.request.unitId == "cb-ban-to-chuc")
        #expect(view.request.week.iso == Self.week)
        #expect(view.request.options.count == 2)
        let listed = try JSONDecoder.views.decode([RequestView].self, from: Data(try run.cell("list", "--json").stdout.utf8))
        #expect(listed.map(\.request.id) == [view.request.id])

        // A time outside working hours is refused, in Vietnamese, with exit status 1; nothing more is stored.
        let night = try run.cell("register", "--kind", "cap-uy", "--option", "2026-12-08T19:00-21:00", "--draft-sent", "2026-11-27")
        #expect(night.status == 1)
        #expect(night.stderr.contains("giờ làm việc"), "\(night.stderr)")
        #expect(try JSONDecoder.views.decode([RequestView].self, from: Data(try run.cell("list", "--json").stdout.utf8)).count == 1)

        // The office schedules the week and publishes it; the cell then sees its session with member and team.
        let scheduled = try run.office("schedule", "run", "--week", Self.week)
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let published = try run.office("schedule", "publish", "--week", Self.week)
        #expect(published.status == 0, "\(published.stderr)")
        let shown = try JSONDecoder.views.decode(RequestView.self, from: Data(try run.cell("show", view.request.id, "--json").stdout.utf8))
        let placement = try #require(shown.placement)
        #expect(placement.published)
        #expect(shown.request.options.contains { $0.start == placement.start && $0.end == placement.end })
        #expect(placement.memberId != nil)

        // export writes every calendar; the unit's own holds its session at its local time in the campaign's zone.
        let out = run.folder.appendingPathComponent("calendars")
        let exported = try run.office("export", "--out", out.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".ics") }
        #expect(!files.isEmpty)
        let texts = try files.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        let start = placement.start.iso.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "00"
        #expect(texts.contains { $0.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:\(start)") }, "\(start)")

        // withdraw: the request is kept, marked withdrawn.
        let withdrawn = try run.cell("withdraw", view.request.id, "--json")
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        #expect(try JSONDecoder.views.decode(RequestView.self, from: Data(withdrawn.stdout.utf8)).request.status == .withdrawn)
    }

    @Test func badArgumentsAreRefusedBeforeAnythingIsSent() throws {
        let run = try Workspace()
        defer { run.remove() }
        // No login yet: the command says how to log in.
        let none = try run.cell("status")
        #expect(none.status != 0)
        #expect(none.stderr.contains("reviewcal login"), "\(none.stderr)")
        // A malformed week and a malformed server address are named.
        let week = try run.cell("list", "--week", "2026-50", "--server", "http://127.0.0.1:9", "--token", "x")
        #expect(week.status != 0)
        #expect(week.stderr.contains("2026-50"), "\(week.stderr)")
        let server = try run.cell("status", "--server", "ftp://example", "--token", "x")
        #expect(server.status != 0)
        #expect(server.stderr.contains("ftp://example"), "\(server.stderr)")
        // An office command on a malformed configuration names the file.
        let config = run.folder.appendingPathComponent("broken-config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "name: [".write(to: config.appendingPathComponent("district.yaml"), atomically: true, encoding: .utf8)
        let broken = try run.run(run.reviewcal, ["config", "check", config.path])
        #expect(broken.status != 0)
        #expect((broken.stdout + broken.stderr).contains("district.yaml"), "\(broken.stdout)\(broken.stderr)")
    }
}

extension JSONDecoder {
    /// Decodes the commands' `--json` output.
    static var views: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

/// A temporary folder with its own HOME (the cell's saved login), a data folder, and the built executables.
struct Workspace {
    let folder: URL
    let home: URL
    let data: URL
    let reviewcal: URL
    let cellCommand: URL
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-cli-\(UUID().uuidString)")
        home = folder.appendingPathComponent("home")
        data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let products = Self.productsDirectory
        reviewcal = products.appendingPathComponent("reviewcal")
        cellCommand = products.appendingPathComponent("reviewcal-cell")
    }

    /// Where SwiftPM put the executables: beside the test bundle.
    static var productsDirectory: URL {
        var url = Bundle.main.bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("reviewcal").path) { return url }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs an executable to its end in the repository's folder, with this workspace's HOME and no login variables;
    /// `input` is its standard input.
    func run(_ executable: URL, _ arguments: [String], input: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.repoRoot
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        for key in ["XDG_CONFIG_HOME", "REVIEWCAL_CONFIG", "REVIEWCAL_SERVER", "REVIEWCAL_TOKEN", "REVIEWCAL_DATABASE"] {
            environment[key] = nil
        }
        process.environment = environment
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-cli-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("reviewcal-cli-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// The cells' command.
    func cell(_ arguments: String...) throws -> Output {
        try run(cellCommand, arguments)
    }

    /// An office command on this workspace's data, with the sample district's configuration.
    func office(_ arguments: String...) throws -> Output {
        try run(reviewcal, arguments + ["--config", "config", "--data", data.path])
    }

    /// An office command on this workspace's data, given `input` on its standard input.
    func office(input: String, _ arguments: String...) throws -> Output {
        try run(reviewcal, arguments + ["--config", "config", "--data", data.path], input: input)
    }

    /// A running `reviewcal serve` on a free port.
    final class Server {
        let process: Process
        let url: String
        /// Where its standard output and error go.
        let log: URL
        init(process: Process, url: String, log: URL) {
            self.process = process
            self.url = url
            self.log = log
        }
        func terminate() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Starts `reviewcal serve` with the rehearsal clock (and `extra` options) and waits until `/readyz` answers 200.
    func serve(_ extra: [String] = []) throws -> Server {
        for attempt in 0..<5 {
            let port = 20_000 + Int.random(in: 0..<20_000)
            let process = Process()
            process.executableURL = reviewcal
            process.arguments = [
                "serve", "--config", "config", "--data", data.path, "--port", String(port), "--rehearsal-clock", CommandFlowTests.clock,
                "--job-interval", "3600",
            ] + extra
            process.currentDirectoryURL = Self.repoRoot
            let log = folder.appendingPathComponent("server-\(attempt).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let url = "http://127.0.0.1:\(port)"
            for _ in 0..<300 {
                if !process.isRunning { break }
                if Self.ready(url) { return Server(process: process, url: url, log: log) }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "reviewcal serve did not become ready"])
    }

    /// Whether `GET /readyz` answers 200.
    static func ready(_ url: String) -> Bool {
        guard let readyz = URL(string: url + "/readyz") else { return false }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var ok = false
        let task = URLSession.shared.dataTask(with: readyz) { _, response, _ in
            ok = (response as? HTTPURLResponse)?.statusCode == 200
            done.signal()
        }
        task.resume()
        _ = done.wait(timeout: .now() + 2)
        return ok
    }
}
