import PluginAPI
import Yams

extension PluginSet {
    /// Reads, decodes and validates `plugins.yaml` and registers every enabled plugin.
    ///
    /// Phases: strict decode with defaults → each plugin's configuration validated → register
    /// (declarations only) → declarations checked → dependency order. Every error found is
    /// reported at once, each with its file, line, column and key path.
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
private struct Loader {
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

    mutating func run(reservedAdminVerbs: Set<String>) -> PluginSet? {
        guard case .mapping(let rootMap) = doc.root else { return nil }
        let root = ConfigPath()

        // 1. The daemon's own settings, section by section so one bad section hides no other,
        //    each strict and over its defaults.
        var settings = DaemonSettings()
        let sections = ["institution", "server", "admin", "storage", "auth", "wechat", "notifications", "materials", "imports", "codeTables", "plugins"]
        for pair in rootMap where !sections.contains(pair.key.string ?? "") {
            let name = pair.key.string ?? ""
            errors.append(doc.error("unknown key \"\(name)\" (known keys: \(sections.joined(separator: ", ")))", at: pair.key, path: root.appending(name)))
        }
        do { settings.institution = try doc.decodeWithDefaults(InstitutionSettings.self, defaults: .init(), from: rootMap["institution"], path: root.appending("institution")) } catch { record(error) }
        do { settings.server = try doc.decodeWithDefaults(ServerSettings.self, defaults: .init(), from: rootMap["server"], path: root.appending("server")) } catch { record(error) }
        do { settings.admin = try doc.decodeWithDefaults(AdminSettings.self, defaults: .init(), from: rootMap["admin"], path: root.appending("admin")) } catch { record(error) }
        do { settings.auth = try doc.decodeWithDefaults(AuthSettings.self, defaults: .init(), from: rootMap["auth"], path: root.appending("auth")) } catch { record(error) }
        do { settings.wechat = try doc.decodeWithDefaults(WeChatSettings.self, defaults: .init(), from: rootMap["wechat"], path: root.appending("wechat")) } catch { record(error) }
        do { settings.notifications = try doc.decodeWithDefaults(NotificationSettings.self, defaults: .init(), from: rootMap["notifications"], path: root.appending("notifications")) } catch { record(error) }
        do { settings.materials = try doc.decodeWithDefaults(MaterialSettings.self, defaults: .init(), from: rootMap["materials"], path: root.appending("materials")) } catch { record(error) }
        do { settings.imports = try doc.decodeWithDefaults(ImportSettings.self, defaults: .init(), from: rootMap["imports"], path: root.appending("imports")) } catch { record(error) }
        do { settings.storage = try doc.decodeWithDefaults(StorageSettings.self, defaults: .init(), from: rootMap["storage"], path: root.appending("storage")) } catch { record(error) }
        var codeTables = CodeTable.builtin
        do {
            let extra = try doc.decodeWithDefaults([String: CodeTableSettings].self, defaults: [:], from: rootMap["codeTables"], path: root.appending("codeTables"))
            for (id, t) in extra.sorted(by: { $0.key < $1.key }) {
                var table = codeTables[id] ?? CodeTable(id: id, label: LocalizedText(t.label ?? id), entries: [])
                if let l = t.label { table.label = LocalizedText(l, en: table.label.en) }
                for e in t.entries where !table.contains(e.code) { table.entries.append(CodeEntry(e.code, e.name, parent: e.parent)) }
                codeTables[id] = table
            }
        } catch { record(error) }
        for (path, message) in settings.problems() {
            errors.append(doc.error(message, at: ConfigDocument.find(path.parts.map(\.text), in: doc.root), path: path))
        }

        // 2. Plugin entries, each decoded strictly; `config` apart, by the plugin's own type.
        let pluginsPath = root.appending("plugins")
        if let problem = Self.missingPlugins(rootMap) {
            let key = ConfigDocument.keyNode("plugins", in: doc.root)
            errors.append(ConfigError(file: doc.file, line: key?.mark?.line ?? 1, column: key?.mark?.column ?? 1, path: "plugins", message: problem))
            return nil
        }
        var entries: [Entry] = []
        var disabled = Set<PluginID>()
        // Plugins whose entry could not be read: enabled as far as dependency checks go.
        var unreadable = Set<PluginID>()
        if let pluginsNode = rootMap["plugins"], !pluginsNode.isNull {
            guard case .mapping(let pluginsMap) = pluginsNode else {
                errors.append(doc.error("expected a mapping of plugin ids, found \(pluginsNode.kindName)", at: pluginsNode, path: pluginsPath))
                return nil
            }
            for pair in pluginsMap {
                let name = pair.key.string ?? ""
                let path = pluginsPath.appending(name)
                if Self.corePaths.contains(name) {
                    errors.append(doc.error("\"\(name)\" is a core API path and cannot be a plugin id", at: pair.key, path: path))
                    continue
                }
                let declares = pair.value.mapping?["declare"] != nil
                guard let type = catalog.types[PluginID(name)] ?? (declares ? DeclaredPlugin.self : nil) else {
                    let known = catalog.ids.map(\.rawValue).joined(separator: ", ")
                    errors.append(doc.error("unknown plugin \"\(name)\" (this jiuyed has: \(known); a plugin written in YAML needs declare:)", at: pair.key, path: path))
                    continue
                }
                if declares && catalog.types[PluginID(name)] != nil {
                    errors.append(doc.error("\"\(name)\" is a built-in plugin: declare: is only for plugins written in YAML",
                                            at: ConfigDocument.keyNode("declare", in: pair.value), path: path.appending("declare")))
                    continue
                }
                guard PluginID.isValid(name) else {
                    errors.append(doc.error("a plugin id is lowercase words joined by hyphens", at: pair.key, path: path))
                    continue
                }
                let entryPairs = pair.value.mapping.map { m in m.filter { $0.key.string != "config" }.map { ($0.key, $0.value) } } ?? []
                let hostNode: Node = pair.value.mapping.map { .mapping(Node.Mapping(entryPairs, $0.tag, $0.style, $0.mark)) } ?? pair.value
                do {
                    let s = try doc.decodeWithDefaults(PluginEntrySettings.self, defaults: PluginEntrySettings(), from: hostNode, path: path)
                    if s.enabled { entries.append(Entry(id: PluginID(name), keyNode: pair.key, path: path, settings: s, node: pair.value, type: type)) }
                    else { disabled.insert(PluginID(name)) }
                } catch {
                    unreadable.insert(PluginID(name))
                    record(error)
                }
            }
        }

        // 3. Dependencies, from code and from `depends`: a missing one or a cycle is an error at
        //    the plugin's key (or at the `depends` item that names it).
        var dependencies: [PluginID: [PluginID]] = [:]
        for entry in entries {
            var deps = entry.type.dependencies
            for (i, d) in entry.settings.depends.enumerated() where !deps.contains(PluginID(d)) {
                guard PluginID.isValid(d) else {
                    errors.append(doc.error("\"\(d)\" is not a plugin id", at: dependsNode(entry, i), path: entry.path.appending("depends").appending(index: i)))
                    continue
                }
                deps.append(PluginID(d))
            }
            dependencies[entry.id] = deps
        }
        let enabled = Set(entries.map(\.id)).union(unreadable)
        var broken = Set<PluginID>()
        for entry in entries {
            for missing in dependencies[entry.id]! where !enabled.contains(missing) {
                broken.insert(entry.id)
                let reason = catalog.types[missing] == nil
                    ? "depends on \"\(missing)\", which this jiuyed does not have"
                    : "depends on \"\(missing)\", which is not enabled; add it under plugins"
                if let i = entry.settings.depends.firstIndex(of: missing.rawValue), !entry.type.dependencies.contains(missing) {
                    errors.append(doc.error(reason, at: dependsNode(entry, i), path: entry.path.appending("depends").appending(index: i)))
                } else {
                    errors.append(doc.error(reason, at: entry.keyNode, path: entry.path))
                }
            }
        }
        var order: [PluginID] = []
        switch DependencyOrder.sort(dependencies.mapValues { $0.filter { dependencies[$0] != nil } }) {
        case .success(let o):
            order = o
        case .failure(.cycle(let cycle)):
            let entry = entries.first { $0.id == cycle[0] }!
            errors.append(doc.error("dependency cycle: \(cycle.map(\.rawValue).joined(separator: " → "))", at: entry.keyNode, path: entry.path))
            broken.formUnion(cycle)
        case .failure(.missing):
            break  // reported above
        }

        // 4. Each plugin's configuration decoded and validated, then the plugin created and
        //    registered, in start order: code tables a plugin declares are visible to those after it.
        var loaded: [PluginID: LoadedPlugin] = [:]
        let entryByID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        for id in (order.isEmpty ? entries.map(\.id) : order) {
            let entry = entryByID[id]!
            do {
                let plugin: LoadedPlugin
                if let declared = entry.settings.declare {
                    let kinds = try declaredKinds(declared, entry: entry, codeTables: codeTables)
                    plugin = try LoadedPlugin(instance: DeclaredPlugin(kinds: kinds),
                                              identity: (entry.id, DeclaredPlugin.version, LocalizedText(declared.label)),
                                              dependencies: dependencies[id]!, codeTables: codeTables)
                } else {
                    let instance = try instantiate(entry.type, entry: entry)
                    plugin = try LoadedPlugin(instance: instance, dependencies: dependencies[id]!, codeTables: codeTables)
                }
                for t in plugin.codeTables { codeTables[t.id] = t }
                loaded[entry.id] = try applyOverrides(to: plugin, entry: entry)
            } catch { record(error) }
        }

        // 5. Declarations checked across the set (plugins with broken dependencies are already errors).
        var routes = RouteTable()
        var verbs: [String: (plugin: PluginID, spec: AdminCommandSpec)] = [:]
        var kindOwners: [String: PluginID] = [:]
        let emitted = Set(loaded.values.flatMap { $0.emittedEvents.map(\.name) })
        for entry in entries where !broken.contains(entry.id) {
            guard let p = loaded[entry.id] else { continue }
            func fail(_ message: String) { errors.append(doc.error(message, at: entry.keyNode, path: entry.path)) }
            for kind in p.kinds {
                if let other = kindOwners[kind.id] { fail("record kind \"\(kind.id)\" is already declared by plugin \"\(other)\"") }
                kindOwners[kind.id] = p.id
                var keys = Set<String>()
                for f in kind.fields {
                    if !keys.insert(f.key).inserted { fail("kind \"\(kind.id)\": field \"\(f.key)\" is declared twice") }
                    if case .code(let table) = f.type, codeTables[table] == nil {
                        fail("kind \"\(kind.id)\": field \"\(f.key)\" uses unknown code table \"\(table)\"")
                    }
                }
                for problem in kind.process.workflow?.problems() ?? [] { fail("kind \"\(kind.id)\": \(problem)") }
                if let party = kind.party {
                    // Scopes know one kind of party: an employer, by its credit code.
                    if party.role != .employer { fail("kind \"\(kind.id)\": a record's party can only be an employer, not \(party.role.rawValue)") }
                    if kind.field(party.field) == nil { fail("kind \"\(kind.id)\": party field \"\(party.field)\" is not declared") }
                }
            }
            for r in p.routes {
                if r.segments.isEmpty || r.segments.contains(where: { $0 == ":" }) { fail("route \"\(r.path)\" is malformed") }
                if routes.conflicts(r, plugin: p.id) { fail("route \(r.method.rawValue) \(r.path) is declared twice") }
                routes.add(r, plugin: p.id)
            }
            for c in p.adminCommands {
                let words = c.words.joined(separator: " ")
                if reservedAdminVerbs.contains(words) { fail("admin verb \"\(words)\" belongs to the core") }
                else if let other = verbs[words] { fail("admin verb \"\(words)\" is already declared by plugin \"\(other.plugin)\"") }
                else { verbs[words] = (p.id, c) }
            }
            for h in p.hooks where !emitted.contains(h.event) {
                fail("listens to event \"\(h.event)\", which no enabled plugin emits")
            }
        }

        guard errors.isEmpty else { return nil }
        let pluginsKey = ConfigDocument.keyNode("plugins", in: doc.root)
        return PluginSet(source: doc.file, settings: settings, plugins: order.map { loaded[$0]! },
                         routes: routes, adminCommands: verbs, codeTables: codeTables,
                         disabled: disabled, pluginsPosition: (pluginsKey?.mark?.line, pluginsKey?.mark?.column))
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

    private func dependsNode(_ entry: Entry, _ index: Int) -> Node? {
        ConfigDocument.find(["depends", "\(index)"], in: entry.node)
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

    /// The kinds of a plugin written in YAML.
    private func declaredKinds(_ declared: DeclaredPluginSettings, entry: Entry, codeTables: [String: CodeTable]) throws -> [RecordKindSpec] {
        var problems: [ConfigError] = []
        var kinds: [RecordKindSpec] = []
        let base = entry.path.appending("declare").appending("kinds")
        let kindsNode = ConfigDocument.find(["declare", "kinds"], in: entry.node)
        for (name, k) in declared.kinds.sorted(by: { $0.key < $1.key }) {
            var fields: [FieldSpec] = []
            for (j, f) in k.fields.enumerated() {
                if fields.contains(where: { $0.key == f.key }) {
                    problems.append(doc.error("field \"\(f.key)\" is declared twice", at: kindsNode.flatMap { ConfigDocument.find([name, "fields", "\(j)"], in: $0) },
                                              path: base.appending(name).appending("fields").appending(index: j)))
                } else if let problem = f.apply(to: &fields) {
                    problems.append(doc.error(problem, at: kindsNode.flatMap { ConfigDocument.find([name, "fields", "\(j)"], in: $0) },
                                              path: base.appending(name).appending("fields").appending(index: j)))
                }
            }
            var process = RecordProcess.none
            if let r = k.review {
                var pipeline = ReviewPipeline(stages: r.stages.map(ReviewStage.init), resubmission: r.resubmission ?? .firstStage,
                                              submitters: r.submitters.map(Set.init) ?? [.student])
                if let reasons = r.reasons, !reasons.isEmpty { pipeline.rejectReasons = reasons.map { CodeEntry($0.code, $0.name) } }
                for p in pipeline.problems() {
                    problems.append(doc.error(p, at: kindsNode.flatMap { ConfigDocument.find([name, "review"], in: $0) }, path: base.appending(name).appending("review")))
                }
                process = .review(pipeline)
            }
            let cardinality = RecordKindSpec.Cardinality(rawValue: k.cardinality ?? "one-per-student")
            if cardinality == nil {
                problems.append(doc.error("cardinality is one-per-student or many", at: kindsNode.flatMap { ConfigDocument.find([name, "cardinality"], in: $0) },
                                          path: base.appending(name).appending("cardinality")))
            }
            kinds.append(RecordKindSpec(id: name, label: LocalizedText(k.label), fields: fields, process: process, cardinality: cardinality ?? .onePerStudent,
                                        studentForm: k.studentForm ?? .direct))
        }
        if !problems.isEmpty { throw ConfigErrors(problems) }
        return kinds
    }

    /// Applies `plugins.<id>.kinds.<kind>` overrides to the declared kinds.
    private func applyOverrides(to plugin: LoadedPlugin, entry: Entry) throws -> LoadedPlugin {
        var kinds = plugin.kinds
        var problems: [ConfigError] = []
        let kindsNode = ConfigDocument.find(["kinds"], in: entry.node)
        for (name, settings) in entry.settings.kinds.sorted(by: { $0.key < $1.key }) {
            let path = entry.path.appending("kinds").appending(name)
            let keyNode = kindsNode.flatMap { ConfigDocument.keyNode(name, in: $0) }
            guard let i = kinds.firstIndex(where: { $0.id == name }) else {
                let known = kinds.map(\.id).joined(separator: ", ")
                problems.append(doc.error("plugin \"\(plugin.id)\" has no record kind \"\(name)\" (it has: \(known))", at: keyNode, path: path))
                continue
            }
            for (j, f) in (settings.fields ?? []).enumerated() {
                if let problem = f.apply(to: &kinds[i].fields) {
                    problems.append(doc.error(problem, at: kindsNode.flatMap { ConfigDocument.find([name, "fields", "\(j)"], in: $0) },
                                              path: path.appending("fields").appending(index: j)))
                }
            }
            if let form = settings.studentForm { kinds[i].studentForm = form }
            guard let review = settings.review else { continue }
            let reviewPath = path.appending("review")
            let reviewNode = kindsNode.flatMap { ConfigDocument.find([name, "review"], in: $0) }
            guard case .review(var pipeline) = kinds[i].process else {
                problems.append(doc.error("kind \"\(name)\" has no review stages to set", at: reviewNode, path: reviewPath))
                continue
            }
            for (j, role) in review.stages.enumerated() where !role.isStaff {
                problems.append(doc.error("role \"\(role.rawValue)\" cannot review; use counselor, college or school",
                                          at: reviewNode.flatMap { ConfigDocument.find(["stages", "\(j)"], in: $0) },
                                          path: reviewPath.appending("stages").appending(index: j)))
            }
            pipeline.stages = review.stages.map(ReviewStage.init)
            if let r = review.resubmission { pipeline.resubmission = r }
            if let s = review.submitters { pipeline.submitters = Set(s) }
            if let reasons = review.reasons, !reasons.isEmpty { pipeline.rejectReasons = reasons.map { CodeEntry($0.code, $0.name) } }
            for p in pipeline.problems() where review.stages.allSatisfy(\.isStaff) {
                problems.append(doc.error(p, at: reviewNode.flatMap { ConfigDocument.find(["stages"], in: $0) }, path: reviewPath.appending("stages")))
            }
            kinds[i].process = .review(pipeline)
        }
        if !problems.isEmpty { throw ConfigErrors(problems) }
        return plugin.with(kinds: kinds)
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
