import Foundation
import JiuyeTesting
import Plugins
import PluginAPI
import Testing
@testable import Daemon

/// The OpenAPI document is the whole API: whatever the router serves is documented, and nothing
/// is documented that is not served, so the fuzzer (scripts/fuzz) reaches every route.
@Suite("OpenAPI coverage")
struct OpenAPICoverageTests {
    /// Served outside the JSON API on purpose: Prometheus' text format, kept off the public network.
    /// Outside the API: Prometheus, and the console's page and files (ConsoleAssetTests).
    static let undocumented: Set<String> = ["GET /metrics", "GET /", "GET /console"]

    @Test("every route the router serves is in /api/v1/openapi.json, and only those")
    func routesMatchDocument() async throws {
        let config = try String(contentsOfFile: Self.repositoryFile("plugins.yaml"), encoding: .utf8)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: config)
        do {
            let set = d.daemon.host.current
            var served = Set<String>()
            // The catch-all hands plugin paths to the dispatcher: those are counted from the plugin set below.
            for route in APIServer.servedRoutes(services: d.daemon.services) where !route.hasSuffix("/**") {
                served.insert(route)
            }
            // The router serves the core's table, no more and no less.
            let table = Set(CoreRoutes.all.map { "\($0.method.rawValue) \(OpenAPIDocument.Placement(core: $0).path)" })
            #expect(served.subtracting(Self.undocumented) == table)
            for entry in set.routes.entries {
                let segments = entry.segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
                served.insert("\(entry.spec.method.rawValue) /api/v1/\(entry.plugin.rawValue)/" + segments.joined(separator: "/"))
            }
            #expect(served.count > 40)

            let doc = try await d.request(.get, "/api/v1/openapi.json").json
            var documented = Set<String>()
            for (path, item) in try #require(doc["paths"]?.objectValue) {
                for (method, _) in try #require(item.objectValue) { documented.insert("\(method.uppercased()) \(path)") }
            }
            let missing = served.subtracting(documented).subtracting(Self.undocumented)
            let unserved = documented.subtracting(served)
            #expect(missing.isEmpty, "served but not documented: \(missing.sorted())")
            #expect(unserved.isEmpty, "documented but not served: \(unserved.sorted())")
            #expect(Self.undocumented.isSubset(of: served), "the exceptions are stale: \(Self.undocumented.subtracting(served).sorted())")
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
    }

    @Test("every core route is documented from its declaration: path, method, roles, security")
    func documentFollowsTable() async throws {
        let doc = OpenAPIDocument.build(try PluginSet.load(text: "plugins: {}", file: "plugins.yaml", catalog: PluginCatalog([])), version: "test")
        #expect(CoreRoutes.all.count > 40)
        for route in CoreRoutes.all {
            let place = OpenAPIDocument.Placement(core: route)
            let op = try #require(doc["paths"]?[place.path]?[route.method.rawValue.lowercased()], "\(route.method.rawValue) \(place.path) missing")
            let roles = op["x-roles"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Set(roles) == Set(route.roles.map(\.rawValue)), "\(place.path): documented roles differ from the gate's")
            #expect((op["security"] != nil) == !route.roles.isEmpty, "\(place.path): security without roles or roles without security")
            #expect(op["summary"]?.stringValue == route.summary.zh)
            #expect(op["responses"]?[String(route.status)] != nil)
        }
        let ids = CoreRoutes.all.map { OpenAPIDocument.Placement(core: $0).operationID }
        #expect(Set(ids).count == ids.count, "operation ids repeat")
    }

    @Test("the role gate the router enforces is the declared one: 401 without a token, 403 with a role not declared")
    func gateFollowsTable() async throws {
        let config = try String(contentsOfFile: Self.repositoryFile("plugins.yaml"), encoding: .utf8)
        try await TestDaemon.with(builtins: BuiltinPlugins.all, config: config) { d in
            // An employer: in every route open to all roles, in none of the staff's.
            try await d.addAccount("91350100M000100Y43", roles: [.employer])
            let employer = try await d.login("91350100M000100Y43")
            var gated = 0
            for route in CoreRoutes.all {
                // Any value fills a parameter: the gate answers before the handler looks at it.
                let path = "/api/v1/" + route.segments.map { $0.hasPrefix(":") ? "x" : $0 }.joined(separator: "/")
                let method = route.method
                let name = "\(route.method.rawValue) \(path)"
                let anonymous = try await d.request(method, path)
                if route.roles.isEmpty {
                    #expect(anonymous.errorCode != "unauthenticated", "\(name) is declared open but asks for a token")
                    continue
                }
                gated += 1
                #expect(anonymous.status == 401 && anonymous.errorCode == "unauthenticated", "\(name): \(anonymous.status)")
                // Logging out would end the session the rest of the loop uses; its gate is checked above.
                if route.path == "auth/logout" { continue }
                // The gate's refusal, told from a handler's 403 (the engine's, per record) by its message.
                let asEmployer = try await d.request(method, path, token: employer)
                let refusedAtGate = asEmployer.status == 403 && (try? asEmployer.json["error"]?["message"]) == "无权访问"
                #expect(refusedAtGate == !route.roles.contains(.employer), "\(name): \(asEmployer.status) for roles \(route.roles.map(\.rawValue).sorted())")
            }
            #expect(gated > 30)
        }
    }

    static func repositoryFile(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }
}
