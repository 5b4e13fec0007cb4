import AdminProtocol
import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

@Suite("Plugin host")
struct HostTests {
    static func config(label: String, failListener: Bool = false) -> String {
        """
        plugins:
          probe:
            config: {label: \(label)}
          listener:
            config: {label: \(label), failBootstrap: \(failListener)}
        """
    }

    @Test("plugins bootstrap in dependency order and shut down in reverse")
    func lifecycleOrder() async throws {
        let label = "order-\(UUID().uuidString.prefix(6))"
        let daemon = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: Self.config(label: label))
        try await daemon.stop()
        #expect(LifecycleLog.shared.entries(label) == ["bootstrap probe", "bootstrap listener", "shutdown listener", "shutdown probe"])
    }

    @Test("a plugin that fails to start rolls back the ones already started")
    func bootstrapRollback() async throws {
        let label = "fail-\(UUID().uuidString.prefix(6))"
        await #expect(throws: PluginHost.BootstrapFailure.self) {
            _ = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: Self.config(label: label, failListener: true))
        }
        #expect(LifecycleLog.shared.entries(label) == ["bootstrap probe", "bootstrap listener", "shutdown probe"])
    }

    @Test("migrations run once, in order, and record the plugin's data version")
    func migrations() async throws {
        let label = "mig-\(UUID().uuidString.prefix(6))"
        let daemon = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: Self.config(label: label))
        let marks = try daemon.store(of: "probe").read { try $0.all(String.self, "marks") }
        #expect(marks.map(\.key) == ["v1", "v2"])
        #expect(try daemon.daemon.host.store.dataVersion(of: "probe") == 2)
        // A reload bootstraps a fresh set: the migrations do not run again.
        try daemon.store(of: "probe").write { try $0.delete("marks", "v1") }
        let reply = try await daemon.admin("plugin", "reload")
        #expect(reply.ok)
        #expect(try daemon.store(of: "probe").read { try $0.all(String.self, "marks").map(\.key) } == ["v2"])
        #expect(try await daemon.admin("probe", "count").reply?.result == 1)
        try await daemon.stop()
    }

    @Test("a reply of megabytes comes over the admin socket whole")
    func bigAdminReply() async throws {
        let daemon = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: Self.config(label: "big-\(UUID().uuidString.prefix(6))"))
        for bytes in [3_000, 2_500_000] {
            let reply = try await daemon.admin("probe", "big", String(bytes))
            #expect(reply.ok && reply.reply?.message?.utf8.count == bytes / 3 * 3, "\(bytes) bytes")
        }
        try await daemon.stop()
    }

    @Test("data written by a newer version of a plugin is refused at start")
    func newerPluginData() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/jiuye-newer-" + UUID().uuidString.prefix(6)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CoreStore(dataDirectory: directory, settings: StorageSettings(), noSync: true)
        try store.environment.write { try store.meta.put($0, CoreStore.dataVersionKey("probe"), 7) }
        let set = try PluginSet.load(text: "plugins: {probe: {}}", file: "plugins.yaml", catalog: PluginCatalog(probeCatalog))
        let host = PluginHost(initial: set, store: store, catalog: PluginCatalog(probeCatalog), configPath: "plugins.yaml",
                              reservedAdminVerbs: [], logger: .init(label: "test"))
        await #expect(throws: PluginHost.DataTooNew.self) { try await host.start() }
        store.close()
    }

    @Test("hooks run inside the emitting transaction: both writes commit, or neither")
    func eventsShareTheTransaction() async throws {
        let daemon = try await TestDaemon.start(plugins: probeCatalog, builtins: [], config: Self.config(label: "events"))
        try await daemon.addAccount("school-1", roles: [.school])
        let t = try await daemon.login("school-1")
        let ok = try await daemon.request(.post, "/api/v1/probe/events/a1", token: t)
        #expect(ok.status == 200)
        let failed = try await daemon.request(.post, "/api/v1/probe/events/a2?fail=1", token: t)
        #expect(failed.status == 409)
        #expect(failed.errorCode == "conflict")
        #expect(try daemon.store(of: "probe").read { try $0.all(JSONValue.self, "own").map(\.key) } == ["a1"])
        #expect(try daemon.store(of: "listener").read { try $0.all(JSONValue.self, "seen").map(\.key) } == ["a1"])
        try await daemon.stop()
    }
}

@Suite("Admin log")
struct AdminLogTests {
    @Test("passwords given to admin verbs never reach the log")
    func redacted() {
        #expect(AdminCommandTable.redacted(["user", "add", "ops", "--password", "S3cret", "--role", "school"])
                == ["user", "add", "ops", "--password", "***", "--role", "school"])
        #expect(AdminCommandTable.redacted(["seed", "institution", "--password=S3cret"]) == ["seed", "institution", "--password=***"])
    }
}
