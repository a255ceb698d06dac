import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ReviewClient
import ReviewCore

/// The Thursday-rush load test, run by hand against a server on loopback (see docs/benchmarks.md):
///
///     LoadBench register URL TOKENS.tsv WEEK COUNT CONCURRENCY PREFIX ACKED.txt
///     LoadBench verify URL OFFICE_TOKEN WEEK PREFIX ACKED.txt COUNT
///
/// `register` sends COUNT registrations for WEEK from CONCURRENCY concurrent clients, each with its unit's
/// token and idempotency key PREFIX-i (also written in the note, to find duplicates); every acknowledged id
/// is appended to ACKED.txt at once; with LOADBENCH_LATENCIES=FILE every latency (ms) is written there; only units whose kind may register `cap-uy` (per ./config) send. `verify` checks that every acknowledged id is stored and no key twice.
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
        var outcomes: [String: Int] = [:]
        let acked: FileHandle

        init(acked: FileHandle) { self.acked = acked }

        func record(_ outcome: String, latency: Double, id: String?) {
            latencies.append(latency)
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
        // As many connections as clients: URLSession's default (6 per host) would queue the clients inside this
        // process and time that queue instead of the server.
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = concurrency
        let session = URLSession(configuration: configuration)
        let started = Date()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var i = worker
                    while i < count {
                        let token = units[i % units.count].token
                        var client = ReviewClient(server: server, token: token)
                        client.attempts = 3
                        client.session = session
                        let day = days[i % days.count]
                        let input = RegistrationInput(
                            kind: ReviewKind.partyCollective.rawValue, options: [OptionInput(start: "\(day.iso)T07:30", end: "\(day.iso)T11:30")],
                            draftSent: week.monday.adding(days: -14).iso, contactName: "Tải thử", note: "\(prefix)-\(i)")
                        let t0 = Date()
                        do {
                            let view = try await client.register(input, idempotencyKey: "\(prefix)-\(i)")
                            await tally.record("201", latency: Date().timeIntervalSince(t0), id: view.request.id)
                        } catch {
                            let outcome = (error as? ClientError)?.code.map { "refused:\($0)" } ?? "unreachable"
                            await tally.record(outcome, latency: Date().timeIntervalSince(t0), id: nil)
                        }
                        i += concurrency
                    }
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        let sorted = await tally.latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        let outcomes = await tally.outcomes
        // Every latency in milliseconds, one per line, for combining several clients' figures.
        if let path = ProcessInfo.processInfo.environment["LOADBENCH_LATENCIES"], !path.isEmpty {
            let text = sorted.map { String(format: "%.3f", $0 * 1000) }.joined(separator: "\n") + "\n"
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
