import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore

/// `OfficeBench [ROUNDS] [UNITS_PER_SAMPLE]`: how long the office's two largest pages take to build on the server —
/// the week board of a 500-request week and the campaign page of a whole campaign — through the whole router
/// (session, account, database reads, view model, template), in alternating rounds with the sign-in page as the
/// floor of the same stack. Prints p50 and p99 of each, and the ratio of medians to the floor.
@main
struct OfficeBench {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("OfficeBench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let rounds = arguments.first.flatMap { Int($0) } ?? 20
        let copies = arguments.dropFirst().first.flatMap { Int($0) } ?? 10
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = try ConfigLoader.load(directory: root.appendingPathComponent("config"))
        let district = enlarged(sample, copies: copies)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("office-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await ReviewStore.open(folder.appendingPathComponent("bench.sqlite").path, logger: logger)
        // Thursday 3 December 2026, 16:00: week 50 has closed and is being scheduled.
        let clock = AdjustableClock(startingAt: district.zone.instant(LocalDateTime(iso: "2026-12-03T16:00")!))
        do {
            try await measure(store: store, district: district, clock: clock, logger: logger, rounds: rounds)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }

    static func measure(store: ReviewStore, district: District, clock: AdjustableClock, logger: Logger, rounds: Int) async throws {
        let service = try await ReviewService(district: district, store: store, clock: clock, logger: logger, feedKey: .random())
        let started = Date()
        let week = ISOWeek(iso: "2026-W50")!
        let (inWeek, total) = try await fill(service, week: week, target: 500)
        let run = try await service.runSchedule(week: week, by: "office:bench", options: .init(timeLimit: 10))
        try await service.publish(week: week, by: "office:bench")
        _ = try await service.runSchedule(week: week, by: "office:bench", options: .init(timeLimit: 5))
        try await markProgress(service)
        _ = try await service.addUser(login: "bench", name: "Đo hiệu năng", role: .office, password: "mat-khau-do-hieu-nang", by: "office:bench")
        print("District: \(district.units.count) units, \(district.members.count) members, \(district.teams.count) teams.")
        print("Week \(week.iso): \(inWeek) requests (\(run.scheduled) scheduled, \(run.unscheduled.count) not); campaign: \(total) requests.")
        print(String(format: "Set-up took %.1f s.", Date().timeIntervalSince(started)))

        let app = Application(router: buildRouter(service: service, rehearsalClock: nil))
        try await app.test(.router) { client in
            let cookie = try await signIn(client)
            let pages = [("week board", "/office/weeks/\(week.iso)"), ("campaign", "/office/campaign"), ("sign-in (floor)", "/office/sign-in")]
            var samples = Array(repeating: [Double](), count: pages.count)
            var sizes = Array(repeating: 0, count: pages.count)
            // Warm-up, then alternating rounds so that the host's drift weighs on every page alike.
            for (i, (_, path)) in pages.enumerated() { _ = try await get(client, path, i == 2 ? "" : cookie) }
            for _ in 0..<rounds {
                for (i, (_, path)) in pages.enumerated() {
                    for _ in 0..<5 {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        // The floor is the sign-in page as a visitor sees it: the same stack, hardly any data.
                        let r = try await get(client, path, i == 2 ? "" : cookie)
                        let t1 = DispatchTime.now().uptimeNanoseconds
                        guard r.status == .ok else { fatalError("\(path) answered \(r.status)") }
                        samples[i].append(Double(t1 - t0) / 1e6)
                        sizes[i] = r.body.readableBytes
                    }
                }
            }
            let floor = median(samples[2])
            print("")
            print("| page | size (KB) | requests | p50 (ms) | p99 (ms) | max (ms) | p50 ÷ floor |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for (i, (name, _)) in pages.enumerated() {
                let s = samples[i].sorted()
                print(String(
                    format: "| %@ | %.0f | %d | %.1f | %.1f | %.1f | %.1f |", name, Double(sizes[i]) / 1024, s.count, median(s), percentile(s, 0.99), s.last!,
                    median(s) / floor))
            }
            // Where the week board's time goes: the service's reading of the week alone.
            var reads: [Double] = []
            for _ in 0..<(rounds * 5) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try await service.weekBoard(week: week)
                reads.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            // The board's e-mail line: who a publish would write to, how the last publish's messages went (one read).
            let board = try await service.weekBoard(week: week)
            var mail: [Double] = []
            var mailLine = ""
            for _ in 0..<(rounds * 5) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let m = try await service.weekMail(board: board)
                mail.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                mailLine = "\(m.pending.count) to e-mail on publish, last batch \(m.last.map { "\($0.sent)/\($0.total) sent" } ?? "none")"
            }
            var progress: [Double] = []
            for _ in 0..<(rounds * 5) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try await service.campaignProgress()
                progress.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            print(String(format: "\nReading alone: week board p50 %.1f ms, campaign progress p50 %.1f ms.", median(reads.sorted()), median(progress.sorted())))
            print(String(format: "The week board's e-mail line (%@): p50 %.2f ms, p99 %.2f ms.", mailLine, median(mail.sorted()), percentile(mail.sorted(), 0.99)))
        }
    }

    /// The sample district repeated `copies` times: its units, members and teams (a province's worth of people for a
    /// 500-request week), each copy's units in the charge of its own members and followed by its own teams.
    static func enlarged(_ d: District, copies: Int) -> District {
        var out = d
        func suffix(_ id: String, _ k: Int) -> String { k == 0 ? id : "\(id)-\(k + 1)" }
        func named(_ name: String, _ k: Int) -> String { k == 0 ? name : "\(name) (\(k + 1))" }
        out.units = (0..<copies).flatMap { k in
            d.units.map { u in
                var v = u
                v.id = suffix(u.id, k)
                v.name = named(u.name, k)
                v.after = u.after.map { suffix($0, k) }
                v.inCharge = u.inCharge.map { suffix($0, k) }
                return v
            }
        }
        out.members = (0..<copies).flatMap { k in
            d.members.map { m in
                var v = m
                v.id = suffix(m.id, k)
                v.name = named(m.name, k)
                v.homeUnit = m.homeUnit.map { suffix($0, k) }
                return v
            }
        }
        out.teams = (0..<copies).flatMap { k in
            d.teams.map { t in
                var v = t
                v.id = suffix(t.id, k)
                v.name = named(t.name, k)
                return v
            }
        }
        return out
    }

    /// Registers `target` requests in `week` (two options each), and earlier weeks' requests for the rest of the
    /// campaign; returns (requests in the week, requests in all).
    static func fill(_ service: ReviewService, week: ISOWeek, target: Int) async throws -> (Int, Int) {
        let units = service.district.units.filter { $0.kind != .standingCommittee }
        let slots = [("07:30", "11:30"), ("13:30", "17:00")]
        var inWeek = 0, total = 0
        for (i, unit) in units.enumerated() {
            // Four weeks of the campaign: the unit's collective review in week 50 (the first `target` units) or an
            // earlier one, and its members' review in another.
            let main = i < target ? week : week.adding(weeks: -1 - i % 3)
            // The unit's first two kinds (a party organisation's committee and members; an agency's collective and leadership).
            let kinds = service.district.kinds(registrableBy: unit.kind)
            guard kinds.count >= 2 else { continue }
            for (kind, w) in [(kinds[0], main), (kinds[1], main == week ? week.adding(weeks: -2) : week.adding(weeks: -3))] {
                let options = (0..<2).map { k -> OptionInput in
                    let day = w.monday.adding(days: (i + k * 2) % 5)
                    let slot = slots[(i + k) % 2]
                    return OptionInput(start: "\(day.iso)T\(slot.0)", end: "\(day.iso)T\(slot.1)")
                }
                let draft = min(w.monday.adding(days: -3), service.district.zone.date(of: service.clock.now())).iso
                let input = RegistrationInput(
                    unit: unit.id, kind: kind.rawValue, options: options, draftSent: draft, contactName: "Văn phòng \(unit.name)",
                    contactPhone: "0290 3800 \(100 + i % 900)")
                _ = try await service.register(input, by: .office("bench"), idempotencyKey: nil, admitLate: true)
                total += 1
                if w == week { inWeek += 1 }
            }
        }
        for w in [week.adding(weeks: -3), week.adding(weeks: -2), week.adding(weeks: -1)] {
            _ = try await service.runSchedule(week: w, by: "office:bench", options: .init(timeLimit: 5))
            try await service.publish(week: w, by: "office:bench")
        }
        return (inWeek, total)
    }

    /// Marks a third of the earlier weeks' sessions held and half of those with their dossier, and adds notes.
    static func markProgress(_ service: ReviewService) async throws {
        let today = service.district.zone.date(of: service.clock.now())
        let sessions = try await service.sessions().filter { s in
            s.published.map { !$0.cancelled && $0.placement.start.date <= today } == true
        }
        for (i, s) in sessions.enumerated() where i % 3 == 0 {
            try await service.setHeld(request: s.requestId, on: nil, by: "office:bench")
            if i % 2 == 0 { try await service.setDossier(request: s.requestId, receivedOn: nil, by: "office:bench") }
        }
        for u in service.district.units.prefix(100) {
            try await service.addNote(unit: u.id, text: "Đã nhắc đơn vị gửi hồ sơ qua điện thoại", by: "office:bench")
        }
    }

    static func signIn(_ client: any TestClientProtocol) async throws -> String {
        let page = try await client.execute(uri: "/office/sign-in", method: .get)
        let html = String(buffer: page.body)
        let token = html.range(of: "name=\"_csrf\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
        let body = "login=bench&password=mat-khau-do-hieu-nang&_csrf=\(token)"
        let r = try await client.execute(
            uri: "/office/sign-in", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "rc_signin=\(token)"], body: ByteBuffer(string: body))
        guard let set = r.headers[values: .setCookie].first(where: { $0.hasPrefix("rc_office=") }) else { fatalError("sign-in failed") }
        return String(set.split(separator: ";")[0])
    }

    static func get(_ client: any TestClientProtocol, _ path: String, _ cookie: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .get, headers: cookie.isEmpty ? [:] : [.cookie: cookie])
    }

    static func median(_ s: [Double]) -> Double { percentile(s.sorted(), 0.5) }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
        return sorted[rank]
    }
}
