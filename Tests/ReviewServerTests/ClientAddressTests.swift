import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ReviewCore
import ReviewServer
import ReviewService
import ReviewStore
import ReviewTestSupport
import Testing

/// The client address sign-in delays are counted by, on a live server: the connection's peer, whatever the client
/// claims, and `X-Forwarded-For` only from a trusted proxy.
@Suite struct ClientAddressTests {
    func failures(_ o: OfficeWorld, _ address: String) async throws -> Int? {
        try await o.service.store.read { tx in
            try await tx.signInFailures(subjects: ["addr:\(address)"], district: o.service.district.id)["addr:\(address)"]?.failures
        }
    }

    @Test func theClientCannotChooseItsAddress() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        let app = buildApplication(service: o.service, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: Logger(label: "test"))
        try await app.test(.live) { client in
            let b = OfficeBrowser(client)
            for (n, name) in ["an", "binh", "chi"].enumerated() {
                // Each try claims another address, and sends one through X-Forwarded-For: neither is believed.
                b.address = "10.0.0.\(n)"
                b.forwardedFor = "10.1.0.\(n)"
                try await b.signIn(name, "mat-khau-doan")
            }
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.html.contains("Máy này đã đăng nhập sai 3 lần"))
        }
        #expect(try await failures(o, "127.0.0.1") == 3)
        #expect(try await failures(o, "10.0.0.2") == nil)
        #expect(try await failures(o, "10.1.0.2") == nil)
    }

    @Test func aTrustedProxyNamesTheClient() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, trustedProxies: ["127.0.0.1"])
        let app = buildApplication(service: o.service, configuration: configuration, logger: Logger(label: "test"))
        try await app.test(.live) { client in
            let b = OfficeBrowser(client)
            b.forwardedFor = "203.0.113.7"
            try await b.signIn("an", "mat-khau-doan")
            b.forwardedFor = "198.51.100.1, 203.0.113.8"
            try await b.signIn("binh", "mat-khau-doan")
            #expect(b.last?.status == .unauthorized)
        }
        #expect(try await failures(o, "203.0.113.7") == 1)
        // nginx's address is the last one: what the client wrote before it is not believed.
        #expect(try await failures(o, "203.0.113.8") == 1)
        #expect(try await failures(o, "198.51.100.1") == nil)
        #expect(try await failures(o, "127.0.0.1") == nil)
    }
}
