import PluginAPI
import Storage

/// Delivers a plugin's events to the hooks of one plugin set, inside the emitting
/// transaction, each hook seeing its own plugin's collections.
final class EventDispatcher: Sendable {
    let environment: Environment
    private let hooks: [String: [(plugin: PluginID, hook: EventHook)]]
    /// The plugins some hook listens to.
    private let pluginsHeard: Set<String>
    /// What each plugin declared it emits.
    private let declared: [PluginID: Set<String>]

    /// Record access for hooks (acting as the core).
    let records: RecordAccessProvider

    init(environment: Environment, set: PluginSet, records: RecordAccessProvider) {
        self.environment = environment
        self.records = records
        hooks = set.hooks
        pluginsHeard = Set(set.hooks.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        declared = Dictionary(uniqueKeysWithValues: set.plugins.map { ($0.id, Set($0.emittedEvents.map(\.name))) })
    }

    /// Whether any hook waits for `event`: emitters skip building a payload nobody reads.
    func listens(to event: String) -> Bool { hooks[event] != nil }

    /// The same for `<plugin>.<name>`, without building the name when nobody listens to the plugin.
    func listens(to plugin: PluginID, _ name: String) -> Bool {
        guard pluginsHeard.contains(plugin.rawValue) else { return false }
        return listens(to: "\(plugin.rawValue).\(name)")
    }

    func dispatch(_ event: PluginEvent, from plugin: PluginID, txn: Transaction) throws {
        guard declared[plugin]?.contains(event.name) == true else {
            throw PluginError(status: 500, code: ErrorCode.undeclaredEvent.rawValue,
                              message: "plugin \(plugin) emits \(event.name) without declaring it")
        }
        for (subscriber, hook) in hooks[event.name] ?? [] {
            let store = try LMDBPluginStore(plugin: subscriber, environment: environment, events: self)
            try hook.handler(event, LMDBPluginTransaction(store: store, txn: txn))
        }
    }
}
