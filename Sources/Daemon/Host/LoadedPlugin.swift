import PluginAPI

/// One configured, registered plugin: its instance and everything it declared.
struct LoadedPlugin: Sendable {
    let id: PluginID
    let version: PluginVersion
    let label: LocalizedText
    /// Declared in code and added in `plugins.yaml`.
    let dependencies: [PluginID]
    let instance: any Plugin
    let kinds: [RecordKindSpec]
    let routes: [RouteSpec]
    let adminCommands: [AdminCommandSpec]
    /// Events declared with `emits`.
    let declaredEvents: [EventSpec]
    let hooks: [EventHook]
    let migrations: [PluginMigration]
    let codeTables: [CodeTable]
    /// Pages it adds to the console.
    let consolePages: [ConsolePage]
    /// Links and buttons it adds to its kinds' screens.
    let consoleLinks: [ConsoleLink]

    /// The data version the migrations bring the plugin to.
    var dataVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Drives `register(into:)` and keeps a snapshot of what it declared.
    /// - Parameter identity: id, version and label when they are not the type's own (a plugin
    ///   declared in YAML takes its id from the file).
    init(instance: any Plugin, identity: (PluginID, PluginVersion, LocalizedText)? = nil, dependencies: [PluginID],
         codeTables: [String: CodeTable]) throws {
        let type = Swift.type(of: instance)
        (id, version, label) = identity ?? (type.id, type.version, type.label)
        self.dependencies = dependencies
        self.instance = instance
        let context = RegistrationContext(pluginID: id, codeTables: codeTables)
        try instance.register(into: context)
        kinds = context.kinds
        routes = context.routes
        adminCommands = context.adminCommands
        declaredEvents = context.emittedEvents
        hooks = context.hooks
        migrations = context.migrations.sorted { $0.version < $1.version }
        self.codeTables = context.addedCodeTables
        consolePages = context.consolePages
        consoleLinks = context.consoleLinks
        if let problem = consoleLinks.lazy.compactMap({ $0.problem(kinds: context.kinds, routes: context.routes) }).first {
            throw ConsoleLinkProblem(text: "plugin \"\(id.rawValue)\": \(problem)")
        }
    }

    private init(copy p: LoadedPlugin, kinds: [RecordKindSpec]) {
        id = p.id; version = p.version; label = p.label; dependencies = p.dependencies; instance = p.instance
        self.kinds = kinds; routes = p.routes; adminCommands = p.adminCommands; declaredEvents = p.declaredEvents
        hooks = p.hooks; migrations = p.migrations; codeTables = p.codeTables; consolePages = p.consolePages
        consoleLinks = p.consoleLinks
    }

    /// Everything it emits: declared events and those of its kinds' transitions (after overrides).
    var emittedEvents: [EventSpec] {
        var out = declaredEvents
        var names = Set(out.map(\.name))
        for kind in kinds {
            for e in kind.process.workflow?.events ?? [] where names.insert("\(id.rawValue).\(e)").inserted {
                out.append(EventSpec(name: "\(id.rawValue).\(e)", summary: LocalizedText("\(kind.label.zh): \(e)", en: "\(kind.id): \(e)")))
            }
        }
        return out
    }

    /// The same plugin with its kinds replaced (after `plugins.yaml` overrides).
    func with(kinds: [RecordKindSpec]) -> LoadedPlugin { LoadedPlugin(copy: self, kinds: kinds) }
}
