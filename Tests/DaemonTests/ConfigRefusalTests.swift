import Foundation
import JiuyeTesting
import Plugins
import PluginAPI
import Testing
@testable import Daemon

/// Files `jiuyed check` and `plugin reload` must refuse, each at its place.
@Suite("plugins.yaml refusals")
struct ConfigRefusalTests {
    let catalog = PluginCatalog(BuiltinPlugins.all)

    /// A scratch directory, removed by the caller.
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-config-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The refusal of the file at `path` (what `jiuyed check` runs), one line per error.
    func refusal(path: String) -> [String] {
        do {
            _ = try Daemon.check(configPath: path, catalog: catalog)
            Issue.record("expected \(path) to be refused")
        } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return []
    }

    @Test("an empty or comment-only file, no plugins: section, or an empty plugins: is refused; plugins: {} is explicit and passes")
    func enablesNothing() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String)] = [
            ("", "plugins.yaml:1:1: plugins: the file is empty or only comments"),
            ("# plugins:\n#   source-info: {}\n", "plugins.yaml:1:1: plugins: the file is empty or only comments"),
            ("server: {maxBodyBytes: 4096}\n", "plugins.yaml:1:1: plugins: there is no plugins: section"),
            ("server: {maxBodyBytes: 4096}\nplugins:\n#  source-info: {}\n", "plugins.yaml:2:1: plugins: plugins: is empty (are its entries commented out?)"),
        ]
        for (text, expected) in cases {
            let path = dir + "/plugins.yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let lines = refusal(path: path).map { $0.replacingOccurrences(of: dir + "/", with: "") }
            #expect(lines.count == 1 && lines.first?.hasPrefix(expected) == true, "\(text.debugDescription): \(lines)")
            #expect(lines.first?.contains("plugins: {}") == true)
        }
        try "plugins: {}\n".write(toFile: dir + "/plugins.yaml", atomically: true, encoding: .utf8)
        #expect(try Daemon.check(configPath: dir + "/plugins.yaml", catalog: catalog).pluginIDs.isEmpty)
    }

    @Test("a secretFile that is missing, a directory or empty is refused at its line and column, wherever it is set")
    func secretFiles() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try " \n".write(toFile: dir + "/empty.secret", atomically: true, encoding: .utf8)
        try "s3cret\n".write(toFile: dir + "/good.secret", atomically: true, encoding: .utf8)
        for (file, reason) in [("missing.secret", "does not exist"), ("empty.secret", "is empty"), (".", "is a directory")] {
            let secret = dir + "/" + file
            let path = dir + "/plugins.yaml"
            try """
                wechat:
                  secretFile: \(secret)
                notifications:
                  channels:
                    - {name: hook, type: webhook, url: "http://127.0.0.1:9/x", secretFile: \(secret)}
                plugins:
                  source-info: {}
                  agreements:
                    config:
                      esign: {secretFile: \(secret)}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let lines = refusal(path: path).map { $0.replacingOccurrences(of: dir + "/", with: "") }
            #expect(lines.count == 3, "\(file): \(lines)")
            #expect(lines.contains { $0.hasPrefix("plugins.yaml:2:15: wechat.secretFile: secret file") && $0.hasSuffix(reason) }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("plugins.yaml:5:76: notifications.channels[0].secretFile: ") && $0.hasSuffix(reason) }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("plugins.yaml:10:15: plugins.agreements.config.esign.secretFile: ") && $0.hasSuffix(reason) }, "\(lines)")
        }
        try "wechat: {secretFile: \(dir)/good.secret}\nplugins: {source-info: {}}\n".write(toFile: dir + "/plugins.yaml", atomically: true, encoding: .utf8)
        #expect(throws: Never.self) { try Daemon.check(configPath: dir + "/plugins.yaml", catalog: catalog) }
    }

    @Test("invalid UTF-8 or a NUL byte is refused at its line and column")
    func badBytes() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plugins.yaml"
        let cases: [([UInt8], String)] = [
            (Array("plugins:\n  source-info: {}\ninstitution: {name: 示例".utf8) + [0xFF] + Array("大学}\n".utf8),
             "plugins.yaml:3:23: invalid UTF-8 (byte 0xFF)"),
            (Array("plugins:\n  source-info: {}\ninstitution: {name: ab".utf8) + [0xC3, 0x28] + Array("}\n".utf8),
             "plugins.yaml:3:23: invalid UTF-8 (byte 0xC3)"),
            (Array("plugins:\n  source-info: {}\ninstitution: {name: a".utf8) + [0x00] + Array("b}\n".utf8),
             "plugins.yaml:3:22: a NUL byte is not allowed"),
        ]
        for (bytes, expected) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let lines = refusal(path: path).map { $0.replacingOccurrences(of: dir + "/", with: "") }
            #expect(lines.count == 1 && lines.first?.hasPrefix(expected) == true, "\(lines)")
        }
    }

    @Test("a reload that drops a plugin whose records exist is refused unless the file turns it off with enabled: false")
    func reloadKeepsPluginsWithData() async throws {
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}, resume-library: {}}", seedDemo: true)
        do {
            #expect(try await d.admin("seed", "records", "source-info", "--count", "5").ok)
            for text in ["", "# all commented out\n# plugins:\n#   source-info: {}\n", "plugins: {resume-library: {}}\n", "plugins: {}\n"] {
                try d.writeConfig(text)
                let reply = try await d.admin("plugin", "reload")
                #expect(!reply.ok, "\(text.debugDescription) was accepted")
                #expect(d.daemon.host.current.pluginIDs.contains("source-info"))
            }
            let refused = try await d.admin("plugin", "reload")
            #expect(refused.error?.message.contains("plugins.yaml:1:1: plugins.source-info: no longer listed, but its records exist (source-info: 200)") == true,
                    "\(refused.error?.message.debugDescription ?? "")")
            // resume-library has no records: dropping it needs no word.
            try d.writeConfig("plugins: {source-info: {}}\n")
            #expect(try await d.admin("plugin", "reload").ok)
            try d.writeConfig("plugins:\n  source-info: {enabled: false}\n")
            #expect(try await d.admin("plugin", "reload").ok)
            #expect(d.daemon.host.current.pluginIDs.isEmpty)
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
    }
}
