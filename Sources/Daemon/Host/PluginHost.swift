import Foundation
import Logging
import PluginAPI
import Storage

/// Runs the plugin set: migrations and bootstrap at start, all-or-nothing reload, shutdown in
/// reverse order. The set being served is readable without waiting (``current``).
public actor PluginHost {
    /// Why a bootstrap failed.
    public struct BootstrapFailure: Error, CustomStringConvertible {
        public let plugin: PluginID
        public let underlying: String
        public var description: String { "plugin \(plugin) failed to start: \(underlying)" }
    }

    /// Why a plugin's stored data cannot be used.
    public struct DataTooNew: Error, CustomStringConvertible {
        public let plugin: PluginID
        public let found: UInt32
        public let supported: Int
        public var description: String {
            "the data of plugin \(plugin) is at version \(found), newer than this plugin supports (\(supported)); run a newer jiuyed"
        }
    }

    /// The set being served and its event dispatcher, swapped together.
    nonisolated let currentBox: LockedBox<(set: PluginSet, events: EventDispatcher)>
    /// The set being served.
    public nonisolated var current: PluginSet { currentBox.value.set }
    /// The database.
    public nonisolated let store: CoreStore
    /// The plugin types this binary has.
    public nonisolated let catalog: PluginCatalog
    /// The configuration file `plugin reload` re-reads.
    public nonisolated let configPath: String
    /// Record access for plugin transactions, filled in by the HTTP core.
    nonisolated let recordAccess: RecordAccessProvider
    nonisolated let logger: Logger
    nonisolated let reservedAdminVerbs: Set<String>
    private var started = false

    /// - Parameters:
    ///   - initial: the set to serve, already loaded and validated.
    ///   - store: the opened database.
    ///   - catalog: the plugin types, for reloads.
    ///   - configPath: the file reloads read.
    ///   - reservedAdminVerbs: the core's verbs, for reload validation.
    public init(initial: PluginSet, store: CoreStore, catalog: PluginCatalog, configPath: String,
                reservedAdminVerbs: Set<String>, logger: Logger) {
        let recordAccess = RecordAccessProvider()
        self.recordAccess = recordAccess
        currentBox = LockedBox((initial, EventDispatcher(environment: store.environment, set: initial, records: recordAccess)))
        self.store = store
        self.catalog = catalog
        self.configPath = configPath
        self.reservedAdminVerbs = reservedAdminVerbs
        self.logger = logger
    }

    /// A plugin's store; its record access acts as the core (the admin socket's view).
    public nonisolated func pluginStore(_ id: PluginID) throws -> any PluginStore {
        try LMDBPluginStore(plugin: id, environment: store.environment, events: currentBox.value.events)
    }

    /// A plugin's store whose record access acts as `caller`.
    nonisolated func pluginStore(_ id: PluginID, caller: Caller) throws -> any PluginStore {
        try LMDBPluginStore(plugin: id, environment: store.environment, events: currentBox.value.events, caller: caller)
    }

    /// Runs migrations and bootstraps every plugin in order. On failure the plugins already
    /// started are shut down in reverse and the error is thrown.
    public func start() async throws {
        try await bootstrap(currentBox.value)
        _ = try reconcile(currentBox.value)
        started = true
    }

    /// What a reload did.
    public struct Reloaded: Sendable {
        /// The set now serving.
        public let set: PluginSet
        /// What the new declarations did to stored records, one line each (records moved off a
        /// removed review level, forms merged, derived fields recomputed).
        public let recordChanges: [String]
    }

    /// Re-reads the configuration file and swaps in the new set, or leaves the old one serving.
    /// Stored records follow the new declarations in the transaction that switches the set.
    @discardableResult
    public func reload() async throws -> Reloaded {
        let next = try PluginSet.load(path: configPath, catalog: catalog, reservedAdminVerbs: reservedAdminVerbs)
        try refuseDroppingData(from: currentBox.value.set, to: next)
        let serving = (set: next, events: EventDispatcher(environment: store.environment, set: next, records: recordAccess))
        try await bootstrap(serving)
        let old = currentBox.value.set
        let changes: [String]
        do {
            changes = try reconcile(serving)
        } catch {
            // All or nothing: the old set keeps serving (reconcile put it back), the new one stops.
            await shutdown(next)
            throw error
        }
        // Most settings are read where they are used and apply now; these are bound at start.
        var atRestart: [String] = []
        if next.settings.admin != old.settings.admin { atRestart.append("admin") }
        if next.settings.storage != old.settings.storage { atRestart.append("storage") }
        if next.settings.server.idleTimeoutSeconds != old.settings.server.idleTimeoutSeconds { atRestart.append("server.idleTimeoutSeconds") }
        if !atRestart.isEmpty {
            logger.notice("plugins.yaml: \(atRestart.joined(separator: ", ")) take effect at the next restart; the other settings apply now")
        }
        await shutdown(old)
        logger.notice("plugin set reloaded", metadata: ["plugins": "\(next.pluginIDs.map(\.rawValue))"])
        return Reloaded(set: next, recordChanges: changes)
    }

    /// Brings stored records in line with `serving`'s kinds and makes it the set being served,
    /// inside one write transaction: no write slips in between under the old stages.
    private func reconcile(_ serving: (set: PluginSet, events: EventDispatcher)) throws -> [String] {
        let env = store.environment
        let kinds = try RecordKinds(set: serving.set, environment: env, historyKey: store.historyKey, meta: store.meta)
        let reconciler = try RecordReconciler(environment: env)
        let stored = try env.read { try reconciler.stored($0) }
        let previous = try RecordReconciler.previousTables(kinds, stored: stored, environment: env, historyKey: store.historyKey)
        let box = currentBox
        let before = box.value
        let results: [KindReconciliation]
        do {
            results = try env.write { txn in
                let r = try reconciler.apply(txn, kinds: kinds, stored: stored, previous: previous, now: Date().timeIntervalSince1970)
                // Switched before the commit, while this transaction holds the write lock: a write
                // queued behind it sees the new set (and one holding the old kinds is refused by
                // the engine). Put back below if the commit fails.
                box.value = serving
                return r
            }
        } catch {
            box.value = before
            throw error
        }
        let lines = results.flatMap { r in r.lines { kinds.tables[r.kind]?.stateLabel($0) ?? $0 } }
        for line in lines { logger.notice("records follow the configuration: \(line)") }
        return lines
    }

    /// What the configuration at `set` would do to the records in `store`, without writing:
    /// `jiuyed check --data`.
    public static func plannedRecordChanges(_ set: PluginSet, store: CoreStore) throws -> [String] {
        let env = store.environment
        let kinds = try RecordKinds(set: set, environment: env, historyKey: store.historyKey, meta: nil)
        let reconciler = try RecordReconciler(environment: env)
        let results = try env.read { txn in try reconciler.plan(txn, kinds: kinds, stored: try reconciler.stored(txn)) }
        return results.flatMap { r in r.lines { kinds.tables[r.kind]?.stateLabel($0) ?? $0 } }
    }

    /// A plugin that leaves the file while its records exist is refused: a truncated or mistaken
    /// file must not stop it quietly. Listing it with `enabled: false` says it is meant.
    private func refuseDroppingData(from old: PluginSet, to next: PluginSet) throws {
        let kept = Set(next.pluginIDs).union(next.disabled)
        var errors: [ConfigError] = []
        for p in old.plugins where !kept.contains(p.id) {
            var counts: [String] = []
            for kind in p.kinds {
                let table = try store.environment.database("rec/\(kind.id)")
                let n = try store.environment.read { try $0.count(table) }
                if n > 0 { counts.append("\(kind.id): \(n)") }
            }
            guard !counts.isEmpty else { continue }
            errors.append(ConfigError(file: next.source, line: next.pluginsPosition.line, column: next.pluginsPosition.column,
                                      path: "plugins.\(p.id)",
                                      message: "no longer listed, but its records exist (\(counts.joined(separator: ", "))); "
                                        + "to stop it on purpose keep it listed with enabled: false"))
        }
        if !errors.isEmpty { throw ConfigErrors(errors) }
    }

    /// Shuts the serving set down in reverse dependency order.
    public func stop() async {
        guard started else { return }
        started = false
        await shutdown(current)
    }

    private func shutdown(_ set: PluginSet) async {
        for p in set.plugins.reversed() {
            do {
                try await p.instance.shutdown()
            } catch {
                logger.error("plugin \(p.id) failed to shut down: \(error)")
            }
        }
    }

    private func bootstrap(_ serving: (set: PluginSet, events: EventDispatcher)) async throws {
        let set = serving.set
        try migrate(set, events: serving.events)
        var done: [LoadedPlugin] = []
        for p in set.plugins {
            var pluginLogger = logger
            pluginLogger[metadataKey: "plugin"] = "\(p.id)"
            let pluginStore = try LMDBPluginStore(plugin: p.id, environment: store.environment, events: serving.events)
            let context = BootstrapContext(store: pluginStore, logger: pluginLogger)
            do {
                try await p.instance.bootstrap(context)
                done.append(p)
            } catch {
                for q in done.reversed() { try? await q.instance.shutdown() }
                throw BootstrapFailure(plugin: p.id, underlying: "\(error)")
            }
        }
    }

    /// Every pending plugin migration, in dependency order, in one write transaction.
    private func migrate(_ set: PluginSet, events: EventDispatcher) throws {
        var pending: [(LoadedPlugin, [PluginMigration])] = []
        for p in set.plugins {
            let stored = try store.dataVersion(of: p.id)
            if Int(stored) > p.dataVersion { throw DataTooNew(plugin: p.id, found: stored, supported: p.dataVersion) }
            let steps = p.migrations.filter { $0.version > Int(stored) }
            if !steps.isEmpty { pending.append((p, steps)) }
        }
        guard !pending.isEmpty else { return }
        let stores = try pending.map { try LMDBPluginStore(plugin: $0.0.id, environment: store.environment, events: events) }
        try store.environment.write { txn in
            for ((plugin, steps), pluginStore) in zip(pending, stores) {
                let view = LMDBPluginTransaction(store: pluginStore, txn: txn)
                for step in steps { try step.apply(view) }
                try store.meta.put(txn, CoreStore.dataVersionKey(plugin.id), UInt32(plugin.dataVersion))
            }
        }
        for (plugin, steps) in pending {
            for step in steps { logger.notice("migrated \(plugin.id) to data version \(step.version): \(step.summary)") }
        }
    }
}
