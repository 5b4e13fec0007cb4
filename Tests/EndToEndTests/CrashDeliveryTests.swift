import Foundation
import JiuyeTesting
import PluginAPI
import Testing

@Suite("Notifications survive a crash")
struct CrashDeliveryTests {
    @Test("notifications committed before a kill -9 are delivered after the restart")
    func killBetweenCommitAndDelivery() async throws {
        // The gateway is down while the notices are committed: nothing can be delivered yet.
        let probe = try await WebhookReceiver.start()
        let hookPort = probe.port
        await probe.stop()
        let config = """
            plugins: {source-info: {}}
            notifications:
              backoffSeconds: 0.5
              channels: [{name: sms, type: webhook, url: "http://127.0.0.1:\(hookPort)/hook", secret: s}]
            """
        let first = try ServedDaemon(config: config, demo: true)
        first.removesDirectory = false
        let login = try first.post("/api/v1/auth/login", json: #"{"username":"school","password":"Demo@2026"}"#)
        let token = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(login.body.utf8))["token"]?.stringValue)
        let list = try JSONDecoder().decode(JSONValue.self, from: Data(try first.get("/api/v1/records/source-info?size=20", token: token).body.utf8))
        // The demo import made a 生源 record per student: notify three of them.
        let ids = Array((list["records"]?.arrayValue?.compactMap { $0["id"] } ?? []).prefix(3))
        #expect(ids.count == 3)
        let notify = try first.post("/api/v1/records/source-info/batch", json: try JSONValue.object(["action": "notify", "ids": .array(ids), "message": "请尽快核对"]).jsonString(), token: token)
        #expect(notify.status == 200)
        let queued = try first.ctl("--json", "outbox", "list")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(queued.stdout.utf8)).arrayValue?.count == 3)

        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        #expect(first.process.terminationReason == .uncaughtSignal)

        // The gateway comes back; so does the daemon, on the same data.
        let inbox = try await WebhookReceiver.start(port: hookPort)
        let second = try ServedDaemon(config: config, directory: first.directory)
        let calls = try await inbox.wait(for: 3, timeout: 15)
        #expect(calls.count == 3)
        #expect(Set(calls.compactMap { (try? JSONDecoder().decode(JSONValue.self, from: $0.body))?["to"] }) == Set(ids))
        try await Task.sleep(for: .milliseconds(500))
        #expect(inbox.received.count == 3, "each once")
        #expect(try second.ctl("outbox", "list").stdout.split(separator: "\n").count == 1, "only the header row: nothing left queued")
        await inbox.stop()
    }
}
