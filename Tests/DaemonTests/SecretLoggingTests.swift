import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// Passwords and SMS codes pass through jiuye; none of them may reach a log line at any level.
@Suite("Secrets stay out of the logs")
struct SecretLoggingTests {
    @Test("passwords (HTTP and admin socket) and SMS codes appear in no log line at any level, even through the log channel")
    func noSecretsLogged() async throws {
        let sms = try await WebhookReceiver.start()
        let logs = LogCapture()
        let config = PhoneVerificationTests.config(sms: sms, channels: ["{name: log, type: log}"], notifications: "backoffSeconds: 1, ")
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: config, seedDemo: true, logs: logs)
        var secrets = [Demo.password, "Admin-Secret-1", "Admin-Secret-2", "Temporary-Secret-3", "Wrong-Guess-4", "Changed-Secret-5", "Employer-Secret-6"]
        do {
            #expect(try await d.admin("user", "add", "clerk", "--name", "Clerk", "--role", "school", "--password", secrets[1]).ok)
            #expect(try await d.admin("user", "add", "clerk2", "--name", "Clerk", "--role", "school", "--password=\(secrets[2])").ok)
            #expect(try await d.admin("user", "reset-password", "clerk", "--password", secrets[3]).ok)
            #expect(try await d.admin("user", "set-mobile", "counselor-se", "13800138000").ok)

            let wrong = try await d.request(.post, "/api/v1/auth/login", body: ["username": "counselor-se", "password": .string(secrets[4])])
            #expect(wrong.status == 401)
            let first = try await d.request(.post, "/api/v1/auth/login", body: ["username": "counselor-se", "password": .string(Demo.password)])
            let challenge = try #require(try first.json["challenge"]?.stringValue)
            let sent = try await sms.wait(for: 1)
            let message = try #require(sent.first)
            let code = try #require(try JSONDecoder().decode(JSONValue.self, from: message.body)["data"]?["code"]?.stringValue)
            secrets.append(code)
            let session = try await d.request(.post, "/api/v1/auth/verify-phone", body: ["challenge": .string(challenge), "code": .string(code)])
            let token = try #require(try session.json["token"]?.stringValue)
            let change = try await d.request(.post, "/api/v1/auth/password", body: ["oldPassword": .string(Demo.password), "newPassword": .string(secrets[5])], token: token)
            #expect(change.status == 204)
            let registered = try await d.request(.post, "/api/v1/employers/register", body: [
                "creditCode": "91350100M000100Y43", "name": "某公司", "contact": "张三", "mobile": "13900139000", "password": .string(secrets[6])])
            #expect(registered.status == 202)
            // The log channel has delivered the SMS message too.
            for _ in 0..<250 where !logs.lines.contains(where: { $0.contains("notification") && $0.contains("to=counselor-se") }) {
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
        let lines = logs.lines
        let delivered = lines.filter { $0.contains("notification") && $0.contains("to=counselor-se") }
        #expect(!delivered.isEmpty, "the log channel never delivered: \(lines.suffix(10))")
        #expect(delivered.allSatisfy { $0.contains("******") })
        for secret in secrets {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "\(secret) logged: \(leaks)")
        }
    }
}
