import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

@Suite("HTTP API")
struct HTTPTests {
    /// A valid credit code for an employer account.
    static let employerCode = "91350100M000100Y43"

    /// A daemon with a school officer (token `school`) and an employer (token `employer`).
    func withDaemon(_ config: String = "plugins: {probe: {}}", _ body: (TestDaemon, _ school: String, _ employer: String) async throws -> Void) async throws {
        let daemon = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: config)
        do {
            try await daemon.addAccount("school-1", roles: [.school])
            try await daemon.addAccount(Self.employerCode, roles: [.employer])
            try await body(daemon, try await daemon.login("school-1"), try await daemon.login(Self.employerCode))
        } catch {
            try await daemon.stop()
            throw error
        }
        try await daemon.stop()
    }

    @Test("health, plugins and the OpenAPI document answer")
    func coreRoutes() async throws {
        try await withDaemon { d, school, employer in
            let health = try await d.request(.get, "/api/v1/health")
            #expect(health.status == 200)
            #expect(try health.json["status"] == "ok")
            #expect(health.headers["x-request-id"]?.isEmpty == false)

            let plugins = try await d.request(.get, "/api/v1/plugins")
            let probe = try #require(try plugins.json["plugins"]?.arrayValue?.first)
            #expect(probe["id"] == "probe" && probe["version"] == "1.2.0")
            #expect(probe["kinds"]?.arrayValue?.first?["stages"] == ["counselor", "college", "school"])
            #expect(probe["kinds"]?.arrayValue?.first?["fields"]?.arrayValue?.first?["key"] == "gender")

            let doc = try await d.request(.get, "/api/v1/openapi.json").json
            #expect(doc["openapi"] == "3.0.3")
            let echo = try #require(doc["paths"]?["/api/v1/probe/echo"]?["post"])
            #expect(echo["x-roles"] == ["school"])
            #expect(echo["requestBody"]?["content"]?["application/json"]?["schema"]?["required"] == ["text"])
            #expect(doc["paths"]?["/api/v1/probe/events/{id}"]?["post"]?["parameters"]?.arrayValue?.first?["name"] == "id")
            #expect(doc["components"]?["schemas"]?["probe-record.values"] != nil)
        }
    }

    @Test("plugin routes check the caller's token and role before the handler runs")
    func roles() async throws {
        try await withDaemon { d, school, employer in
            #expect(try await d.request(.get, "/api/v1/probe/ping").json["pong"] == "probe")
            let anonymous = try await d.request(.post, "/api/v1/probe/echo", body: ["text": "hi"])
            #expect(anonymous.status == 401 && anonymous.errorCode == "unauthenticated")
            let badToken = try await d.request(.post, "/api/v1/probe/echo", body: ["text": "hi"], token: "nope")
            #expect(badToken.status == 401)
            let wrongRole = try await d.request(.post, "/api/v1/probe/echo", body: ["text": "hi"], token: employer)
            #expect(wrongRole.status == 403 && wrongRole.errorCode == "forbidden")
            let school = try await d.request(.post, "/api/v1/probe/echo", body: ["text": "你好"], token: school)
            #expect(school.status == 200)
            #expect(try school.json["text"] == "school-1: 你好")
        }
    }

    @Test("errors come back as JSON naming the code and the field")
    func errors() async throws {
        try await withDaemon { d, school, employer in
            let missing = try await d.request(.post, "/api/v1/probe/echo", body: ["txt": "hi"], token: school)
            #expect(missing.status == 400)
            #expect(try missing.json["error"]?["field"] == "text")
            let malformed = try await d.request(.post, "/api/v1/probe/echo", rawBody: Data("{nope".utf8), token: school)
            #expect(malformed.status == 400 && malformed.errorCode == "bad_request")
            let unknown = try await d.request(.get, "/api/v1/probe/nothing")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            let unknownPlugin = try await d.request(.get, "/api/v1/nosuch/ping")
            #expect(unknownPlugin.status == 404)
            let wrongMethod = try await d.request(.delete, "/api/v1/probe/ping")
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method_not_allowed")
        }
    }

    @Test("a body over the configured cap is refused with 413")
    func bodyCap() async throws {
        try await withDaemon("server: {maxBodyBytes: 2048}\nplugins: {probe: {}}") { d, school, _ in
            let big = try await d.request(.post, "/api/v1/probe/echo", body: ["text": .string(String(repeating: "大", count: 2000))], token: school)
            #expect(big.status == 413 && big.errorCode == "payload_too_large")
            let small = try await d.request(.post, "/api/v1/probe/echo", body: ["text": "小"], token: school)
            #expect(small.status == 200)
        }
    }

    @Test("an idle connection is closed after the configured timeout")
    func idleTimeout() async throws {
        try await withDaemon("server: {idleTimeoutSeconds: 1}\nplugins: {probe: {}}") { d, _, _ in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(d.port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(rc == 0)
            let start = Date()
            var buffer = [UInt8](repeating: 0, count: 16)
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let n = read(fd, &buffer, 16)   // the server closes: read returns 0
            #expect(n == 0)
            #expect(Date().timeIntervalSince(start) < 4)
        }
    }
}

@Suite("Metrics")
struct MetricsTests {
    @Test("GET /metrics: request counts by route and status, latency, outbox, LMDB and records gauges in Prometheus text")
    func prometheus() async throws {
        let d = try await Demo.start()
        #expect(try await d.request(.get, "/api/v1/health").status == 200)
        #expect(try await d.request(.get, "/api/v1/records/source-info").status == 401)
        let r = try await d.request(.get, "/metrics")
        try await d.stop()
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(r.status == 200 && r.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(text.contains(#"jiuye_http_requests_total{method="GET",route="/api/v1/health",status="200"}"#))
        #expect(text.contains(#"jiuye_http_requests_total{method="GET",route="/api/v1/records/{kind}",status="401"}"#))
        #expect(text.contains("jiuye_http_request_duration_seconds_bucket"))
        #expect(text.contains(#"jiuye_records{kind="source-info"} 200.0"#))
        #expect(text.contains("jiuye_outbox_pending 0.0") && text.contains("jiuye_outbox_dead 0.0"))
        let used = text.split(separator: "\n").first { $0.hasPrefix("jiuye_lmdb_used_bytes ") }.flatMap { Double($0.split(separator: " ")[1]) }
        #expect((used ?? 0) > 0)
    }
}
