import PluginAPI
import Yams

extension PluginSet {
    /// Reads, decodes and validates `plugins.yaml` and registers every enabled plugin.
    ///
    /// Phases, one `Loader+…` file each: the daemon's settings, strict over their defaults
    /// (`+Settings`) → the plugin entries (`+Entries`) → dependency order (`+Dependencies`) → each
    /// plugin's configuration validated, the plugin registered and the YAML overrides applied
    /// (`+Register`, `+Overrides`, `+DeclaredKinds`) → declarations checked across the set
    /// (`+Declarations`). Every error found is reported at once, each with its file, line, column
    /// and key path.
    /// - Parameters:
    ///   - path: the configuration file.
    ///   - catalog: the plugin types this binary has.
    ///   - reservedAdminVerbs: the core's own verbs, which plugins may not take.
    public static func load(path: String, catalog: PluginCatalog, reservedAdminVerbs: Set<String> = []) throws -> PluginSet {
        try load(document: ConfigDocument(contentsOf: path), catalog: catalog, reservedAdminVerbs: reservedAdminVerbs)
    }

    /// The same, from text (tests, and `plugin reload` of an edited file).
    public static func load(text: String, file: String, catalog: PluginCatalog, reservedAdminVerbs: Set<String> = []) throws -> PluginSet {
        try load(document: ConfigDocument(text: text, file: file), catalog: catalog, reservedAdminVerbs: reservedAdminVerbs)
    }

    static func load(document doc: ConfigDocument, catalog: PluginCatalog, reservedAdminVerbs: Set<String>) throws -> PluginSet {
        var loader = Loader(doc: doc, catalog: catalog)
        let set = loader.run(reservedAdminVerbs: reservedAdminVerbs)
        guard loader.errors.isEmpty, let set else { throw ConfigErrors(loader.errors) }
        return set
    }
}

/// The work of ``PluginSet/load(path:catalog:reservedAdminVerbs:)``, collecting errors as it goes.
struct Loader {
    /// First path segments under /api/v1 that the core answers itself (from its route table), and
    /// two kept back as before: `metrics` (served at the root) and `accounts`.
    static let corePaths: Set<String> = CoreRoutes.firstSegments.union(["accounts", "metrics"])
    let doc: ConfigDocument
    let catalog: PluginCatalog
    var errors: [ConfigError] = []

    init(doc: ConfigDocument, catalog: PluginCatalog) {
        self.doc = doc
        self.catalog = catalog
    }

    /// A plugin's entry as found in the file.
    struct Entry {
        let id: PluginID
        let keyNode: Node
        let path: ConfigPath
        let settings: PluginEntrySettings
        let node: Node
        let type: any Plugin.Type
    }

    mutating func record(_ error: Error) {
        if let e = error as? ConfigError { errors.append(e) }
        else if let e = error as? ConfigErrors { errors.append(contentsOf: e.errors) }
        else { errors.append(doc.error("\(error)", at: nil, path: ConfigPath())) }
    }

    /// The phases in order; the set, or nil once any phase has recorded an error.
    mutating func run(reservedAdminVerbs: Set<String>) -> PluginSet? {
        guard case .mapping(let rootMap) = doc.root else { return nil }
        let settings = readSettings(rootMap)
        var codeTables = readCodeTables(rootMap)
        checkSettings(settings)
        guard let found = readEntries(rootMap) else { return nil }
        let graph = orderByDependencies(found.entries, unreadable: found.unreadable)
        let loaded = register(found.entries, graph: graph, codeTables: &codeTables)
        let declared = checkDeclarations(found.entries.filter { !graph.broken.contains($0.id) }, loaded: loaded,
                                         codeTables: codeTables, reservedAdminVerbs: reservedAdminVerbs)
        guard errors.isEmpty else { return nil }
        let pluginsKey = ConfigDocument.keyNode("plugins", in: doc.root)
        return PluginSet(source: doc.file, settings: settings, plugins: graph.order.map { loaded[$0]! },
                         routes: declared.routes, adminCommands: declared.verbs, codeTables: codeTables,
                         disabled: found.disabled, pluginsPosition: (pluginsKey?.mark?.line, pluginsKey?.mark?.column))
    }

    /// Why the file enables no plugin without saying so, or nil. An empty file, or one whose
    /// `plugins:` entries are all commented out, would otherwise stop every plugin at a reload.
    static func missingPlugins(_ root: Node.Mapping) -> String? {
        let fix = "list the plugins to run under plugins:, or write plugins: {} to run none"
        guard let node = root["plugins"] else {
            return root.isEmpty ? "the file is empty or only comments: \(fix)" : "there is no plugins: section: \(fix)"
        }
        return node.isNull ? "plugins: is empty (are its entries commented out?): \(fix)" : nil
    }
}

extension ConfigPath.Part {
    var text: String {
        switch self {
        case .key(let k): k
        case .index(let i): "\(i)"
        }
    }
}
