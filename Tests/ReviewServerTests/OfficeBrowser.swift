import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// A browser for the office's pages in tests: keeps cookies, reads each page's form token, submits forms.
final class OfficeBrowser: @unchecked Sendable {
    // @unchecked: used by one test task at a time.
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// The last page's text.
    private(set) var html = ""
    /// The last response.
    private(set) var last: TestResponse?

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// The client address the server is told (as its connection handler tells it); nil: none.
    var address: String?
    /// The `X-Forwarded-For` sent with every request, as a proxy would; nil: none.
    var forwardedFor: String?

    /// Forgets one cookie (or sets it to a value of the test's choosing).
    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    /// Gets a page; like a browser, it leaves out the `#fragment` (the row the page then scrolls to).
    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(String(uri.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]), method: .get, headers: headers, body: nil)
    }

    /// Posts a form; the page's own form token is added unless `csrf` says otherwise ("" sends none).
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
        var all = fields
        let token = csrf ?? formToken
        if !token.isEmpty { all.append(("_csrf", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(
            uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    /// Posts raw bytes as a form body.
    @discardableResult
    func postRaw(_ uri: String, _ bytes: [UInt8]) async throws -> TestResponse {
        try await send(uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(bytes: bytes))
    }

    private func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var h = headers
        if let address { h[HTTPField.Name("Reviewcal-Client-Address")!] = address }
        if let forwardedFor { h[HTTPField.Name("X-Forwarded-For")!] = forwardedFor }
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: method, headers: h, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if header.lowercased().contains("max-age=0") || pair[1].isEmpty || header.contains("Expires=Thu, 01 Jan 1970") {
                cookies[pair[0]] = nil
            } else {
                cookies[pair[0]] = pair[1]
            }
        }
        last = response
        html = String(buffer: response.body)
        if let token = value(ofHidden: "_csrf") { lastToken = token }
        return response
    }

    /// The form token of the last page that had one (a redirect has none).
    var formToken: String { value(ofHidden: "_csrf") ?? lastToken }
    private var lastToken = ""

    /// The value of the first hidden input `name` on the last page.
    func value(ofHidden name: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Where the last response redirects.
    var location: String? { last?.headers[.location] }

    /// Signs in; returns the response to the form.
    @discardableResult
    func signIn(_ login: String, _ password: String) async throws -> TestResponse {
        try await get("/office/sign-in")
        return try await post("/office/sign-in", [("login", login), ("password", password)])
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// The office's world in tests: a service, an office account, a router app.
struct OfficeWorld {
    let world: TestWorld
    let office: OfficeConfiguration
    static let password = "mat-khau-dai-1"

    var service: ReviewService { world.service }

    static func make(at local: String, second: Int = 0, office: OfficeConfiguration = .init(), users: [(String, OfficeUser.Role)] = [("thu-ha", .office)])
        async throws -> OfficeWorld
    {
        let world = try await TestWorld.make(at: local, second: second)
        for (login, role) in users {
            _ = try await world.service.addUser(login: login, name: "Người dùng \(login)", role: role, password: password, by: "office:test")
        }
        return OfficeWorld(world: world, office: office)
    }

    func app() -> some ApplicationProtocol {
        Application(router: buildRouter(service: world.service, rehearsalClock: nil, office: office))
    }

    /// Runs `body` with a browser signed in as `login` (nil: not signed in).
    @discardableResult
    func browse<T: Sendable>(as login: String? = "thu-ha", _ body: @escaping @Sendable (OfficeBrowser) async throws -> T) async throws -> T {
        try await app().test(.router) { client in
            let browser = OfficeBrowser(client)
            if let login {
                let r = try await browser.signIn(login, Self.password)
                #expect(r.status == .seeOther, "sign-in of \(login) failed: \(browser.html.prefix(300))")
            }
            return try await body(browser)
        }
    }

    /// Registers a request through the service as the office; returns its id.
    func register(_ unit: String, _ options: [(String, String)], kind: String = "cap-uy", draft: String? = "2023-12-07", contact: String? = nil) async throws -> String {
        let input = RegistrationInput(unit: unit, kind: kind, options: options.map { OptionInput(start: $0.0, end: $0.1) }, draftSent: draft, contactName: contact)
        let answer = try await service.register(input, by: .office("vp"), idempotencyKey: nil, admitLate: true)
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(RequestView.self, from: Data(answer.body.utf8)).request.id
    }

    func close() async { await world.close() }
}
