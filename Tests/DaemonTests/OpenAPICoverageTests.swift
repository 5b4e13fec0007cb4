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
    static let undocumented: Set<String> = ["GET /metrics"]

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

    static func repositoryFile(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }
}
