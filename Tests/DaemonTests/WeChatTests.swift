import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

@Suite("The WeChat gateway")
struct WeChatTests {
    static let secret = "gateway-shared-secret"

    /// A call as the gateway makes it.
    func gatewayCall(_ d: TestDaemon, _ path: String, openid: String, token: String? = nil,
                     timestamp: Int = Int(Date().timeIntervalSince1970), nonce: String = UUID().uuidString,
                     secret: String = secret) async throws -> TestResponse {
        let body = try JSONValue.object(["openid": .string(openid)]).jsonData()
        let signature = GatewaySignature.sign(secret: secret, timestamp: "\(timestamp)", nonce: nonce, method: "POST", path: path, body: body)
        return try await d.request(.post, path, rawBody: body, token: token, headers: [
            "X-Jiuye-Timestamp": "\(timestamp)", "X-Jiuye-Nonce": nonce, "X-Jiuye-Signature": signature,
        ])
    }

    @Test("bind, log in by openid, refuse bad signatures, stale and replayed calls; unbinding ends it")
    func gateway() async throws {
        let d = try await Demo.start("wechat: {secret: \(Self.secret)}")
        let student = try await d.login(Demo.student, Demo.studentPassword)

        #expect(try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc").status == 401, "an unbound openid gets nothing")
        #expect(try await gatewayCall(d, "/api/v1/wechat/bind", openid: "o-abc", token: student).status == 204)

        let login = try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc")
        #expect(login.status == 200)
        #expect(try login.json["account"]?["id"] == .string(Demo.student))
        #expect(try login.json["account"]?["wechatBound"] == true)

        let forged = try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc", secret: "not-the-secret")
        #expect(forged.status == 401 && forged.errorCode == "gateway_signature_invalid")
        let stale = try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc", timestamp: Int(Date().timeIntervalSince1970) - 3600)
        #expect(stale.status == 401 && stale.errorCode == "gateway_signature_stale")
        let nonce = UUID().uuidString
        #expect(try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc", nonce: nonce).status == 200)
        let replay = try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc", nonce: nonce)
        #expect(replay.status == 401 && replay.errorCode == "gateway_signature_replayed")
        let unsigned = try await d.request(.post, "/api/v1/wechat/login", body: ["openid": "o-abc"])
        #expect(unsigned.status == 401 && unsigned.errorCode == "gateway_signature_missing")

        // Another account cannot take a bound openid.
        let classmate = try await d.login(Demo.classmate, Demo.initialPassword(Demo.classmate))
        #expect(try await gatewayCall(d, "/api/v1/wechat/bind", openid: "o-abc", token: classmate).status == 409)

        let counselor = try await d.login("counselor-se", Demo.password)
        #expect(try await d.request(.post, "/api/v1/students/\(Demo.student)/unbind-wechat", token: counselor).status == 204)
        #expect(try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc").status == 401)
        try await d.stop()
    }

    @Test("without a configured secret the gateway routes do not exist")
    func notConfigured() async throws {
        let d = try await Demo.start()
        #expect(try await gatewayCall(d, "/api/v1/wechat/login", openid: "o-abc").status == 404)
        try await d.stop()
    }
}
