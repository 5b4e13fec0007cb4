import PluginAPI
import Yams

/// Phase 3 of loading: dependencies, from code and from `depends`. A missing one or a cycle is
/// an error at the plugin's key (or at the `depends` item that names it).
extension Loader {
    /// The dependency graph of the enabled plugins and the order it gives.
    struct DependencyGraph {
        /// Each enabled plugin's dependencies, its type's first, then its entry's `depends`.
        var dependencies: [PluginID: [PluginID]] = [:]
        /// Start order; empty when a cycle prevents one.
        var order: [PluginID] = []
        /// Plugins with a missing dependency or in a cycle (their declarations are not checked).
        var broken = Set<PluginID>()
    }

    mutating func orderByDependencies(_ entries: [Entry], unreadable: Set<PluginID>) -> DependencyGraph {
        var graph = DependencyGraph()
        for entry in entries { graph.dependencies[entry.id] = dependencies(of: entry) }
        let enabled = Set(entries.map(\.id)).union(unreadable)
        for entry in entries {
            for missing in graph.dependencies[entry.id]! where !enabled.contains(missing) {
                graph.broken.insert(entry.id)
                reportMissing(missing, of: entry)
            }
        }
        switch DependencyOrder.sort(graph.dependencies.mapValues { $0.filter { graph.dependencies[$0] != nil } }) {
        case .success(let o):
            graph.order = o
        case .failure(.cycle(let cycle)):
            let entry = entries.first { $0.id == cycle[0] }!
            errors.append(doc.error("dependency cycle: \(cycle.map(\.rawValue).joined(separator: " → "))", at: entry.keyNode, path: entry.path))
            graph.broken.formUnion(cycle)
        case .failure(.missing):
            break  // reported above
        }
        return graph
    }

    /// An entry's dependencies: its type's, then the valid ids of its `depends` not already among them.
    private mutating func dependencies(of entry: Entry) -> [PluginID] {
        var deps = entry.type.dependencies
        for (i, d) in entry.settings.depends.enumerated() where !deps.contains(PluginID(d)) {
            guard PluginID.isValid(d) else {
                errors.append(doc.error("\"\(d)\" is not a plugin id", at: dependsNode(entry, i), path: entry.path.appending("depends").appending(index: i)))
                continue
            }
            deps.append(PluginID(d))
        }
        return deps
    }

    private mutating func reportMissing(_ missing: PluginID, of entry: Entry) {
        let reason = catalog.types[missing] == nil
            ? "depends on \"\(missing)\", which this jiuyed does not have"
            : "depends on \"\(missing)\", which is not enabled; add it under plugins"
        if let i = entry.settings.depends.firstIndex(of: missing.rawValue), !entry.type.dependencies.contains(missing) {
            errors.append(doc.error(reason, at: dependsNode(entry, i), path: entry.path.appending("depends").appending(index: i)))
        } else {
            errors.append(doc.error(reason, at: entry.keyNode, path: entry.path))
        }
    }

    private func dependsNode(_ entry: Entry, _ index: Int) -> Node? {
        ConfigDocument.find(["depends", "\(index)"], in: entry.node)
    }
}
