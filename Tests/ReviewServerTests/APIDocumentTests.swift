import Foundation
import Hummingbird
import HummingbirdTesting
import ReviewServer
import ReviewTestSupport
import Testing
import Yams

/// The API document lists exactly the routes the server answers.
@Suite struct APIDocumentTests {
    @Test func everyRouteIsDocumentedAndViceVersa() async throws {
        let world = try await TestWorld.make(at: "2023-12-07T10:00")
        defer { Task { await world.close() } }
        let routes = Set(routeList(service: world.service))
        let url = TestWorld.repoRoot.appendingPathComponent("Sources/ReviewServer/Resources/openapi.yaml")
        let yaml = try String(contentsOf: url, encoding: .utf8)
        let doc = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            for key in (item as? [String: Any] ?? [:]).keys where ["get", "put", "post", "delete", "patch", "head", "options"].contains(key) {
                documented.insert("\(key) \(path)")
            }
        }
        #expect(routes == documented, "only in server: \(routes.subtracting(documented)); only in document: \(documented.subtracting(routes))")
        #expect(routes.count >= 10)
        // The server serves the same document.
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == yaml)
            }
        }
    }
}
