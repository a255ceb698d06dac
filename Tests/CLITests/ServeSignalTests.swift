import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `reviewcal serve` and the signals an operator sends: SIGHUP is logged and changes nothing; SIGTERM ends the process
/// within its grace period even while a write waits on a database that does not let it through, with exit status 3
/// saying that work was cut.
@Suite(.serialized) struct ServeSignalTests {
    @Test func sighupIsLoggedAndTheServerGoesOn() throws {
        let run = try Workspace()
        defer { run.remove() }
        let server = try run.serve(["--grace-period", "5"])
        defer { if server.process.isRunning { server.terminate() } }
        kill(server.process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(server.process.isRunning)
        #expect(Workspace.ready(server.url))
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("SIGHUP"), "\(log.suffix(500))")
        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
    }

    @Test func sigtermEndsTheProcessWithinItsGracePeriodWhileAWriteWaitsForTheDatabase() throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("python3 is needed to hold the database's lock from another process")
            return
        }
        let run = try Workspace()
        defer { run.remove() }
        let tokens = try run.office("admin", "token", "issue", "--all-units").stdout
            .split(separator: "\n").map { $0.split(separator: "\t") }.filter { $0.count == 2 }
        let token = try #require(tokens.first { $0[0] == "cb-ban-to-chuc" }.map { String($0[1]) })
        let server = try run.serve(["--grace-period", "1", "--db-timeout", "20"])
        defer { if server.process.isRunning { server.process.terminate() } }

        // Another process takes the database's write lock and keeps it.
        let holder = Process()
        holder.executableURL = python
        holder.arguments = [
            "-c",
            "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\nc.execute('BEGIN IMMEDIATE')\nprint('locked', flush=True)\ntime.sleep(60)",
            run.data.appendingPathComponent("reviewcal.sqlite").path,
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate() }
        let said = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        #expect(said.contains("locked"))

        // A registration now waits for the lock (up to --db-timeout, longer than the grace period).
        var request = URLRequest(url: URL(string: server.url + "/v1/requests")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(
            #"{"kind":"cap-uy","options":[{"start":"2026-12-08T07:30","end":"2026-12-08T11:30"}],"draftSent":"2026-11-27","contactName":"Lê Văn Tâm"}"#.utf8)
        URLSession.shared.dataTask(with: request) { _, _, _ in }.resume()
        Thread.sleep(forTimeInterval: 0.5)

        let started = Date()
        kill(server.process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while server.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let took = Date().timeIntervalSince(started)
        #expect(!server.process.isRunning, "still running 10 s after SIGTERM")
        guard !server.process.isRunning else { return }
        #expect(took < 2.5, "exited \(took) s after SIGTERM, grace period 1 s")
        #expect(server.process.terminationStatus == 3)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("grace period"), "\(log.suffix(500))")
    }
}
