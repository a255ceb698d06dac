import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ReviewClient
import ReviewCore
import NIOCore
import NIOPosix
import NIOHTTP1

/// The Thursday-rush load test, run by hand against a server on loopback (see docs/benchmarks.md):
///
///     LoadBench register URL TOKENS.tsv WEEK COUNT CONCURRENCY PREFIX ACKED.txt
///     LoadBench verify URL OFFICE_TOKEN WEEK PREFIX ACKED.txt COUNT
///
/// `register` sends COUNT registrations for WEEK from CONCURRENCY concurrent clients, each with its unit's
/// token and idempotency key PREFIX-i (also written in the note, to find duplicates); every acknowledged id
/// is appended to ACKED.txt at once (the clients are swift-nio connections, one each: RushClient.swift); with LOADBENCH_LATENCIES=FILE every latency (ms) is written there; only units whose kind may register `cap-uy` (per ./config) send. `verify` checks that every acknowledged id is stored and no key twice.
@main
struct LoadBench {
    static func main() async throws {
        let args = CommandLine.arguments
        guard args.count >= 2 else { usage() }
        switch args[1] {
        case "register" where args.count == 9:
            try await register(
                server: URL(string: args[2])!, tokensFile: args[3], week: ISOWeek(iso: args[4])!, count: Int(args[5])!, concurrency: Int(args[6])!,
                prefix: args[7], ackedFile: args[8])
        case "verify" where args.count == 8:
            try await verify(server: URL(string: args[2])!, officeToken: args[3], week: ISOWeek(iso: args[4])!, prefix: args[5], ackedFile: args[6], count: Int(args[7])!)
        default:
            usage()
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: LoadBench register URL TOKENS WEEK COUNT CONCURRENCY PREFIX ACKED | verify URL OFFICE_TOKEN WEEK PREFIX ACKED COUNT\n".utf8))
        exit(2)
    }

    /// Outcome counts and latencies, shared by the workers.
    actor Tally {
        var latencies: [Double] = []
        /// When each answer came, in seconds from the first call, with its latency.
        var answered: [(at: Double, latency: Double)] = []
        let started = ContinuousClock.now
        var outcomes: [String: Int] = [:]
        let acked: FileHandle

        init(acked: FileHandle) { self.acked = acked }

        func record(_ outcome: String, latency: Double, id: String?) {
            latencies.append(latency)
            let d = ContinuousClock.now - started
            answered.append((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, latency))
            outcomes[outcome, default: 0] += 1
            if let id { acked.write(Data((id + "\n").utf8)) }
        }
    }

    static func register(server: URL, tokensFile: String, week: ISOWeek, count: Int, concurrency: Int, prefix: String, ackedFile: String) async throws {
        var tokens: [(unit: String, token: String)] = []
        for line in try String(contentsOfFile: tokensFile, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2 { tokens.append((String(fields[0]), String(fields[1]))) }
        }
        // Every registration is a party organisation's collective review (cap-uy): the units whose kind may not register
        // it (`registrableKinds`, read from ./config when there) send none.
        if let district = try? ConfigLoader.load(directory: URL(fileURLWithPath: "config")) {
            tokens = tokens.filter { t in
                district.unit(t.unit).map { district.kinds(registrableBy: $0.kind).contains(.partyCollective) } ?? true
            }
        }
        guard FileManager.default.createFile(atPath: ackedFile, contents: nil) else {
            FileHandle.standardError.write(Data("cannot create \(ackedFile)\n".utf8))
            exit(1)
        }
        let tally = Tally(acked: try FileHandle(forWritingTo: URL(fileURLWithPath: ackedFile)))
        let days = (0..<5).map { week.monday.adding(days: $0) }
        let units = tokens
        guard let host = server.host, let port = server.port else {
            FileHandle.standardError.write(Data("the server's address needs a host and a port: \(server)\n".utf8))
            exit(2)
        }
        let base = server.path.hasSuffix("/") ? server.path : server.path + "/"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Every call prepared before the clock starts; worker w sends calls w, w + concurrency, …
        var plans = [[(Int, RushClient.Call)]](repeating: [], count: concurrency)
        for i in 0..<count {
            let day = days[i % days.count]
            let input = RegistrationInput(
                kind: ReviewKind.partyCollective.rawValue, options: [OptionInput(start: "\(day.iso)T07:30", end: "\(day.iso)T11:30")],
                draftSent: week.monday.adding(days: -14).iso, contactName: "Tải thử", note: "\(prefix)-\(i)")
            let headers: HTTPHeaders = [
                "Authorization": "Bearer \(units[i % units.count].token)", "Accept": "application/json",
                "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": "\(prefix)-\(i)",
            ]
            plans[i % concurrency].append((i, RushClient.Call(path: base + "v1/requests", headers: headers, body: ByteBuffer(bytes: try encoder.encode(input)))))
        }
        struct Created: Decodable { struct Request: Decodable { var id: String }; var request: Request }
        struct Refused: Decodable { var code: String }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let started = Date()
        await withTaskGroup(of: Void.self) { tasks in
            for plan in plans where !plan.isEmpty {
                tasks.addTask {
                    await RushClient.run(host: host, port: port, group: group, calls: plan.map(\.1), attempts: 3) { _, outcome in
                        let decoder = JSONDecoder()
                        let bytes = Data(outcome.body.readableBytesView)
                        switch outcome.status {
                        case 201, 200:
                            let id = try? decoder.decode(Created.self, from: bytes).request.id
                            await tally.record(id == nil ? "unexpected" : "201", latency: outcome.seconds, id: id)
                        case 0:
                            await tally.record("unreachable", latency: outcome.seconds, id: nil)
                        default:
                            let code = (try? decoder.decode(Refused.self, from: bytes).code) ?? "http-\(outcome.status)"
                            await tally.record("refused:\(code)", latency: outcome.seconds, id: nil)
                        }
                    }
                }
            }
        }
        try? await group.shutdownGracefully()
        let elapsed = Date().timeIntervalSince(started)
        let sorted = await tally.latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        let outcomes = await tally.outcomes
        // Every latency in milliseconds, one per line, for combining several clients' figures.
        if let path = ProcessInfo.processInfo.environment["LOADBENCH_LATENCIES"], !path.isEmpty {
            let text = sorted.map { String(format: "%.3f", $0 * 1000) }.joined(separator: "\n") + "\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        // With LOADBENCH_TIMELINE=FILE: when each answer came (s) and its latency (ms), in order, to see where a tail comes from.
        if let path = ProcessInfo.processInfo.environment["LOADBENCH_TIMELINE"], !path.isEmpty {
            let text = await tally.answered.map { String(format: "%.4f %.1f", $0.at, $0.latency * 1000) }.joined(separator: "\n") + "\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        print("sent \(count) in \(String(format: "%.2f", elapsed)) s: \(String(format: "%.0f", Double(count) / elapsed)) req/s; p50 \(String(format: "%.1f", pct(0.5))) ms, p99 \(String(format: "%.1f", pct(0.99))) ms")
        print("outcomes: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }

    static func verify(server: URL, officeToken: String, week: ISOWeek, prefix: String, ackedFile: String, count: Int) async throws {
        let client = ReviewClient(server: server, token: officeToken)
        let stored = try await client.list(week: week)
        let acked = Set(try String(contentsOfFile: ackedFile, encoding: .utf8).split(separator: "\n").map(String.init))
        let mine = stored.filter { $0.request.note?.hasPrefix("\(prefix)-") == true }
        let ids = Set(mine.map(\.request.id))
        let notes = mine.compactMap(\.request.note)
        let missing = acked.subtracting(ids)
        let duplicates = notes.count - Set(notes).count
        print("verify \(prefix): acknowledged \(acked.count), stored \(mine.count), missing \(missing.count), duplicated keys \(duplicates)")
        let ok = missing.isEmpty && duplicates == 0 && mine.count <= count
        print(ok ? "ok: every acknowledged registration is stored, none twice, at most \(count)" : "FAILED")
        if !ok { exit(1) }
    }
}
