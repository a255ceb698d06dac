import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A rehearsal with real accounts: accounts made with `reviewcal admin user add` sign in to `reviewcal serve
/// --rehearsal-clock`, and the office's commands on the same data read the rehearsal clock kept with it.
@Suite(.serialized) struct RehearsalClockTests {
    @Test func aCommandMadeAccountSignsInToARehearsalServer() async throws {
        let run = try Workspace()
        defer { run.remove() }
        // Made on the real clock, before the rehearsal starts (the rehearsal clock reads an earlier day).
        let added = try run.office(input: "mat-khau-dai-1\n", "admin", "user", "add", "thu-ha", "--name", "Nguyễn Thị Thu Hà", "--password-stdin")
        #expect(added.status == 0, "\(added.stderr)")

        let server = try run.serve()
        defer { server.terminate() }
        let web = Browser(base: server.url)
        #expect(try web.signIn("thu-ha", "mat-khau-dai-1") == 303, "\(web.text.prefix(400))")
        #expect(web.location == "/office")
        let page = try web.get("/office/campaign")
        #expect(page == 200, "\(web.location ?? "") \(web.text.prefix(400))")
        #expect(web.text.contains("Nguyễn Thị Thu Hà"))

        // The commands read the rehearsal clock kept with the data: an account made now is made on rehearsal time.
        let clock = try run.office("admin", "clock")
        #expect(clock.status == 0, "\(clock.stderr)")
        #expect(clock.stdout.contains("đồng hồ diễn tập"), "\(clock.stdout)")
        let second = try run.office(input: "mat-khau-dai-2\n", "admin", "user", "add", "lan", "--name", "Trần Thị Lan", "--password-stdin")
        #expect(second.status == 0, "\(second.stderr)")
        let listed = try run.office("admin", "user", "list", "--json")
        let users = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let lan = try #require(users.first { $0["login"] as? String == "lan" })
        #expect((lan["createdAt"] as? String)?.hasPrefix("2026-12-03T07:") == true, "\(lan)")
        let other = Browser(base: server.url)
        #expect(try other.signIn("lan", "mat-khau-dai-2") == 303, "\(other.text.prefix(400))")
        #expect(try other.get("/office/campaign") == 200)

        // Ending the rehearsal puts the data back on the real clock.
        let real = try run.office("admin", "clock", "real")
        #expect(real.stdout.contains("Đã trở về đồng hồ thật"), "\(real.stdout)")
        #expect(try run.office("admin", "clock").stdout.contains("đồng hồ thật"))
    }
}

/// A browser for a live server: keeps cookies, does not follow redirects, reads the form token of each page.
final class Browser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    // @unchecked: used by one test at a time, each call waiting for its answer.
    let base: String
    private(set) var cookies: [String: String] = [:]
    private(set) var text = ""
    private(set) var location: String?
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    init(base: String) {
        self.base = base
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// Signs in through the sign-in page's form; returns the status of the form's answer.
    func signIn(_ login: String, _ password: String) throws -> Int {
        _ = try get("/office/sign-in")
        let token = hidden("_csrf") ?? ""
        return try send("/office/sign-in", method: "POST", body: "login=\(login)&password=\(password)&_csrf=\(token)")
    }

    func get(_ path: String) throws -> Int {
        try send(path, method: "GET", body: nil)
    }

    private func hidden(_ name: String) -> String? {
        guard let r = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(text[r.upperBound...].prefix { $0 != "\"" })
    }

    private func send(_ path: String, method: String, body: String?) throws -> Int {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Data?, HTTPURLResponse?) = (nil, nil)
        session.dataTask(with: request) { data, response, _ in
            answer = (data, response as? HTTPURLResponse)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 20) == .success, let response = answer.1 else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "no answer from \(path)"])
        }
        text = String(decoding: answer.0 ?? Data(), as: UTF8.self)
        location = response.value(forHTTPHeaderField: "Location")
        for header in Self.setCookies(response) {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || header.lowercased().contains("max-age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response.statusCode
    }

    /// Every Set-Cookie field of a response (Foundation joins them with ", ").
    private static func setCookies(_ response: HTTPURLResponse) -> [String] {
        guard let joined = response.value(forHTTPHeaderField: "Set-Cookie") else { return [] }
        var result: [String] = []
        for part in joined.components(separatedBy: ", ") {
            // An Expires date holds ", " too: such a part continues the previous cookie.
            if let last = result.last, !part.contains("=") || part.first?.isNumber == true {
                result[result.count - 1] = last + ", " + part
            } else {
                result.append(part)
            }
        }
        return result
    }
}
