import Foundation
import Synchronization
import HummingbirdBcrypt
import NIOPosix
import ReviewCore
import ReviewStore

/// A sign-in refused before its password is checked, or after a failure that starts a wait: the refusal says in words
/// how long to wait, and `seconds` is the same wait for `Retry-After`.
public struct SignInDelayed: Error, Sendable {
    /// Seconds to wait before the next try.
    public var seconds: Int
    /// The refusal, in Vietnamese.
    public var refusal: ReviewError
}

extension ReviewService {
    /// Failures in a row, per login name and per client address, before each further try must wait.
    public static let signInFreeFailures = 3
    /// The longest wait between two tries.
    public static let signInMaxDelay: TimeInterval = 5 * 60
    /// How long failures are remembered: a name or address with no failure for this long starts afresh, and older
    /// failure rows (of any name, known or not) are deleted.
    public static let signInWindow: TimeInterval = 15 * 60
    /// Shortest password.
    public static let minimumPasswordLength = 8

    /// Creates an office account.
    public func addUser(login: String, name: String, role: OfficeUser.Role, password: String, by actor: String) async throws -> OfficeUser {
        let login = try Self.checkedLogin(login)
        let name = try Self.checkedName(name)
        try Self.checkPassword(password, login: login)
        let hash = try await Self.hash(password, cost: passwordCost)
        let now = clock.now()
        let user = OfficeUser(
            districtId: district.id, login: login, name: name, role: role, createdAt: now, createdBy: actor, passwordChangedAt: now, disabledAt: nil)
        try await store.write(serializedOn: district.id) { tx in
            guard try await tx.insertOfficeUser(user, passwordHash: hash) else {
                throw ReviewError(.userExists, "Đã có tài khoản '\(login)'. Đổi mật khẩu bằng: reviewcal admin user password \(login)")
            }
            try await tx.audit(self.auditEntry(actor: actor, action: "user.add", entity: "user", id: login, before: nil, after: StoreTransaction.json(user)))
        }
        return user
    }

    /// Every office account of the district.
    public func users() async throws -> [OfficeUser] {
        try await store.read { tx in try await tx.officeUsers(district: self.district.id) }
    }

    /// One office account.
    public func user(_ login: String) async throws -> OfficeUser? {
        try await store.read { tx in try await tx.officeUser(login: login, district: self.district.id) }
    }

    /// Disables (or enables again) an account; a disabled account's open sessions stop working at once.
    public func setUserDisabled(_ login: String, disabled: Bool, by actor: String) async throws {
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            guard var user = try await tx.officeUser(login: login, district: self.district.id) else { throw Self.unknownUser(login) }
            let before = StoreTransaction.json(user)
            user.disabledAt = disabled ? (user.disabledAt ?? now) : nil
            try await tx.updateOfficeUser(user)
            try await tx.audit(self.auditEntry(
                actor: actor, action: disabled ? "user.disable" : "user.enable", entity: "user", id: login, before: before, after: StoreTransaction.json(user)))
        }
    }

    /// Sets a new password; sessions opened before it stop working.
    public func setPassword(_ login: String, password: String, by actor: String) async throws {
        try Self.checkPassword(password, login: login)
        let hash = try await Self.hash(password, cost: passwordCost)
        let now = clock.now()
        try await store.write(serializedOn: district.id) { tx in
            guard try await tx.officeUser(login: login, district: self.district.id) != nil else { throw Self.unknownUser(login) }
            try await tx.setOfficePassword(login: login, district: self.district.id, hash: hash, at: now)
            try await tx.clearSignInFailures(subject: "name:\(login)", district: self.district.id)
            try await tx.audit(self.auditEntry(actor: actor, action: "user.password", entity: "user", id: login, before: nil, after: nil))
        }
    }

    /// The wait before the next try after `failures` failures in a row: none for the first ``signInFreeFailures``,
    /// then 1, 2, 4 … seconds, at most ``signInMaxDelay``.
    public static func signInDelay(after failures: Int) -> TimeInterval {
        guard failures >= signInFreeFailures else { return 0 }
        let exponent = failures - signInFreeFailures
        return exponent >= 9 ? signInMaxDelay : min(signInMaxDelay, Double(1 << exponent))
    }

    /// Checks a sign-in from the client at `address`. Wrong names and wrong passwords get the same answer and cost the
    /// same time. Failures are counted per login name and per address: after ``signInFreeFailures`` of either in a row,
    /// each further try waits longer (``signInDelay(after:)``), so that nobody can guess many passwords, and an
    /// outsider cannot keep a name from its user for longer than ``signInMaxDelay`` at a time.
    public func signIn(login rawLogin: String, password: String, from address: String = "") async throws -> OfficeUser {
        let login = rawLogin.trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.isEmpty, login.count <= 64, !password.isEmpty, password.utf8.count <= 200 else { throw Self.wrongSignIn }
        let now = clock.now()
        let nameKey = "name:\(login)", addressKey = "addr:\(address.prefix(64))"
        let (found, counted) = try await store.read { tx in
            (try await tx.officeUserWithHash(login: login, district: self.district.id),
             try await tx.signInFailures(subjects: [nameKey, addressKey], district: self.district.id))
        }
        let current = counted.filter { now.timeIntervalSince($0.value.lastAt) < Self.signInWindow }
        if let wait = Self.wait(current, nameKey: nameKey, now: now) { throw wait }

        // An unknown name costs the same bcrypt time as a known one, so that timing does not tell which names exist.
        let ok: Bool
        if let found {
            ok = try await Self.verify(password, hash: found.hash)
        } else {
            _ = try await Self.verify(password, hash: await Self.placeholderHash(cost: passwordCost))
            ok = false
        }
        let window = now.addingTimeInterval(-Self.signInWindow)
        if let found, ok, found.user.disabledAt == nil {
            try await store.write(serializedOn: district.id) { tx in
                // Failures written by tries sent at the same time count too: a right password among many sent at once
                // is answered as they are, and the burst learns nothing.
                let stored = try await tx.signInFailures(subjects: [nameKey, addressKey], district: self.district.id)
                if let wait = Self.wait(stored.filter { now.timeIntervalSince($0.value.lastAt) < Self.signInWindow }, nameKey: nameKey, now: now) {
                    throw wait
                }
                try await tx.clearSignInFailures(subject: nameKey, district: self.district.id)
                try await tx.purgeSignInFailures(before: window)
                try await tx.audit(self.auditEntry(actor: "office:\(login)", action: "user.sign-in", entity: "user", id: login, before: nil, after: nil))
            }
            return found.user
        }
        let after: [String: SignInFailures] = try await store.write(serializedOn: district.id) { tx in
            let stored = try await tx.signInFailures(subjects: [nameKey, addressKey], district: self.district.id)
            var result: [String: SignInFailures] = [:]
            for key in [nameKey, addressKey] {
                var f = stored[key].flatMap { now.timeIntervalSince($0.lastAt) < Self.signInWindow ? $0 : nil } ?? SignInFailures(failures: 0, lastAt: now)
                f.failures += 1
                f.lastAt = now
                try await tx.setSignInFailures(f, subject: key, district: self.district.id)
                result[key] = f
            }
            try await tx.purgeSignInFailures(before: window)
            if found != nil {
                try await tx.audit(self.auditEntry(
                    actor: "office:\(login)", action: "user.sign-in-failed", entity: "user", id: login, before: nil,
                    after: "{\"failures\":\(result[nameKey]?.failures ?? 1)}"))
            }
            return result
        }
        if found?.user.disabledAt != nil && ok {
            throw ReviewError(.userDisabled, "Tài khoản '\(login)' đã bị khóa bởi Văn phòng. Liên hệ người quản trị để mở lại.")
        }
        if let wait = Self.wait(after, nameKey: nameKey, now: now, prefix: "Sai tên đăng nhập hoặc mật khẩu. ") { throw wait }
        throw Self.wrongSignIn
    }

    // MARK: Checks

    static let wrongSignIn = ReviewError(
        .wrongSignIn,
        "Sai tên đăng nhập hoặc mật khẩu. Sau \(signInFreeFailures) lần sai liên tiếp, mỗi lần thử tiếp theo phải chờ lâu hơn (tối đa \(Int(signInMaxDelay / 60)) phút).")

    /// The longest wait the counted failures still impose at `now`, as a refusal; nil when none.
    static func wait(_ counted: [String: SignInFailures], nameKey: String, now: Date, prefix: String = "") -> SignInDelayed? {
        var longest: (seconds: Int, key: String, failures: Int)?
        for (key, f) in counted {
            let left = f.lastAt.addingTimeInterval(signInDelay(after: f.failures)).timeIntervalSince(now)
            guard left > 0 else { continue }
            let seconds = Int(left.rounded(.up))
            if seconds > longest?.seconds ?? 0 { longest = (seconds, key, f.failures) }
        }
        guard let longest else { return nil }
        let who = longest.key == nameKey ? "Tên đăng nhập này đã bị nhập sai mật khẩu" : "Máy này đã đăng nhập sai"
        return SignInDelayed(
            seconds: longest.seconds,
            refusal: ReviewError(.signInLocked, "\(prefix)\(who) \(longest.failures) lần liên tiếp: chờ \(waitText(longest.seconds)) rồi thử lại."))
    }

    /// "45 giây", "2 phút", "4 phút 16 giây".
    static func waitText(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) giây" }
        return seconds % 60 == 0 ? "\(seconds / 60) phút" : "\(seconds / 60) phút \(seconds % 60) giây"
    }

    static func unknownUser(_ login: String) -> ReviewError {
        ReviewError(.unknownUser, "Không có tài khoản '\(Text.clip(login))'. Xem danh sách: reviewcal admin user list")
    }

    static func checkedLogin(_ text: String) throws -> String {
        let login = text.trimmingCharacters(in: .whitespaces)
        guard !login.isEmpty, login.count <= 64, login.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "-._".contains($0)) }) else {
            throw ReviewError(
                .invalidLogin, "Tên đăng nhập '\(Text.clip(text))' chỉ gồm chữ thường không dấu a-z, chữ số và - . _ (tối đa 64 ký tự), ví dụ thu-ha.")
        }
        return login
    }

    static func checkedName(_ text: String) throws -> String {
        let name = Text.trimmed(text)
        if name.isEmpty { throw ReviewError(.missingName, "Cần họ tên của người dùng (--name).") }
        if let bad = Text.forbiddenCharacter(in: name, allowNewlines: false) {
            throw ReviewError(bad.code, bad.message(field: "Họ tên"))
        }
        if name.count > 120 { throw ReviewError(.tooLong, "Họ tên dài \(name.count) ký tự, tối đa 120.") }
        return Text.nfc(name)
    }

    static func checkPassword(_ password: String, login: String) throws {
        if password.count < minimumPasswordLength {
            throw ReviewError(.weakPassword, "Mật khẩu cần ít nhất \(minimumPasswordLength) ký tự.")
        }
        // bcrypt reads at most 72 bytes: a longer password would be cut without anyone knowing.
        if password.utf8.count > 72 { throw ReviewError(.longPassword, "Mật khẩu dài quá 72 byte (khoảng 72 chữ không dấu).") }
        if password.lowercased() == login.lowercased() { throw ReviewError(.weakPassword, "Mật khẩu không được trùng tên đăng nhập.") }
        if let bad = Text.forbiddenCharacter(in: password, allowNewlines: false) {
            throw ReviewError(bad.code, bad.message(field: "Mật khẩu"))
        }
    }

    /// A valid hash of no password anyone knows, made at `cost` (the service's password cost, so that checking it takes
    /// as long as checking a real one), verified against when the name is unknown. Made once per cost, off the
    /// concurrency pool.
    public static func placeholderHash(cost: UInt8) async throws -> String {
        if let hash = placeholders.withLock({ $0[cost] }) { return hash }
        let hash = try await hash(Secrets.token(prefix: "", bits: 160), cost: cost)
        return placeholders.withLock { stored in
            if let earlier = stored[cost] { return earlier }
            stored[cost] = hash
            return hash
        }
    }

    private static let placeholders = Mutex<[UInt8: String]>([:])

    /// bcrypt runs off the concurrency pool: it takes a quarter of a second at cost 12 and would hold a thread that
    /// serves requests.
    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
