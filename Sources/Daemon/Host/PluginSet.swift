import PluginAPI

/// One complete, validated set of plugins built from one `plugins.yaml`: what the daemon serves.
/// Immutable; a reload builds a new one and swaps it in whole.
public final class PluginSet: Sendable {
    /// The file it was read from.
    public let source: String
    /// The daemon's own settings from the file.
    public let settings: DaemonSettings
    /// The plugins, in dependency order.
    let plugins: [LoadedPlugin]
    /// Record kinds by id, with the plugin that declared each.
    let kinds: [String: (plugin: PluginID, spec: RecordKindSpec)]
    /// Plugin routes.
    let routes: RouteTable
    /// Plugin admin verbs by their words joined with a space.
    let adminCommands: [String: (plugin: PluginID, spec: AdminCommandSpec)]
    /// Hooks by event name.
    let hooks: [String: [(plugin: PluginID, hook: EventHook)]]
    /// Every code table: built in, then those plugins added.
    let codeTables: [String: CodeTable]

    /// Plugins the file lists with `enabled: false`: turned off on purpose, data or not.
    let disabled: Set<PluginID>
    /// Where the file's `plugins:` key is, for errors about the set as a whole.
    let pluginsPosition: (line: Int?, column: Int?)

    init(source: String, settings: DaemonSettings, plugins: [LoadedPlugin], routes: RouteTable,
         adminCommands: [String: (plugin: PluginID, spec: AdminCommandSpec)], codeTables: [String: CodeTable],
         disabled: Set<PluginID> = [], pluginsPosition: (line: Int?, column: Int?) = (nil, nil)) {
        self.source = source
        self.disabled = disabled
        self.pluginsPosition = pluginsPosition
        self.settings = settings
        self.plugins = plugins
        var kinds: [String: (PluginID, RecordKindSpec)] = [:]
        var hooks: [String: [(PluginID, EventHook)]] = [:]
        for p in plugins {
            for k in p.kinds { kinds[k.id] = (p.id, k) }
            for h in p.hooks { hooks[h.event, default: []].append((p.id, h)) }
        }
        self.kinds = kinds
        self.routes = routes
        self.adminCommands = adminCommands
        self.hooks = hooks
        self.codeTables = codeTables
    }

    /// The enabled plugin ids, in dependency order.
    public var pluginIDs: [PluginID] { plugins.map(\.id) }
}
