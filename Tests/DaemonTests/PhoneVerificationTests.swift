import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

@Suite("Phone verification at first login")
struct PhoneVerificationTests {
    /// Staff confirm a code sent to their phone at first login. Codes go to `sms`; `channels` are
    /// listed before it, and `notifications` holds further keys of that section in flow style,
    /// each followed by `, `. Hashing is cheap: these tests are about the codes.
    static func config(sms: WebhookReceiver, channels: [String] = [], notifications: String = "") -> String {
        let all = channels + ["{name: sms, type: webhook, url: \"\(sms.url)\", secret: s, events: [\"sms.*\"]}"]
        return """
            plugins: {source-info: {}}
            auth:
              argon2MemoryKiB: 64
              argon2Iterations: 1
              phoneVerification: {enabled: true, maxTries: 5, perHour: 3}
            notifications: {\(notifications)channels: [\(all.joined(separator: ", "))]}
            """
    }

    func start(_ sms: WebhookReceiver) async throws -> TestDaemon {
        try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config(sms: sms), seedDemo: true)
    }

    func login(_ d: TestDaemon) async throws -> TestResponse {
        try await d.request(.post, "/api/v1/auth/login", body: ["username": "counselor-se", "password": .string(Demo.password)])
    }

    func code(_ call: WebhookReceiver.Call) throws -> String {
        try #require(try JSONDecoder().decode(JSONValue.self, from: call.body)["data"]?["code"]?.stringValue)
    }

    @Test("no session without the code; the code arrives by SMS; five wrong codes lock the attempt; the right code opens a session")
    func flow() async throws {
        let sms = try await WebhookReceiver.start()
        let d = try await start(sms)
        let noMobile = try await login(d)
        #expect(noMobile.status == 403 && noMobile.errorCode == "phone_required")
        #expect(try await d.admin("user", "set-mobile", "counselor-se", "13800138000").ok)

        let first = try await login(d)
        #expect(first.status == 200)
        #expect(try first.json["token"] == nil)
        #expect(try first.json["verificationRequired"] == true && first.json["mobile"] == "138****8000")
        let challenge = try #require(try first.json["challenge"]?.stringValue)
        let sent = try await sms.wait(for: 1)
        let right = try code(sent[0])
        #expect(try JSONDecoder().decode(JSONValue.self, from: sent[0].body)["data"]?["mobile"] == "13800138000")
        #expect(try JSONDecoder().decode(JSONValue.self, from: sent[0].body)["text"]?.stringValue?.contains(right) == true)

        let wrong = right == "000000" ? "111111" : "000000"
        for i in 1...5 {
            let r = try await d.request(.post, "/api/v1/auth/verify-phone", body: ["challenge": .string(challenge), "code": .string(wrong)])
            #expect(r.status == 401)
            #expect(r.errorCode == (i < 5 ? "invalid_code" : "challenge_locked"))
        }
        let afterLock = try await d.request(.post, "/api/v1/auth/verify-phone", body: ["challenge": .string(challenge), "code": .string(right)])
        #expect(afterLock.status == 401 && afterLock.errorCode == "challenge_locked")

        let second = try await login(d)
        let challenge2 = try #require(try second.json["challenge"]?.stringValue)
        let code2 = try code(try await sms.wait(for: 2)[1])
        let ok = try await d.request(.post, "/api/v1/auth/verify-phone", body: ["challenge": .string(challenge2), "code": .string(code2)])
        #expect(ok.status == 200)
        let token = try #require(try ok.json["token"]?.stringValue)
        #expect(try await d.request(.get, "/api/v1/auth/me", token: token).json["phoneVerified"] == true)
        // Verified once: later logins get a session directly. Students are not asked (not in roles).
        #expect(try await login(d).json["token"] != nil)
        #expect(try await d.request(.post, "/api/v1/auth/login", body: ["username": .string(Demo.student), "password": .string(Demo.studentPassword)]).json["token"] != nil)
        try await d.stop()
        await sms.stop()
    }

    @Test("codes are rate-limited per number and per account")
    func rateLimit() async throws {
        let sms = try await WebhookReceiver.start()
        let d = try await start(sms)
        #expect(try await d.admin("user", "set-mobile", "counselor-se", "13800138000").ok)
        for _ in 0..<3 { #expect(try await login(d).json["challenge"] != nil) }
        let fourth = try await login(d)
        #expect(fourth.status == 429 && fourth.errorCode == "too_many_codes")
        try await d.stop()
        await sms.stop()
    }

    @Test("an expired code is refused")
    func expiry() async throws {
        let sms = try await WebhookReceiver.start()
        let d = try await start(sms)
        #expect(try await d.admin("user", "set-mobile", "counselor-se", "13800138000").ok)
        let challenge = try #require(try await login(d).json["challenge"]?.stringValue)
        let c = try code(try await sms.wait(for: 1)[0])
        await #expect(throws: PhoneVerification.Failure.expired) {
            _ = try await d.daemon.accounts.verifyPhone(challenge: challenge, code: c, now: Date().addingTimeInterval(301))
        }
        try await d.stop()
        await sms.stop()
    }
}

extension PhoneVerificationTests {
    @Test("the console's sign-in: the code step ends in the session cookie, never a token in the page")
    func consoleCookie() async throws {
        let sms = try await WebhookReceiver.start()
        let d = try await start(sms)
        #expect(try await d.admin("user", "set-mobile", "counselor-se", "13800138000").ok)
        let first = try await d.request(.post, "/api/v1/auth/login", body: ["username": "counselor-se", "password": .string(Demo.password), "cookie": true])
        let challenge = try #require(try first.json["challenge"]?.stringValue)
        #expect(first.headers["set-cookie"] == nil, "no session before the code")
        let code = try code(try await sms.wait(for: 1)[0])
        let ok = try await d.request(.post, "/api/v1/auth/verify-phone", body: ["challenge": .string(challenge), "code": .string(code), "cookie": true])
        let session = try #require(ok.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let me = try await d.request(.get, "/api/v1/auth/me", headers: ["Cookie": session])
        try await d.stop()
        await sms.stop()
        let body = try ok.json
        #expect(ok.status == 200 && body["token"] == nil && body["csrfToken"]?.stringValue != nil)
        #expect(session.hasPrefix("jiuye_session=") && me.status == 200)
    }
}
