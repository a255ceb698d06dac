import Foundation
import HummingbirdBcrypt
import NIOPosix
import ReviewCore
import ReviewStore

extension ReviewService {
    /// How many wrong passwords in a row lock a login name.
    public static let signInAttempts = 5
    /// How long a locked login name waits, and how long failures are counted.
    public static let signInLock: TimeInterval = 15 * 60
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
            try await tx.clearSignInFailures(login: login, district: self.district.id)
            try await tx.audit(self.auditEntry(actor: actor, action: "user.password", entity: "user", id: login, before: nil, after: nil))
        }
    }

    /// Checks a sign-in. Wrong names and wrong passwords get the same answer; after ``signInAttempts`` failures in
    /// ``signInLock`` the name is locked for ``signInLock``, whatever password is given.
    public func signIn(login rawLogin: String, password: String) async throws -> OfficeUser {
        let login = rawLogin.trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.isEmpty, login.count <= 64, !password.isEmpty, password.utf8.count <= 200 else { throw Self.wrongSignIn }
        let now = clock.now()
        let (found, failures) = try await store.read { tx in
            (try await tx.officeUserWithHash(login: login, district: self.district.id), try await tx.signInFailures(login: login, district: self.district.id))
        }
        if let until = failures?.lockedUntil, until > now {
            throw Self.locked(until: until, now: now)
        }
        // An unknown name costs the same bcrypt time as a known one, so that timing does not tell which names exist.
        let ok = try await Self.verify(password, hash: found?.hash ?? Self.placeholderHash)
        if let found, ok, found.user.disabledAt == nil {
            try await store.write(serializedOn: district.id) { tx in
                try await tx.clearSignInFailures(login: login, district: self.district.id)
                try await tx.audit(self.auditEntry(actor: "office:\(login)", action: "user.sign-in", entity: "user", id: login, before: nil, after: nil))
            }
            return found.user
        }
        let lockedUntil: Date? = try await store.write(serializedOn: district.id) { tx in
            var f = try await tx.signInFailures(login: login, district: self.district.id) ?? SignInFailures(failures: 0, firstAt: now, lockedUntil: nil)
            if now.timeIntervalSince(f.firstAt) > Self.signInLock || f.lockedUntil.map({ $0 <= now }) == true {
                f = SignInFailures(failures: 0, firstAt: now, lockedUntil: nil)
            }
            f.failures += 1
            if f.failures >= Self.signInAttempts { f.lockedUntil = now.addingTimeInterval(Self.signInLock) }
            try await tx.setSignInFailures(f, login: login, district: self.district.id)
            if found != nil {
                try await tx.audit(self.auditEntry(
                    actor: "office:\(login)", action: f.lockedUntil == nil ? "user.sign-in-failed" : "user.locked", entity: "user", id: login,
                    before: nil, after: "{\"failures\":\(f.failures)}"))
            }
            return f.lockedUntil
        }
        if let lockedUntil { throw Self.locked(until: lockedUntil, now: now) }
        if found?.user.disabledAt != nil && ok {
            throw ReviewError(.userDisabled, "Tài khoản '\(login)' đã bị khóa bởi Văn phòng. Liên hệ người quản trị để mở lại.")
        }
        throw Self.wrongSignIn
    }

    // MARK: Checks

    static let wrongSignIn = ReviewError(.wrongSignIn, "Sai tên đăng nhập hoặc mật khẩu. Sau \(signInAttempts) lần sai liên tiếp, tài khoản tạm khóa \(Int(signInLock / 60)) phút.")

    static func locked(until: Date, now: Date) -> ReviewError {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return ReviewError(.signInLocked, "Đăng nhập sai quá \(signInAttempts) lần: tài khoản tạm khóa, thử lại sau \(minutes) phút.")
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

    /// A valid hash of no password anyone knows, verified against when the name is unknown.
    static let placeholderHash = Bcrypt.hash(Secrets.token(prefix: "", bits: 160), cost: 4)

    /// bcrypt runs off the concurrency pool: it takes a quarter of a second at cost 12 and would hold a thread that
    /// serves requests.
    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
