import Foundation
import Testing

/// The dependency rule, read from the sources' imports: each target may import exactly the
/// modules of this package listed for it (an allow-list, so a new edge fails until it is
/// argued for here), and the plugin-facing targets nothing outside Foundation either.
@Suite("The dependency rule")
struct DependencyRuleTests {
    /// This package's own modules.
    static let ours: Set<String> = [
        "CLMDB", "CArgon2", "CXLSXWriter", "Storage", "PluginAPI", "Plugins", "AdminProtocol", "Daemon", "JiuyeTesting",
    ]
    /// For each source folder, the modules of ours it may import.
    static let allowed: [String: Set<String>] = [
        "Storage": ["CLMDB"],
        "PluginAPI": [],
        "Plugins": ["PluginAPI"],
        // Admin replies are PluginAPI's `AdminReply`, re-exported for jiuyectl.
        "AdminProtocol": ["PluginAPI"],
        // Plugins only to list them: `BuiltinPlugins.all`, the default of `JiuyedCommand.main` (CLI/).
        "Daemon": ["Storage", "PluginAPI", "Plugins", "AdminProtocol", "CArgon2", "CXLSXWriter"],
        // Plugins for the same default of `TestDaemon`.
        "JiuyeTesting": ["Daemon", "PluginAPI", "Plugins", "AdminProtocol"],
        "jiuyed": ["Daemon"],
        "jiuyectl": ["AdminProtocol"],
        "jiuye-bench": ["Daemon", "PluginAPI", "CXLSXWriter"],
    ]
    /// Targets whose every import is listed: what a plugin sees stays Foundation and PluginAPI.
    static let closed: [String: Set<String>] = [
        // swift-log is re-exported: plugins log through the logger their context hands them.
        "PluginAPI": ["Foundation", "Logging"],
        "Plugins": ["Foundation", "PluginAPI"],
    ]

    /// The modules each Swift file under `Sources/<target>` imports.
    static func imports(of target: String) throws -> [(file: String, module: String)] {
        let root = Binaries.repository + "/Sources/" + target
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let pattern = try Regex(#"^\s*(@\w+\s+)*(public\s+|internal\s+|package\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let)\s+)?(\w+)"#)
        var out: [(String, String)] = []
        for file in files {
            for line in try String(contentsOfFile: root + "/" + file, encoding: .utf8).split(separator: "\n") {
                if let m = line.firstMatch(of: pattern), let module = m.output[3].substring { out.append((file, String(module))) }
            }
        }
        return out
    }

    @Test("every target imports only the modules of ours it is allowed")
    func allowList() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Binaries.repository + "/Sources")
        for target in folders where !target.hasPrefix("C") || !Self.ours.contains(target) {
            let allowed = try #require(Self.allowed[target], "Sources/\(target) has no entry in the allow-list")
            let found = try Self.imports(of: target)
            if target != "AdminProtocol" && target != "PluginAPI" { #expect(!found.isEmpty, "no imports read in \(target)") }
            for (file, module) in found where Self.ours.contains(module) {
                #expect(allowed.contains(module), "Sources/\(target)/\(file) imports \(module), which \(target) may not")
            }
            for (file, module) in found {
                if let closed = Self.closed[target] { #expect(closed.contains(module), "Sources/\(target)/\(file) imports \(module)") }
            }
        }
    }

    @Test("the rule is read, not assumed: a forbidden import is seen")
    func detects() throws {
        let plugins = try Self.imports(of: "Plugins")
        #expect(plugins.contains { $0.module == "PluginAPI" })
        let daemon = try Self.imports(of: "Daemon")
        #expect(daemon.contains { $0.module == "Storage" } && !(Self.allowed["Plugins"] ?? []).contains("Storage"))
    }
}
