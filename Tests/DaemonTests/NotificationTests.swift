import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

@Suite("Notifications through the outbox")
struct NotificationTests {
    static func config(url: String, maxAttempts: Int = 8, backoff: Double = 2) -> String {
        """
        plugins: {source-info: {}}
        notifications:
          maxAttempts: \(maxAttempts)
          backoffSeconds: \(backoff)
          channels:
            - {name: wechat, type: webhook, url: "\(url)", secret: hook-secret, events: ["notice", "record.*"]}
            - {name: log, type: log}
          templates:
            notice: "【示例大学】{message}"
        """
    }

    @Test("each notification reaches the webhook once, signed, with its template; then leaves the outbox")
    func delivered() async throws {
        let inbox = try await WebhookReceiver.start()
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config(url: inbox.url), seedDemo: true)
        let school = try await d.login("school", Demo.password)
        let ids = Array((try await d.request(.get, "/api/v1/records/source-info?size=20", token: school).json["records"]?.arrayValue?.compactMap { $0["id"] } ?? []).prefix(5))
        #expect(ids.count == 5)
        #expect(try await d.request(.post, "/api/v1/records/source-info/batch", body: ["action": "notify", "ids": .array(ids), "message": "请核对生源信息"], token: school).status == 200)
        let calls = try await inbox.wait(for: 5, timeout: 30)   // a loaded CI machine delivers slowly
        try await Task.sleep(for: .milliseconds(600))   // nothing more may come
        #expect(inbox.received.count == 5)
        for call in calls {
            #expect(call.headers["x-jiuye-signature"] == Webhook.signature(secret: "hook-secret", body: call.body))
            let json = try JSONDecoder().decode(JSONValue.self, from: call.body)
            #expect(json["text"] == "【示例大学】请核对生源信息" && json["event"] == "notice")
        }
        #expect(Set(calls.compactMap { (try? JSONDecoder().decode(JSONValue.self, from: $0.body))?["to"] }) == Set(ids))
        #expect(try await d.admin("outbox", "list").reply?.result == [])
        try await d.stop()
        await inbox.stop()
    }

    @Test("with the receiver down, messages retry, then dead-letter; outbox retry sends them once it is back")
    func deadLetterAndRetry() async throws {
        // A port nobody listens on: take one, then free it.
        let probe = try await WebhookReceiver.start()
        let port = probe.port
        await probe.stop()
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all,
                                           config: Self.config(url: "http://127.0.0.1:\(port)/hook", maxAttempts: 3, backoff: 0.05), seedDemo: true)
        let school = try await d.login("school", Demo.password)
        let ids = Array((try await d.request(.get, "/api/v1/records/source-info?size=20", token: school).json["records"]?.arrayValue?.compactMap { $0["id"] } ?? []).prefix(2))
        _ = try await d.request(.post, "/api/v1/records/source-info/batch", body: ["action": "notify", "ids": .array(ids), "message": "x"], token: school)

        var dead: [JSONValue] = []
        for _ in 0..<100 {
            dead = try await d.admin("outbox", "list", "--dead").reply?.result.arrayValue ?? []
            if dead.count == 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(dead.count == 2)
        #expect(dead.first?["attempts"]?["wechat"] == 3)
        #expect(dead.first?["done"] == ["log"], "the log channel had it at once; only the webhook is owed")

        let inbox = try await WebhookReceiver.start(port: port)
        #expect(try await d.admin("outbox", "retry").reply?.result["retried"] == 2)
        #expect(try await inbox.wait(for: 2).count == 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(inbox.received.count == 2)
        #expect(try await d.admin("outbox", "list", "--dead").reply?.result == [])
        try await d.stop()
        await inbox.stop()
    }

    @Test("templates fill in the message's data")
    func rendering() {
        let m: JSONObject = ["event": "record.reject", "data": ["reason": "incomplete", "note": "缺少家庭住址"]]
        let text = OutboxDelivery.render(m, templates: NotificationSettings().templates, kindLabel: "生源信息")
        #expect(text == "您的生源信息未通过审核（incomplete）：缺少家庭住址。请修改后重新提交。")
    }
}
