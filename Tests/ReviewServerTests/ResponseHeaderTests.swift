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

/// Headers that protect what a response holds: `nosniff` on every answer, `no-store` on the API's personal data, and
/// a strong ETag of its own for each of a feed's two bodies.
@Suite struct ResponseHeaderTests {
    static let nosniff = HTTPField.Name("X-Content-Type-Options")!

    @Test func everyResponseSaysNosniffAndTheAPIIsNeverStored() async throws {
        let world = try await FeedTests().publishedWorld().0
        defer { Task { await world.close() } }
        let (_, token) = try await world.service.issueToken(unit: "cb-ban-to-chuc", label: "t", by: "office:test")
        let link = try await FeedTests().memberLink(world)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            // The API's answers hold the contact's name and phone: no cache keeps them, refusals included.
            for (uri, status) in [("/v1/requests?week=2023-W50", HTTPResponse.Status.ok), ("/v1/whoami", .ok), ("/v1/requests/khong-co", .notFound)] {
                try await client.execute(uri: uri, method: .get, headers: bearer) { r in
                    #expect(r.status == status, "\(uri)")
                    #expect(r.headers[.cacheControl] == "no-store", "\(uri)")
                    #expect(r.headers[Self.nosniff] == "nosniff", "\(uri)")
                }
            }
            try await client.execute(uri: "/v1/requests?week=2023-W50", method: .get, headers: bearer) { r in
                #expect(String(buffer: r.body).contains("Nguyễn; Văn"))
            }
            try await client.execute(uri: "/v1/whoami", method: .get) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.cacheControl] == "no-store")
                #expect(r.headers[Self.nosniff] == "nosniff")
            }
            // Feeds, office pages and redirects, static files, the API document, unknown paths and wrong methods.
            let others: [(String, HTTPRequest.Method, HTTPResponse.Status)] = [
                (link.path, .get, .ok), ("/feeds/members/khong-co/lich.ics", .get, .notFound), (link.path, .post, .methodNotAllowed),
                ("/office/sign-in", .get, .ok), ("/office/weeks/2023-W50", .get, .seeOther), ("/static/office.css", .get, .ok),
                ("/openapi.yaml", .get, .ok), ("/health", .get, .ok), ("/khong-co-trang-nay", .get, .notFound),
            ]
            for (uri, method, status) in others {
                try await client.execute(uri: uri, method: method) { r in
                    #expect(r.status == status, "\(method) \(uri)")
                    #expect(r.headers[Self.nosniff] == "nosniff", "\(method) \(uri)")
                }
            }
            // A feed keeps its own caching: calendar apps may keep it five minutes.
            try await client.execute(uri: link.path, method: .get) { r in
                #expect(r.headers[.cacheControl]?.hasPrefix("private, max-age=") == true)
            }
        }
    }

    @Test func aFeedsGzipBodyHasItsOwnStrongETag() async throws {
        let world = try await FeedTests().publishedWorld().0
        defer { Task { await world.close() } }
        let link = try await FeedTests().memberLink(world)
        let app = Application(router: buildRouter(service: world.service, rehearsalClock: nil))
        try await app.test(.router) { client in
            let plain = try await client.execute(uri: link.path, method: .get) { r in try #require(r.headers[.eTag]) }
            let gzip: HTTPFields = [.acceptEncoding: "gzip"]
            let zipped = try await client.execute(uri: link.path, method: .get, headers: gzip) { r in
                #expect(r.headers[.contentEncoding] == "gzip")
                return try #require(r.headers[.eTag])
            }
            #expect(zipped != plain)
            #expect(zipped == String(plain.dropLast()) + "-gz\"")
            #expect(zipped.hasPrefix("\"") && !zipped.hasPrefix("W/"))
            // Each validator matches only the body it names.
            try await client.execute(uri: link.path, method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: zipped]) { r in
                #expect(r.status == .notModified)
                #expect(r.headers[.eTag] == zipped)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: plain]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(r.headers[.eTag] == zipped)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: zipped]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == nil)
                #expect(r.headers[.eTag] == plain)
            }
            try await client.execute(uri: link.path, method: .get, headers: [.ifNoneMatch: plain]) { r in
                #expect(r.status == .notModified)
                #expect(r.headers[.eTag] == plain)
            }
            try await client.execute(uri: link.path, method: .head, headers: gzip) { r in
                #expect(r.headers[.eTag] == zipped)
            }
        }
    }
}
