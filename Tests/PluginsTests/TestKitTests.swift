import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JiuyeTesting
import PluginAPI
import Plugins
import Testing

/// The test kit plugin authors use.
@Suite("The test kit")
struct TestKitTests {
    struct Failed: Error {}

    @Test("TestDaemon.with stops the daemon when the body returns and when it throws")
    func closureScoped() async throws {
        let config = "plugins: {source-info: {}}"
        let (port, directory) = try await TestDaemon.with(builtins: BuiltinPlugins.all, config: config) { d throws -> (Int, String) in
            #expect(try await d.request(.get, "/api/v1/health").status == 200)
            return (d.port, d.directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "its directory is removed")
        #expect(await Self.refused(port), "nothing listens any more")

        var seen: (Int, String)?
        await #expect(throws: Failed.self) {
            try await TestDaemon.with(builtins: BuiltinPlugins.all, config: config) { d throws -> Void in
                seen = (d.port, d.directory)
                throw Failed()
            }
        }
        let (thrownPort, thrownDirectory) = try #require(seen)
        #expect(!FileManager.default.fileExists(atPath: thrownDirectory))
        #expect(await Self.refused(thrownPort))
    }

    @Test("the doc comment's example: in process, the built-in plugins by default")
    func docExample() async throws {
        try await TestDaemon.with(.inProcess, config: "plugins: {source-info: {}}") { daemon in
            let response = try await daemon.request(.get, "/api/v1/health")
            #expect(response.status == 200)
        }
    }

    @Test("in process nothing listens, and no socket is made; requests, logins and admin verbs still work",
          .disabled(if: ProcessInfo.processInfo.environment["JIUYE_TEST_MODE"] == "live", "JIUYE_TEST_MODE=live runs every daemon live"))
    func inProcess() async throws {
        try await TestDaemon.with(.inProcess, config: "plugins: {source-info: {}}", seedDemo: true) { d in
            #expect(d.mode == .inProcess && d.port == 0)
            #expect(!FileManager.default.fileExists(atPath: d.socketPath))
            let token = try await d.login("school", "Demo@2026")
            let students = try await d.request(.get, "/api/v1/students", token: token)
            #expect(try students.json["students"]?.arrayValue?.first?["number"] == "202211001")
            #expect(try await d.admin("plugin", "list").ok)
            try await d.addAccount("counselor-2", roles: [.counselor], classes: ["软件2201"])
            #expect(try await d.login("counselor-2").isEmpty == false)
        }
    }

    static let probes: [(HTTPMethod, String, JSONValue?, Bool)] = [
        (.get, "/api/v1/health", nil, false),
        (.get, "/api/v1/no-such-route", nil, false),
        (.get, "/api/v1/students", nil, false),
        (.get, "/api/v1/students?size=7", nil, true),
        (.post, "/api/v1/records/source-info/search", ["query": "202211001\n202211002"], true),
        (.post, "/api/v1/auth/login", ["username": "school"], false),
        (.delete, "/api/v1/health", nil, false),
    ]

    /// The same requests in both modes: status, JSON body (error codes included) and content type.
    @Test("the two modes answer alike", arguments: probes)
    func modesAgree(method: HTTPMethod, path: String, body: JSONValue?, signedIn: Bool) async throws {
        var answers: [TestResponse] = []
        for mode in [TestDaemon.Mode.live, .inProcess] {
            try await TestDaemon.with(mode, config: "plugins: {source-info: {}}", seedDemo: true) { d in
                let token = signedIn ? try await d.login("school", "Demo@2026") : nil
                answers.append(try await d.request(method, path, body: body, token: token))
            }
        }
        let (live, inProcess) = (answers[0], answers[1])
        #expect(live.status == inProcess.status)
        #expect(live.headers["content-type"] == inProcess.headers["content-type"])
        // Byte for byte, but for the times: the two daemons seeded their records moments apart.
        let time = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/
        let (a, b) = (String(decoding: live.body, as: UTF8.self), String(decoding: inProcess.body, as: UTF8.self))
        #expect(a.replacing(time, with: "T") == b.replacing(time, with: "T"))
        #expect(!b.isEmpty)
    }

    /// Whether a connection to the port on loopback is refused.
    static func refused(_ port: Int) async -> Bool {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/health")!)
        request.timeoutInterval = 2
        do {
            _ = try await URLSession.shared.data(for: request)
            return false
        } catch {
            return true
        }
    }
}
