import Foundation
import PluginAPI

/// What the probe plugins saw, by run label, so parallel tests keep apart.
final class LifecycleLog: @unchecked Sendable {
    static let shared = LifecycleLog()
    private let lock = NSLock()
    private var entries: [String: [String]] = [:]
    func add(_ label: String, _ what: String) { lock.withLock { entries[label, default: []].append(what) } }
    func entries(_ label: String) -> [String] { lock.withLock { entries[label] ?? [] } }
}

struct ProbeConfiguration: PluginConfiguration, Equatable {
    var label = "probe"
    var failBootstrap = false
    var limit = 10
    init() {}
    func validate() -> [ConfigProblem] {
        limit < 1 ? [ConfigProblem(path: ["limit"], "must be at least 1")] : []
    }
}

struct Echo: Codable, SchemaDescribing {
    var text: String
    static var schema: JSONSchema { .object([("text", .text)], required: ["text"]) }
}

/// A plugin that exercises every declaration: a kind, routes, an admin verb, an event, migrations.
struct ProbePlugin: Plugin {
    static let id: PluginID = "probe"
    static let version: PluginVersion = "1.2.0"
    static let label = LocalizedText("探针", en: "probe")
    let configuration: ProbeConfiguration

    init(configuration: ProbeConfiguration) { self.configuration = configuration }

    func register(into context: RegistrationContext) throws {
        let label = configuration.label
        context.recordKind(RecordKindSpec(id: "probe-record", label: "探针记录",
                                          fields: [FieldSpec("gender", "性别", .code(table: "gender"), indexed: true)],
                                          process: .review(.standard)))
        context.route(.get, "ping", roles: [], summary: "公开", output: JSONValue.self) { _ in ["pong": .string(label)] }
        context.route(.post, "echo", roles: [.school], summary: "回显", input: Echo.self, output: Echo.self) { request, input in
            Echo(text: "\(request.principal.id): \(input.text)")
        }
        context.route(.post, "events/:id", roles: [.school], summary: "发事件", output: JSONValue.self) { request in
            let fail = request.query["fail"] == "1"
            try request.store.write { txn in
                try txn.put("own", request.parameters["id"]!, ["by": .string(request.principal.id)] as JSONValue)
                try txn.emit(PluginEvent(name: "probe.happened", recordID: request.parameters["id"], payload: ["n": 1]))
                if fail { throw PluginError.conflict("故意失败") }
            }
            return ["ok": true]
        }
        context.adminCommand(AdminCommandSpec(words: ["probe", "count"], summary: "count migrated marks", changesState: false) { request in
            let n = try request.store.read { try $0.all(String.self, "marks").count }
            return AdminReply(result: .int(n), message: "\(n) marks")
        })
        context.adminCommand(AdminCommandSpec(words: ["probe", "big"], usage: "BYTES", summary: "a reply of BYTES bytes", changesState: false) { request in
            AdminReply(message: String(repeating: "数", count: (Int(request.arguments.first ?? "") ?? 0) / 3))
        })
        context.emits("happened", summary: "something happened")
        context.migration(version: 1, summary: "first mark") { try $0.put("marks", "v1", "\(label)") }
        context.migration(version: 2, summary: "second mark") { try $0.put("marks", "v2", "\(label)") }
    }

    func bootstrap(_ context: BootstrapContext) async throws {
        LifecycleLog.shared.add(configuration.label, "bootstrap probe")
        if configuration.failBootstrap { throw PluginError.conflict("probe refuses to start") }
    }

    func shutdown() async throws {
        LifecycleLog.shared.add(configuration.label, "shutdown probe")
    }
}

/// Depends on the probe and reacts to its event inside the emitting transaction.
struct ListenerPlugin: Plugin {
    static let id: PluginID = "listener"
    static let version: PluginVersion = "0.1.0"
    static let label = LocalizedText("监听", en: "listener")
    static let dependencies: [PluginID] = ["probe"]
    struct Configuration: PluginConfiguration, Equatable {
        var label = "probe"
        var failBootstrap = false
        init() {}
    }
    let configuration: Configuration
    init(configuration: Configuration) { self.configuration = configuration }

    func register(into context: RegistrationContext) throws {
        context.on("probe.happened") { event, txn in
            try txn.put("seen", event.recordID ?? "?", event.payload)
        }
    }

    func bootstrap(_ context: BootstrapContext) async throws {
        LifecycleLog.shared.add(configuration.label, "bootstrap listener")
        if configuration.failBootstrap { throw PluginError.conflict("listener refuses to start") }
    }

    func shutdown() async throws {
        LifecycleLog.shared.add(configuration.label, "shutdown listener")
    }
}

let probeCatalog: [any Plugin.Type] = [ProbePlugin.self, ListenerPlugin.self]
