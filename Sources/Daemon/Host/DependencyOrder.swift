import PluginAPI

/// Orders plugins so each comes after everything it depends on.
enum DependencyOrder {
    enum Failure: Error, Equatable {
        /// `plugin` depends on `missing`, which is not in the set.
        case missing(plugin: PluginID, missing: PluginID)
        /// These plugins depend on each other in a circle (first repeated at the end).
        case cycle([PluginID])
    }

    /// Topological order; among plugins free at the same time, by id, so the order never depends
    /// on the file's order or on dictionary order.
    static func sort(_ dependencies: [PluginID: [PluginID]]) -> Result<[PluginID], Failure> {
        for (plugin, deps) in dependencies.sorted(by: { $0.key < $1.key }) {
            for d in deps where dependencies[d] == nil { return .failure(.missing(plugin: plugin, missing: d)) }
        }
        var remaining = dependencies.mapValues(Set.init)
        var order: [PluginID] = []
        while !remaining.isEmpty {
            guard let next = remaining.filter({ $0.value.isEmpty }).keys.min() else {
                return .failure(.cycle(findCycle(remaining)))
            }
            order.append(next)
            remaining[next] = nil
            for key in remaining.keys { remaining[key]!.remove(next) }
        }
        return .success(order)
    }

    /// One cycle among plugins that all still wait on something.
    private static func findCycle(_ waiting: [PluginID: Set<PluginID>]) -> [PluginID] {
        var path: [PluginID] = []
        var current = waiting.keys.min()!
        while !path.contains(current) {
            path.append(current)
            current = waiting[current]!.filter { waiting[$0] != nil }.min()!
        }
        return Array(path[path.firstIndex(of: current)!...]) + [current]
    }
}
