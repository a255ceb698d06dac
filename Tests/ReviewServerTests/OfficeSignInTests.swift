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

/// Accounts, sign-in, sessions and who may do what in the office's pages.
@Suite struct OfficeSignInTests {
    @Test func signInOpensTheWorkspaceAndSignOutClosesIt() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { b in
            try await b.get("/office")
            #expect(b.last?.status == .seeOther)
            #expect(b.location == "/office/sign-in")
            try await b.get("/office/weeks/2023-W50")
            #expect(b.location?.hasPrefix("/office/sign-in?next=") == true)
            try await b.get("/office/sign-in")
            #expect(b.last?.status == .ok)
            #expect(b.html.contains("<label for=\"login\">Tên đăng nhập</label>"))
            #expect(b.cookies["rc_signin"] == b.formToken && !b.formToken.isEmpty)
            // Wrong password: the page again, no session.
            try await b.post("/office/sign-in", [("login", "thu-ha"), ("password", "sai-mat-khau")])
            #expect(b.last?.status == .unauthorized)
            #expect(b.html.contains("Sai tên đăng nhập hoặc mật khẩu"))
            #expect(b.cookies["rc_office"] == nil)
            // Right password: a session cookie, HttpOnly and SameSite=Lax, not Secure over plain http.
            try await b.post("/office/sign-in", [("login", "Thu-Ha "), ("password", OfficeWorld.password), ("next", "/office/campaign")])
            #expect(b.last?.status == .seeOther)
            #expect(b.location == "/office/campaign")
            let cookie = try #require(b.last?.headers[values: .setCookie].first { $0.hasPrefix("rc_office=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
            #expect(cookie.contains("Path=/office"))
            try await b.get("/office/weeks/2023-W50")
            #expect(b.last?.status == .ok)
            #expect(b.html.contains("Tuần 50/2023"))
            #expect(b.html.contains("Xin chào Người dùng thu-ha."))
            // Sign out: the session is gone from the database too.
            try await b.post("/office/sign-out", [])
            #expect(b.location == "/office/sign-in?ly-do=dang-xuat")
            try await b.get("/office/weeks/2023-W50")
            #expect(b.last?.status == .seeOther)
        }
        let trail = try await o.service.auditTrail(filter: AuditFilter(user: "thu-ha")).map(\.action)
        #expect(trail.contains("user.sign-in"))
        #expect(trail.contains("user.sign-in-failed"))
        let stored = try await o.service.store.read { tx in try await tx.officeUserWithHash(login: "thu-ha", district: o.service.district.id) }
        #expect(stored?.hash.hasPrefix("$2") == true)
        #expect(stored?.hash.contains(OfficeWorld.password) == false)
    }

    @Test func theSessionCookieIsSecureOverHTTPS() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", office: OfficeConfiguration(publicURL: "https://lich.example.vn"))
        defer { Task { await o.close() } }
        try await o.app().test(.router) { client in
            let b = OfficeBrowser(client)
            try await b.get("/office/sign-in")
            #expect(b.last?.headers[values: .setCookie].contains { $0.hasPrefix("rc_signin=") && $0.contains("Secure") } == true)
            try await b.post("/office/sign-in", [("login", "thu-ha"), ("password", OfficeWorld.password)])
            let cookie = try #require(b.last?.headers[values: .setCookie].first { $0.hasPrefix("rc_office=") })
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
        }
    }

    @Test func signInWithoutItsFormTokenIsRefused() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { b in
            try await b.get("/office/sign-in")
            try await b.post("/office/sign-in", [("login", "thu-ha"), ("password", OfficeWorld.password)], csrf: "")
            #expect(b.last?.status == .forbidden)
            #expect(b.html.contains("mã chống giả mạo"))
            try await b.post("/office/sign-in", [("login", "thu-ha"), ("password", OfficeWorld.password)], csrf: "khong-dung")
            #expect(b.last?.status == .forbidden)
            #expect(b.cookies["rc_office"] == nil)
        }
    }

    @Test func failuresOfANameDelayItsNextTryMoreAndMoreUpToFiveMinutes() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { b in
            // Each try from another address, so that only the name's count applies.
            var n = 0
            func wrong() async throws {
                n += 1
                b.address = "198.51.100.\(n)"
                try await b.signIn("thu-ha", "sai-lan-\(n)")
            }
            try await wrong()
            try await wrong()
            #expect(b.last?.status == .unauthorized)
            #expect(b.html.contains("Sai tên đăng nhập hoặc mật khẩu"))
            // The third failure: the next try waits a second.
            try await wrong()
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.last?.headers[.retryAfter] == "1")
            #expect(b.html.contains("nhập sai mật khẩu 3 lần liên tiếp: chờ 1 giây"))
            // Within that second even the right password waits, and the try is not counted.
            b.address = "192.0.2.7"
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.cookies["rc_office"] == nil)
            // Each further failure doubles the wait: 2, 4, 8 … seconds, at most five minutes.
            var at = try #require(o.world.clock.now() as Date?)
            for failures in 4...13 {
                at = at.addingTimeInterval(ReviewService.signInDelay(after: failures - 1))
                o.world.clock.set(at)
                try await wrong()
                let wait = Int(ReviewService.signInDelay(after: failures))
                #expect(wait == min(300, 1 << (failures - 3)))
                #expect(b.last?.status == .tooManyRequests, "failure \(failures)")
                #expect(b.last?.headers[.retryAfter] == String(wait), "failure \(failures)")
            }
            #expect(b.html.contains("chờ 5 phút rồi thử lại"))
            // The user waits five minutes at most after an outsider's last try, then signs in.
            o.world.clock.set(at.addingTimeInterval(299))
            b.address = "192.0.2.7"
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.last?.headers[.retryAfter] == "1")
            o.world.clock.set(at.addingTimeInterval(300))
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .seeOther)
            #expect(b.cookies["rc_office"] != nil)
        }
        let failed = try await o.service.auditTrail(filter: AuditFilter(action: "user.sign-in-failed"))
        #expect(failed.count == 13)
    }

    @Test func oneAddressCannotTryManyNames() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", users: [("thu-ha", .office), ("lan", .office)])
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { b in
            b.address = "203.0.113.9"
            for name in ["an", "binh", "chi"] {
                try await b.signIn(name, "mat-khau-doan")
            }
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.html.contains("Máy này đã đăng nhập sai 3 lần liên tiếp: chờ 1 giây"))
            // Another name from the same address waits too, before its password is even read.
            try await b.signIn("lan", OfficeWorld.password)
            #expect(b.last?.status == .tooManyRequests)
            #expect(b.last?.headers[.retryAfter] == "1")
            // From another address the same name signs in at once: the outsider's address holds nobody else back.
            b.address = "192.0.2.20"
            try await b.signIn("lan", OfficeWorld.password)
            #expect(b.last?.status == .seeOther)
        }
    }

    @Test func oldFailureRowsArePurgedUnknownNamesToo() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        let district = o.service.district.id
        try await o.browse(as: nil) { b in
            b.address = "203.0.113.50"
            try await b.signIn("khong-co-ai", "mat-khau-doan")
            #expect(b.last?.status == .unauthorized)
            #expect(try await o.service.store.read { tx in try await tx.signInFailureCount(district: district) } == 2)
            // Within the window the rows stay.
            o.world.set("2023-12-07T10:14", second: 59)
            b.address = "192.0.2.1"
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .seeOther)
            #expect(try await o.service.store.read { tx in try await tx.signInFailureCount(district: district) } == 2)
        }
        // Fifteen minutes after the last failure, the next sign-in (right or wrong) deletes them.
        o.world.set("2023-12-07T10:15", second: 1)
        try await o.browse(as: nil) { b in
            b.address = "192.0.2.2"
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .seeOther)
        }
        let rows = try await o.service.store.read { tx in
            try await tx.signInFailures(subjects: ["name:khong-co-ai", "addr:203.0.113.50"], district: district)
        }
        #expect(rows.isEmpty)
        #expect(try await o.service.store.read { tx in try await tx.signInFailureCount(district: district) } == 0)
    }

    @Test func theStandInHashOfUnknownNamesCostsWhatARealOneCosts() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        // "$2b$04$…": the cost is the second field.
        func cost(_ hash: String) -> Int? { hash.split(separator: "$").dropFirst().first.flatMap { Int($0) } }
        let real = try #require(try await o.service.store.read { tx in try await tx.officeUserWithHash(login: "thu-ha", district: o.service.district.id) })
        let standIn = try await ReviewService.placeholderHash(cost: o.service.passwordCost)
        #expect(cost(real.hash) == Int(o.service.passwordCost))
        #expect(cost(standIn) == Int(o.service.passwordCost))
        #expect(cost(try await ReviewService.placeholderHash(cost: 6)) == 6)
        // An unknown name is answered as a wrong password.
        try await o.browse(as: nil) { b in
            try await b.signIn("khong-co-ai", OfficeWorld.password)
            #expect(b.last?.status == .unauthorized)
            #expect(b.html.contains("Sai tên đăng nhập hoặc mật khẩu"))
        }
    }

    @Test func formFieldsThatAreNotUTF8AreRefusedByName() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        try await o.browse(as: nil) { b in
            try await b.get("/office/sign-in")
            try await b.postRaw("/office/sign-in", Array("login=%FF&password=x&_csrf=\(b.formToken)".utf8))
            #expect(b.last?.status == .badRequest)
            #expect(b.html.contains("Tên đăng nhập (login)"))
            #expect(b.html.contains("không phải UTF-8"))
            #expect(b.cookies["rc_office"] == nil)
        }
        let id = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        try await o.browse { b in
            try await b.get("/office/weeks/2023-W50")
            let token = b.formToken
            try await b.postRaw("/office/weeks/2023-W50/sessions/\(id)/cancel", Array("reason=H%E1%BB%8Dp%C3&_csrf=\(token)".utf8))
            #expect(b.last?.status == .badRequest)
            #expect(b.html.contains("Lý do (reason)"))
            // A real U+FFFD typed by the clerk is text like any other, and is not refused for its encoding.
            try await b.postRaw("/office/weeks/2023-W50/sessions/\(id)/cancel", Array("reason=%EF%BF%BD&_csrf=\(token)".utf8))
            #expect(b.last?.status != .badRequest || !b.html.contains("không phải UTF-8"))
        }
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "schedule.cancel")).isEmpty)
    }

    @Test func aShortIdleTimeIsExtendedByActivity() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", office: OfficeConfiguration(idleTimeout: 2 * 60))
        defer { Task { await o.close() } }
        try await o.browse { b in
            o.world.set("2023-12-07T10:01")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            // Signed in at 10:00 with two minutes idle: active at 10:01, so still signed in at 10:02:30.
            o.world.set("2023-12-07T10:02", second: 30)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            o.world.set("2023-12-07T10:04", second: 15)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            // Two minutes and a second of nothing: signed out.
            o.world.set("2023-12-07T10:06", second: 16)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            #expect(b.location?.contains("ly-do=het-han") == true)
        }
    }

    @Test func aSessionStoredByAnEarlierVersionEndsWithoutAnError() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        // A session as stored before sessions kept the password's stamp.
        let old = #"{"login":"thu-ha","district":"\#(o.service.district.id)","csrf":"abc","issuedAt":723693600}"#
        let expires = o.world.clock.now().addingTimeInterval(600)
        try await o.service.store.write { tx in
            try await tx.saveWebSession(
                keyHash: Secrets.sha256("office.cu"), district: o.service.district.id, value: old, expiresAt: expires, keepExpiry: false)
        }
        try await o.browse(as: nil) { b in
            b.setCookie("rc_office", "cu")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            #expect(b.location?.contains("ly-do=het-han") == true)
            try await b.signIn("thu-ha", OfficeWorld.password)
            #expect(b.last?.status == .seeOther)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
        }
    }

    @Test func aSessionHoldsWhenTheClockIsSetBeforeThePasswordWasSet() async throws {
        // The account's password is stamped 10:00; a rehearsal clock then set back to 08:00 opens a session at 08:00.
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        o.world.set("2023-12-07T08:00")
        try await o.browse { b in
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            #expect(b.html.contains("Người dùng thu-ha"))
            // A new password still ends the session, whatever the clock reads, and the page says why.
            try await o.service.setPassword("thu-ha", password: "mat-khau-moi-2", by: "office:admin")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            #expect(b.location?.contains("ly-do=doi-mat-khau") == true)
            try await b.get(b.location!)
            #expect(b.html.contains("Mật khẩu đã được đổi sau khi đăng nhập"))
        }
    }

    @Test func anIdleSessionExpiresAndAnActiveOneSlides() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", office: OfficeConfiguration(idleTimeout: 30 * 60))
        defer { Task { await o.close() } }
        try await o.browse { b in
            o.world.set("2023-12-07T10:20")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            // Active at 10:20, so still signed in at 10:45 although 45 minutes passed since signing in.
            o.world.set("2023-12-07T10:45")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            // 30 minutes and a second of nothing: signed out.
            o.world.set("2023-12-07T11:15", second: 1)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            #expect(b.location?.contains("ly-do=het-han") == true)
            try await b.get(b.location!)
            #expect(b.html.contains("Phiên làm việc đã hết hạn"))
        }
    }

    @Test func sessionsLiveInTheDatabaseAcrossRestartsAndInstances() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        let cookie = try await o.browse { b in b.cookies["rc_office"] ?? "" }
        #expect(!cookie.isEmpty)
        // A second instance: its own store connection and service over the same database, a new router.
        let store = try await ReviewStore.open(o.world.storeURL, timeout: TestDatabase.timeout)
        let other = try await ReviewService(district: o.service.district, store: store, clock: o.world.clock, passwordCost: 4, feedKey: o.service.feedKey)
        try await Application(router: buildRouter(service: other, rehearsalClock: nil)).test(.router) { client in
            let b = OfficeBrowser(client)
            b.setCookie("rc_office", cookie)
            try await b.get("/office/campaign")
            #expect(b.last?.status == .ok)
            #expect(b.html.contains("Người dùng thu-ha"))
        }
        try await store.close()
        // The database holds only the session id's hash.
        let raw = try await o.service.store.read { tx in try await tx.webSession(keyHash: Secrets.sha256("office." + cookie), district: o.service.district.id) }
        #expect(raw != nil)
        #expect(raw?.value.contains(cookie) == false)
    }

    @Test func aDisabledAccountOrANewPasswordEndsOpenSessions() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        try await o.browse { b in
            o.world.set("2023-12-07T10:01")
            try await o.service.setPassword("thu-ha", password: "mat-khau-moi-2", by: "office:admin")
            o.world.set("2023-12-07T10:02")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            try await b.signIn("thu-ha", "mat-khau-moi-2")
            #expect(b.last?.status == .seeOther)
            try await o.service.setUserDisabled("thu-ha", disabled: true, by: "office:admin")
            try await b.get("/office/campaign")
            #expect(b.last?.status == .seeOther)
            try await b.signIn("thu-ha", "mat-khau-moi-2")
            #expect(b.last?.status == .forbidden)
            #expect(b.html.contains("đã bị khóa"))
        }
    }

    @Test func aUnitTokenNeverOpensAnOfficePage() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        let (_, unitToken) = try await o.service.issueToken(unit: "cb-ban-to-chuc", label: "t", by: "office:test")
        let (_, officeToken) = try await o.service.issueToken(unit: nil, label: "t", by: "office:test")
        try await o.browse(as: nil) { b in
            for token in [unitToken, officeToken] {
                try await b.get("/office/weeks/2023-W50", headers: [.authorization: "Bearer \(token)"])
                #expect(b.last?.status == .seeOther)
                #expect(b.location?.hasPrefix("/office/sign-in") == true)
                #expect(!b.html.contains("Tuần 50"))
                b.setCookie("rc_office", token)
                try await b.get("/office/campaign")
                #expect(b.last?.status == .seeOther)
                b.setCookie("rc_office", nil)
            }
        }
    }

    @Test func aViewerReadsEveryPageAndChangesNothing() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00", users: [("xem", .viewer)])
        defer { Task { await o.close() } }
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        try await o.browse(as: "xem") { b in
            for page in ["/office/weeks/2023-W50", "/office/campaign", "/office/feeds", "/office/audit", "/office/district", "/office/weeks/2023-W50/print"] {
                try await b.get(page)
                #expect(b.last?.status == .ok, "\(page)")
            }
            try await b.get("/office/weeks/2023-W50")
            #expect(!b.html.contains("Chạy xếp lịch"))
            let version = try #require(b.value(ofHidden: "version") ?? Optional(""))
            try await b.post("/office/weeks/2023-W50/run", [("version", version)])
            #expect(b.last?.status == .forbidden)
            #expect(b.html.contains("chỉ được xem"))
            try await b.post("/office/feeds/member/m04/rotate", [])
            #expect(b.last?.status == .forbidden)
            // Signing out is allowed.
            try await b.post("/office/sign-out", [])
            #expect(b.last?.status == .seeOther)
        }
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "schedule.run")).isEmpty)
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "feed.rotate")).isEmpty)
    }

    @Test func formsWithoutOrWithAWrongTokenChangeNothing() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        _ = try await o.register("cb-ban-to-chuc", [("2023-12-12T07:30", "2023-12-12T11:30")])
        try await o.browse { b in
            try await b.get("/office/weeks/2023-W50")
            let version = b.value(ofHidden: "version") ?? ""
            try await b.post("/office/weeks/2023-W50/run", [("version", version)], csrf: "")
            #expect(b.last?.status == .forbidden)
            try await b.get("/office/weeks/2023-W50")
            try await b.post("/office/weeks/2023-W50/run", [("version", version)], csrf: String(repeating: "a", count: 32))
            #expect(b.last?.status == .forbidden)
            #expect(b.html.contains("mã chống giả mạo"))
        }
        #expect(try await o.service.auditTrail(filter: AuditFilter(action: "schedule.run")).isEmpty)
    }

    @Test func accountRulesAreCheckedWithClearMessages() async throws {
        let o = try await OfficeWorld.make(at: "2023-12-07T10:00")
        defer { Task { await o.close() } }
        for (login, password, code) in [("Thu Ha", "mat-khau-dai", "invalid-login"), ("lan", "ngan", "weak-password"), ("lan", "lan", "weak-password"),
                                        ("thu-ha", "mat-khau-dai-2", "user-exists")] {
            await #expect {
                _ = try await o.service.addUser(login: login, name: "Lan", role: .office, password: password, by: "office:test")
            } throws: { ($0 as? ReviewError)?.code.rawValue == code }
        }
        await #expect {
            _ = try await o.service.addUser(login: "lan", name: "Lan\nHai", role: .office, password: "mat-khau-dai", by: "office:test")
        } throws: { ($0 as? ReviewError)?.code.rawValue == "control-character" }
        #expect(try await o.service.users().map(\.login) == ["thu-ha"])
    }
}
