import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

@Suite("Login, passwords and sessions")
struct LoginTests {
    func login(_ d: TestDaemon, _ user: String, _ password: String) async throws -> TestResponse {
        try await d.request(.post, "/api/v1/auth/login", body: ["username": .string(user), "password": .string(password)])
    }

    @Test("the answer never tells whether an account exists")
    func sameAnswer() async throws {
        let d = try await Demo.start()
        let unknown = try await login(d, "nobody-here", "whatever")
        let wrong = try await login(d, "school", "whatever")
        #expect(unknown.status == 401 && wrong.status == 401)
        #expect(unknown.body == wrong.body)
        try await d.stop()
    }

    @Test("five wrong passwords lock the account; staff unlock it")
    func lockout() async throws {
        let d = try await Demo.start()
        for _ in 0..<5 { #expect(try await login(d, Demo.student, "000000").status == 401) }
        let locked = try await login(d, Demo.student, Demo.studentPassword)
        #expect(locked.status == 401 && locked.errorCode == "account_locked")
        let counselor = try await d.login("counselor-se", Demo.password)
        #expect(try await d.request(.post, "/api/v1/students/\(Demo.student)/unlock", token: counselor).status == 204)
        #expect(try await login(d, Demo.student, Demo.studentPassword).status == 200)
        try await d.stop()
    }

    @Test("a lock lifts by itself after the configured minutes")
    func lockExpires() async throws {
        let d = try await Demo.start("auth: {maxFailedLogins: 2, lockMinutes: 1, argon2MemoryKiB: 64, argon2Iterations: 1}")
        let accounts = d.daemon.accounts
        let past = Date().addingTimeInterval(-120)
        for _ in 0..<2 { await #expect(throws: AuthFailure.invalidCredentials) { _ = try await accounts.login(username: Demo.student, password: "x", now: past) } }
        await #expect(throws: AuthFailure.locked(until: past.addingTimeInterval(60), now: past)) { _ = try await accounts.login(username: Demo.student, password: Demo.studentPassword, now: past) }
        #expect(try await login(d, Demo.student, Demo.studentPassword).status == 200)
        try await d.stop()
    }

    @Test("a reset gives back the initial password and forces a change before anything else")
    func resetAndForcedChange() async throws {
        let d = try await Demo.start()
        let t = try await d.login(Demo.student, Demo.studentPassword)
        let change = try await d.request(.post, "/api/v1/auth/password", body: ["oldPassword": .string(Demo.studentPassword), "newPassword": "new-secret-9"], token: t)
        #expect(change.status == 204)
        #expect(try await login(d, Demo.student, Demo.studentPassword).status == 401)
        #expect(try await login(d, Demo.student, "new-secret-9").status == 200)

        let school = try await d.login("school", Demo.password)
        #expect(try await d.request(.post, "/api/v1/students/\(Demo.student)/reset-password", token: school).status == 204)
        #expect(try await d.request(.get, "/api/v1/auth/me", token: t).status == 401, "a reset revokes the sessions")
        let again = try await login(d, Demo.student, Demo.studentPassword)
        #expect(again.status == 200)
        #expect(try again.json["account"]?["mustChangePassword"] == true)
        let token = try #require(try again.json["token"]?.stringValue)
        let blocked = try await d.request(.get, "/api/v1/students/\(Demo.student)", token: token)
        #expect(blocked.status == 403 && blocked.errorCode == "password_change_required")
        let weak = try await d.request(.post, "/api/v1/auth/password", body: ["oldPassword": .string(Demo.studentPassword), "newPassword": "short"], token: token)
        #expect(weak.status == 400 && weak.errorCode == "weak_password")
        #expect(try await d.request(.post, "/api/v1/auth/password", body: ["oldPassword": .string(Demo.studentPassword), "newPassword": "another-secret-1"], token: token).status == 204)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.student)", token: token).status == 200)
        try await d.stop()
    }

    @Test("logout revokes the token; tokens expire")
    func logoutAndExpiry() async throws {
        let d = try await Demo.start()
        let t = try await d.login("school", Demo.password)
        #expect(try await d.request(.get, "/api/v1/auth/me", token: t).json["id"] == "school")
        #expect(try d.daemon.accounts.account(forToken: t, now: Date().addingTimeInterval(13 * 3600)) == nil)
        #expect(try d.daemon.accounts.account(forToken: t, now: Date().addingTimeInterval(11 * 3600))?.id == "school")
        #expect(try await d.request(.post, "/api/v1/auth/logout", token: t).status == 204)
        #expect(try await d.request(.get, "/api/v1/auth/me", token: t).status == 401)
        try await d.stop()
    }

    @Test("a token resolved once is remembered only while its session, account and student entry are unchanged")
    func rememberedTokens() async throws {
        let d = try await Demo.start()
        let accounts = d.daemon.accounts, directory = d.daemon.directory
        let t = try await d.login("school", Demo.password)
        #expect(try accounts.account(forToken: t)?.displayName != "改名后")
        // A change to the account shows on the next request, not after some expiry.
        try directory.environment.write { txn in
            var a = try #require(try directory.accounts.get(txn, "school"))
            a.displayName = "改名后"
            try directory.accounts.put(txn, "school", a)
        }
        #expect(try accounts.account(forToken: t)?.displayName == "改名后")
        // A write that fails leaves the remembered account as it was, and still valid.
        #expect(throws: CacheProbeFailure.self) {
            try directory.environment.write { txn in
                var a = try #require(try directory.accounts.get(txn, "school"))
                a.displayName = "未提交"
                try directory.accounts.put(txn, "school", a)
                throw CacheProbeFailure()
            }
        }
        #expect(try accounts.account(forToken: t)?.displayName == "改名后")
        // A student's implicit account follows the directory.
        let s = try await d.login(Demo.student, Demo.studentPassword)
        _ = try accounts.account(forToken: s)
        #expect(try await d.admin("user", "reset-password", "school", "--password", "temporary-1").ok)
        #expect(try accounts.account(forToken: t) == nil, "a reset revokes the sessions at once")
        #expect(try await d.request(.get, "/api/v1/auth/me", token: t).status == 401)
        #expect(try accounts.account(forToken: s)?.id == Demo.student, "another account's session stays")
        try await d.stop()
    }

    @Test("passwords are stored as salted argon2id, and a student's only once used")
    func storage() async throws {
        let d = try await Demo.start()
        let directory = d.daemon.directory
        #expect(try directory.environment.read { try directory.accounts.get($0, Demo.student) } == nil)
        _ = try await d.login(Demo.student, Demo.studentPassword)
        let hash = try #require(try directory.environment.read { try directory.accounts.get($0, Demo.student) }?.passwordHash)
        #expect(hash.hasPrefix("$argon2id$"))
        let school = try #require(try directory.environment.read { try directory.accounts.get($0, "school") }?.passwordHash)
        let other = try AccountService.hasher(AuthSettings()).hash(Demo.password)
        #expect(school != other, "salted")
        try await d.stop()
    }

    @Test("staff actions from jiuyectl: reset-password, unbind-wechat, unlock")
    func adminVerbs() async throws {
        let d = try await Demo.start()
        for _ in 0..<5 { _ = try await login(d, Demo.student, "000000") }
        #expect(try await d.admin("user", "unlock", Demo.student).ok)
        #expect(try await login(d, Demo.student, Demo.studentPassword).status == 200)
        #expect(try await d.admin("user", "reset-password", Demo.student).ok)
        #expect(try await d.admin("user", "unbind-wechat", Demo.student).ok)
        let missing = try await d.admin("user", "unlock", "nosuch")
        #expect(!missing.ok && missing.error?.message == "no such account")
        let staffReset = try await d.admin("user", "reset-password", "school")
        #expect(!staffReset.ok)
        #expect(try await d.admin("user", "reset-password", "school", "--password", "temporary-1").ok)
        #expect(try await login(d, "school", "temporary-1").json["account"]?["mustChangePassword"] == true)
        try await d.stop()
    }
}

private struct CacheProbeFailure: Error {}
