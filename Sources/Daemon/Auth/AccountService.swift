import Crypto
import Foundation
import NIOPosix
import PluginAPI
import Storage

/// Why an account operation was refused; each maps to one HTTP answer.
enum AuthFailure: Error, Equatable {
    /// Wrong name, wrong password or unknown account: deliberately one answer.
    case invalidCredentials
    /// The account is locked until `until` (student numbers are not secret, so saying so is fine).
    case locked(until: Date, now: Date)
    /// Too many attempts from this address or on this account, or no hashing slot in time.
    case tooManyAttempts(retryAfter: Int)
    case unauthenticated
    case passwordChangeRequired
    case weakPassword(Int)
    case wrongOldPassword
    case notFound
    case conflict(String)

    var apiError: APIError {
        switch self {
        case .invalidCredentials:
            APIError(.unauthorized, code: .invalidCredentials, message: "用户名或密码错误，或账号已被锁定")
        case .locked(let until, let now):
            APIError(.unauthorized, code: .accountLocked, message: "账号已锁定，请 \(Self.minutesLeft(until, now)) 分钟后再试或联系辅导员解锁")
        case .tooManyAttempts(let seconds):
            APIError(.tooManyRequests, code: .tooManyAttempts, message: "登录尝试过于频繁，请 \(seconds) 秒后再试", retryAfter: seconds)
        case .unauthenticated: APIError.unauthenticated
        case .passwordChangeRequired:
            APIError(.forbidden, code: .passwordChangeRequired, message: "请先修改密码")
        case .weakPassword(let n):
            APIError(.badRequest, code: .weakPassword, message: "新密码至少 \(n) 位，且不能与初始密码相同", field: "newPassword")
        case .wrongOldPassword:
            APIError(.badRequest, code: .wrongPassword, message: "原密码错误", field: "oldPassword")
        case .notFound: APIError(.notFound, code: .notFound, message: "记录不存在")
        case .conflict(let m): APIError(.conflict, code: .conflict, message: m)
        }
    }

    /// Whole minutes until `until`, rounded up (a lock with 10 s left still says 1 minute).
    static func minutesLeft(_ until: Date, _ now: Date) -> Int {
        max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
    }
}

/// Login, sessions, passwords, locks and WeChat bindings.
final class AccountService: Sendable {
    let store: DirectoryStore
    let outbox: Outbox
    let phone: PhoneVerification
    /// The settings of the plugin set being served (a reload may change them).
    let settings: @Sendable () -> AuthSettings
    /// A hash verified when the account does not exist, so the answer takes as long either way.
    /// Made on first need, not at start-up, so starting stays fast.
    /// Keyed by the hashing parameters, so a reload that changes them changes the decoy's cost too.
    private let decoyBox = LockedBox<(memoryKiB: UInt32, iterations: UInt32, hash: String)?>(nil)
    /// Login attempts per client address, and per account (apart, so that spraying made-up
    /// names, which fills the account buckets, never resets the address buckets).
    private let clientLimiter = RateLimiter()
    private let accountLimiter = RateLimiter()
    /// At most a few argon2 hashes at once.
    let gate = HashGate()
    /// Live tokens resolved before (see ``SessionCache``).
    private let sessions = SessionCache()

    init(store: DirectoryStore, settings: @escaping @Sendable () -> AuthSettings) throws {
        self.store = store
        self.settings = settings
        outbox = try Outbox(environment: store.environment)
        phone = try PhoneVerification(environment: store.environment)
    }

    /// What a correct password leads to.
    enum LoginOutcome {
        /// A session.
        case session(token: String, expires: Date, account: Account)
        /// First an SMS code (the challenge to answer, the masked number it went to).
        case verification(challenge: String, mobile: String)
    }

    /// Whether the account must verify its number before a session.
    func needsPhoneVerification(_ a: Account) -> Bool {
        let p = settings().phoneVerification
        return p.enabled && !a.roles.isDisjoint(with: p.roles) && a.phoneVerified != true
    }

    /// Answers a challenge: the session when the code is right.
    func verifyPhone(challenge: String, code: String, now: Date = Date()) async throws -> (token: String, expires: Date, account: Account) {
        let p = settings().phoneVerification
        let outcome = try await store.environment.commit { [self] txn -> Result<(token: String, expires: Date, account: Account), PhoneVerification.Failure> in
            switch try phone.verify(txn, id: challenge, code: code, settings: p, now: now.timeIntervalSince1970) {
            case .failure(let f): return .failure(f)
            case .success(let id):
                guard var account = try store.account(txn, id) else { return .failure(.expired) }
                account.phoneVerified = true
                try store.accounts.put(txn, id, account)
                let s = try openSession(txn, for: id, now: now)
                return .success((s.token, s.expires, account))
            }
        }
        return try outcome.get()
    }

    private func decoy(_ hasher: PasswordHasher) throws -> String {
        if let d = decoyBox.value, d.memoryKiB == hasher.memoryKiB, d.iterations == hasher.iterations { return d.hash }
        let d = try hasher.hash("decoy-\(UInt64.random(in: 0...UInt64.max))")
        decoyBox.value = (hasher.memoryKiB, hasher.iterations, d)
        return d
    }

    static func hasher(_ s: AuthSettings) -> PasswordHasher {
        PasswordHasher(memoryKiB: UInt32(s.argon2MemoryKiB), iterations: UInt32(s.argon2Iterations))
    }

    /// argon2 takes a large fraction of a second: keep it off the request threads, and through
    /// the same gate as logins so password changes count against the same bound.
    /// - Parameter key: whose turn it is in the gate (the account changing its password).
    private func offload<T: Sendable>(_ key: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await hashing(client: "account:" + key, limits: settings().loginLimits, work)
    }

    // MARK: Sessions

    static func tokenKey(_ token: String) -> RawKey { RawKey(Array(SHA256.hash(data: Data(token.utf8)))) }

    /// A new session for `accountID`: a random 256-bit token, stored only as its hash.
    func openSession(_ txn: Transaction, for accountID: String, now: Date = Date()) throws -> (token: String, expires: Date) {
        let token = randomHex(bytes: 32)   // 256 bits
        let expires = now.addingTimeInterval(TimeInterval(settings().sessionHours * 3600))
        try store.sessions.put(txn, Self.tokenKey(token), Session(accountID: accountID, created: now, expires: expires))
        // Keys are random: a few sessions from a random bucket (the new key's first byte) are a
        // fair sample. Dropping the expired among them keeps the table small at no real cost.
        var expired: [RawKey] = []
        var visited = 0
        let bucket = RawKey(Array(Self.tokenKey(token).bytes.prefix(1)))
        try store.sessions.primary.scan(txn, prefix: KeyPrefix(bucket)) { key, session in
            visited += 1
            if session.expires <= now { expired.append(key) }
            return visited < 32
        }
        for key in expired { try store.sessions.delete(txn, key) }
        return (token, expires)
    }

    /// The account behind a live token: from memory while the sessions, accounts and students
    /// tables are unchanged since it was read and the session has not expired; else read again.
    func account(forToken token: String, now: Date = Date()) throws -> Account? {
        let tables = store.sessionTables
        if let hit = sessions.account(token, now: now, tables: tables) { return hit }
        let found = try store.environment.read { txn -> (Account, Date)? in
            guard let session = try store.sessions.primary.get(txn, Self.tokenKey(token), cache: store.decoded.sessions), session.expires > now,
                  let account = try store.account(txn, session.accountID) else { return nil }
            return (account, session.expires)
        }
        guard let (account, expires) = found else { return nil }
        sessions.keep(token, account: account, expires: expires, tables: tables)
        return account
    }

    /// Revokes one token.
    func logout(token: String) async throws {
        try await store.environment.commit { [store] txn in _ = try store.sessions.delete(txn, Self.tokenKey(token)) }
    }

    /// Revokes every session of an account (after a password change or reset).
    func revokeSessions(_ txn: Transaction, of accountID: String, except token: String? = nil) throws {
        let keep = token.map(Self.tokenKey)
        for key in try store.sessionsByAccount.keys(txn, matching: accountID) where key != keep {
            try store.sessions.delete(txn, key)
        }
    }

    // MARK: Login

    /// Checks a name and password. Every failure answers alike and costs one argon2 check, so
    /// neither the answer nor its timing tells whether an account exists or was ever used; only
    /// a locked account is told so (student numbers are not secret), with when it unlocks.
    /// - Parameter client: the client's address, for the per-address limit.
    func login(username: String, password: String, client: String = "local", now: Date = Date()) async throws -> LoginOutcome {
        let s = settings()
        do {
            try admit(username: username, client: client, limits: s.loginLimits)
        } catch {
            // Refusals are answered after a pause: a flood that retries at once then runs at a
            // walking pace instead of keeping the cores busy with refusals.
            try? await Task.sleep(for: .milliseconds(s.loginLimits.refusalDelayMilliseconds))
            throw error
        }
        let hasher = Self.hasher(s)
        let found = try store.environment.read { txn -> (Account, StudentEntry?)? in
            guard let a = try store.account(txn, username) else { return nil }
            return (a, try store.students.get(txn, username))
        }
        // The lock is told before any hashing: the answer says it anyway, and a flood on a locked
        // account then costs nothing.
        if let until = found?.0.lockedUntil, until > now { throw AuthFailure.locked(until: until, now: now) }
        let ok = try await hashing(client: client, limits: s.loginLimits) {
            try self.verdict(password, account: found?.0, student: found?.1, hasher: hasher)
        }
        guard let (account, _) = found else { throw AuthFailure.invalidCredentials }
        let firstHash = ok && account.passwordHash == nil
            ? try await hashing(client: client, limits: s.loginLimits) { try hasher.hash(password) } : nil
        // The count, the lock and the verdict are decided in one write transaction: concurrent
        // attempts are serialised there, so the lock falls after exactly maxFailedLogins failures
        // and a right password arriving after it is refused, whenever its hash finished.
        let outcome = try await store.environment.commit { [self] txn -> Result<LoginOutcome, Error> in
            var current = try store.account(txn, username) ?? account
            if let until = current.lockedUntil, until > now { return .failure(AuthFailure.locked(until: until, now: now)) }
            guard ok else {
                try recordFailure(txn, &current, settings: s, now: now)
                return .failure(AuthFailure.invalidCredentials)
            }
            return try succeed(txn, &current, firstHash: firstHash, settings: s, now: now)
        }
        return try outcome.get()
    }

    /// Per-address, then per-account token buckets (in memory).
    private func admit(username: String, client: String, limits: LoginLimitSettings) throws {
        let now = Date().timeIntervalSince1970
        if let wait = clientLimiter.take(client, burst: limits.perClientBurst, perMinute: limits.perClientPerMinute, now: now) {
            throw AuthFailure.tooManyAttempts(retryAfter: wait)
        }
        if let wait = accountLimiter.take(username, burst: limits.perAccountBurst, perMinute: limits.perAccountPerMinute, now: now) {
            throw AuthFailure.tooManyAttempts(retryAfter: wait)
        }
    }

    /// argon2 work through the gate, off the request threads.
    private func hashing<T: Sendable>(client: String, limits: LoginLimitSettings, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await gate.run(client: client, limits: limits, work)
        } catch let busy as HashGate.Busy {
            throw AuthFailure.tooManyAttempts(retryAfter: busy.retryAfter)
        }
    }

    /// Whether `password` is right. Exactly one argon2 verification on every path: an unknown
    /// name and a student still on the initial password (a plain comparison) verify against a
    /// decoy hash too, so the time taken tells nothing.
    private func verdict(_ password: String, account: Account?, student: StudentEntry?, hasher: PasswordHasher) throws -> Bool {
        if let hash = account?.passwordHash { return hasher.verify(password, against: hash) }
        _ = hasher.verify(password, against: try decoy(hasher))
        guard account != nil, let student, let id = try? IDNumber(student.idNumber) else { return false }
        return constantTimeEquals(password, id.lastSix)
    }

    /// One more failure, and the lock when it is the last one allowed.
    private func recordFailure(_ txn: Transaction, _ account: inout Account, settings s: AuthSettings, now: Date) throws {
        account.failedLogins += 1
        if account.failedLogins >= s.maxFailedLogins {
            account.lockedUntil = now.addingTimeInterval(TimeInterval(s.lockMinutes * 60))
            account.failedLogins = 0
        }
        try store.accounts.put(txn, account.id, account)
    }

    /// A right password: the count cleared, then a session or an SMS challenge.
    private func succeed(_ txn: Transaction, _ current: inout Account, firstHash: String?, settings s: AuthSettings, now: Date) throws -> Result<LoginOutcome, Error> {
        current.failedLogins = 0
        current.lockedUntil = nil
        if let firstHash, current.passwordHash == nil { current.passwordHash = firstHash }
        try store.accounts.put(txn, current.id, current)
        if needsPhoneVerification(current) {
            do {
                let c = try phone.challenge(txn, account: current, settings: s.phoneVerification, outbox: outbox, now: now.timeIntervalSince1970)
                return .success(.verification(challenge: c.id, mobile: c.masked))
            } catch let f as PhoneVerification.Failure {
                return .failure(f)
            }
        }
        let session = try openSession(txn, for: current.id, now: now)
        return .success(.session(token: session.token, expires: session.expires, account: current))
    }

    /// Changes the caller's own password; other sessions are revoked.
    func changePassword(account: Account, token: String, old: String, new: String) async throws {
        let s = settings()
        let hasher = Self.hasher(s)
        let student = try store.environment.read { try store.students.get($0, account.id) }
        let initial = student.flatMap { try? IDNumber($0.idNumber) }?.lastSix
        let oldOK: Bool
        if let hash = account.passwordHash {
            oldOK = try await offload(account.id) { hasher.verify(old, against: hash) }
        } else {
            oldOK = initial.map { constantTimeEquals(old, $0) } ?? false
        }
        guard oldOK else { throw AuthFailure.wrongOldPassword }
        guard new.count >= s.minPasswordLength, new != initial else { throw AuthFailure.weakPassword(s.minPasswordLength) }
        let hash = try await offload(account.id) { try hasher.hash(new) }
        try await store.environment.commit { [self] txn in
            var current = try store.account(txn, account.id) ?? account
            current.passwordHash = hash
            current.mustChangePassword = false
            try store.accounts.put(txn, current.id, current)
            try revokeSessions(txn, of: current.id, except: token)
        }
    }

    // MARK: Staff actions

    /// Reset to the initial password (students), or to `temporary` (other accounts).
    func resetPassword(_ id: String, temporary: String? = nil) async throws {
        let s = settings()
        let hash: String? = if let temporary { try await offload(id) { try Self.hasher(s).hash(temporary) } } else { nil }
        try await store.environment.commit { [self] txn in
            guard var account = try store.account(txn, id) else { throw AuthFailure.notFound }
            let isStudent = try store.students.primary.contains(txn, id)
            guard isStudent || hash != nil else { throw AuthFailure.conflict("该账号没有初始密码，请指定临时密码") }
            account.passwordHash = isStudent ? nil : hash
            account.mustChangePassword = s.forcePasswordChangeAfterReset
            try store.accounts.put(txn, id, account)
            try revokeSessions(txn, of: id)
        }
    }

    /// Clears the WeChat binding.
    func unbindWeChat(_ id: String) throws {
        try update(id) { $0.wechatOpenID = nil }
    }

    /// Lifts a lock and forgets the failed attempts.
    func unlock(_ id: String) throws {
        try update(id) {
            $0.lockedUntil = nil
            $0.failedLogins = 0
        }
    }

    private func update(_ id: String, _ change: (inout Account) -> Void) throws {
        try store.environment.write { txn in try update(txn, id, change) }
    }

    /// Changes an account inside the caller's transaction (batch operations).
    func update(_ txn: Transaction, _ id: String, _ change: (inout Account) -> Void) throws {
        guard var account = try store.account(txn, id) else { throw AuthFailure.notFound }
        let wasBound = account.wechatOpenID != nil
        change(&account)
        try store.accounts.put(txn, id, account)
        if wasBound != (account.wechatOpenID != nil) { try store.setWeChatBound(txn, id, account.wechatOpenID != nil) }
    }

    /// A student back on the initial password, inside the caller's transaction.
    func resetStudentPassword(_ txn: Transaction, _ id: String) throws {
        guard try store.students.primary.contains(txn, id) else { throw AuthFailure.notFound }
        let force = settings().forcePasswordChangeAfterReset
        try update(txn, id) {
            $0.passwordHash = nil
            $0.mustChangePassword = force
        }
        try revokeSessions(txn, of: id)
    }

    // MARK: WeChat

    /// Binds `openID` to the account; an openid bound elsewhere is refused.
    func bindWeChat(_ id: String, openID: String) async throws {
        try await store.environment.commit { [store] txn in
            let holders = try store.byOpenID.keys(txn, matching: openID)
            if let other = holders.first, other != id { throw AuthFailure.conflict("该微信已绑定其他账号") }
            guard var account = try store.account(txn, id) else { throw AuthFailure.notFound }
            account.wechatOpenID = openID
            try store.accounts.put(txn, id, account)
            try store.setWeChatBound(txn, id, true)
        }
    }

    /// A session for the account bound to `openID`; nothing for an unbound one.
    func loginWithWeChat(openID: String, now: Date = Date()) async throws -> (token: String, expires: Date, account: Account) {
        try await store.environment.commit { [self] txn in
            guard let id = try store.byOpenID.keys(txn, matching: openID).first, let account = try store.accounts.get(txn, id) else {
                throw AuthFailure.invalidCredentials
            }
            if let until = account.lockedUntil, until > now { throw AuthFailure.invalidCredentials }
            let session = try openSession(txn, for: id, now: now)
            return (session.token, session.expires, account)
        }
    }
}
