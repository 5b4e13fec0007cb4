import PluginAPI

/// Phase 5 of loading: declarations checked across the set. Record kinds, routes and admin verbs
/// must not clash; fields must name known code tables; hooks must listen to an emitted event.
extension Loader {
    /// The routes and admin verbs of the whole set, once checked.
    struct Declarations {
        var routes = RouteTable()
        var verbs: [String: (plugin: PluginID, spec: AdminCommandSpec)] = [:]
        var kindOwners: [String: PluginID] = [:]
    }

    /// Checks the registered plugins in file order (plugins with broken dependencies are already errors
    /// and not passed in); each problem is an error at the plugin's key.
    mutating func checkDeclarations(_ entries: [Entry], loaded: [PluginID: LoadedPlugin], codeTables: [String: CodeTable],
                                    reservedAdminVerbs: Set<String>) -> Declarations {
        var declared = Declarations()
        let emitted = Set(loaded.values.flatMap { $0.emittedEvents.map(\.name) })
        for entry in entries {
            guard let p = loaded[entry.id] else { continue }
            var problems: [String] = []
            for kind in p.kinds { declared.check(kind, of: p.id, codeTables: codeTables, problems: &problems) }
            for r in p.routes { declared.check(r, of: p.id, problems: &problems) }
            for c in p.adminCommands { declared.check(c, of: p.id, reserved: reservedAdminVerbs, problems: &problems) }
            problems += ConsolePageCheck.problems(p.consolePages, routes: p.routes, kinds: Set(loaded.values.flatMap { $0.kinds.map(\.id) }), codeTables: codeTables)
            for h in p.hooks where !emitted.contains(h.event) {
                problems.append("listens to event \"\(h.event)\", which no enabled plugin emits")
            }
            errors += problems.map { doc.error($0, at: entry.keyNode, path: entry.path) }
        }
        return declared
    }
}

extension Loader.Declarations {
    mutating func check(_ kind: RecordKindSpec, of plugin: PluginID, codeTables: [String: CodeTable], problems: inout [String]) {
        if let other = kindOwners[kind.id] { problems.append("record kind \"\(kind.id)\" is already declared by plugin \"\(other)\"") }
        kindOwners[kind.id] = plugin
        var keys = Set<String>()
        for f in kind.fields {
            if !keys.insert(f.key).inserted { problems.append("kind \"\(kind.id)\": field \"\(f.key)\" is declared twice") }
            if case .code(let table) = f.type, codeTables[table] == nil {
                problems.append("kind \"\(kind.id)\": field \"\(f.key)\" uses unknown code table \"\(table)\"")
            }
        }
        for problem in kind.process.workflow?.problems() ?? [] { problems.append("kind \"\(kind.id)\": \(problem)") }
        if let party = kind.party {
            // Scopes know one kind of party: an employer, by its credit code.
            if party.role != .employer { problems.append("kind \"\(kind.id)\": a record's party can only be an employer, not \(party.role.rawValue)") }
            if kind.field(party.field) == nil { problems.append("kind \"\(kind.id)\": party field \"\(party.field)\" is not declared") }
        }
    }

    mutating func check(_ r: RouteSpec, of plugin: PluginID, problems: inout [String]) {
        if r.segments.isEmpty || r.segments.contains(where: { $0 == ":" }) { problems.append("route \"\(r.path)\" is malformed") }
        if routes.conflicts(r, plugin: plugin) { problems.append("route \(r.method.rawValue) \(r.path) is declared twice") }
        routes.add(r, plugin: plugin)
    }

    mutating func check(_ c: AdminCommandSpec, of plugin: PluginID, reserved: Set<String>, problems: inout [String]) {
        let words = c.words.joined(separator: " ")
        if reserved.contains(words) { problems.append("admin verb \"\(words)\" belongs to the core") }
        else if let other = verbs[words] { problems.append("admin verb \"\(words)\" is already declared by plugin \"\(other.plugin)\"") }
        else { verbs[words] = (plugin, c) }
    }
}
