import PluginAPI
import Yams

/// Phase 4 of loading: each plugin's configuration decoded and validated, then the plugin created
/// and registered, in start order: code tables a plugin declares are visible to those after it.
extension Loader {
    mutating func register(_ entries: [Entry], graph: DependencyGraph, codeTables: inout [String: CodeTable]) -> [PluginID: LoadedPlugin] {
        var loaded: [PluginID: LoadedPlugin] = [:]
        let entryByID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        for id in (graph.order.isEmpty ? entries.map(\.id) : graph.order) {
            let entry = entryByID[id]!
            do {
                let plugin = try load(entry, dependencies: graph.dependencies[id]!, codeTables: codeTables)
                for t in plugin.codeTables { codeTables[t.id] = t }
                loaded[entry.id] = try applyOverrides(to: plugin, entry: entry)
            } catch { record(error) }
        }
        return loaded
    }

    /// One plugin registered: a built-in one from its type, or one written in YAML from its `declare:`.
    private func load(_ entry: Entry, dependencies: [PluginID], codeTables: [String: CodeTable]) throws -> LoadedPlugin {
        if let declared = entry.settings.declare {
            let kinds = try declaredKinds(declared, entry: entry, codeTables: codeTables)
            return try LoadedPlugin(instance: DeclaredPlugin(kinds: kinds),
                                    identity: (entry.id, DeclaredPlugin.version, LocalizedText(declared.label)),
                                    dependencies: dependencies, codeTables: codeTables)
        }
        let instance = try instantiate(entry.type, entry: entry)
        return try LoadedPlugin(instance: instance, dependencies: dependencies, codeTables: codeTables)
    }

    /// Decodes `P.Configuration` over its defaults, validates it, and creates the plugin.
    private func instantiate<P: Plugin>(_ type: P.Type, entry: Entry) throws -> any Plugin {
        let configNode = entry.node.mapping?["config"]
        let path = entry.path.appending("config")
        let config = try doc.decodeWithDefaults(P.Configuration.self, defaults: P.Configuration(), from: configNode, path: path)
        let problems = config.validate()
        if !problems.isEmpty {
            throw ConfigErrors(problems.map { problem in
                // Point at the key the problem is about; fall back to its value, then to `config`.
                let parent = configNode.flatMap { ConfigDocument.find(Array(problem.path.dropLast()), in: $0) }
                let node = parent.flatMap { p in problem.path.last.flatMap { ConfigDocument.keyNode($0, in: p) } }
                    ?? configNode.flatMap { ConfigDocument.find(problem.path, in: $0) }
                    ?? ConfigDocument.keyNode("config", in: entry.node) ?? entry.keyNode
                let full = problem.path.reduce(path) { acc, part in Int(part).map { acc.appending(index: $0) } ?? acc.appending(part) }
                return doc.error(problem.message, at: node, path: full)
            })
        }
        do {
            return try P(configuration: config)
        } catch {
            throw doc.error("cannot start: \(error)", at: entry.keyNode, path: entry.path)
        }
    }
}
