import PluginAPI
import Yams

/// `kinds.<kind>.list` and `kinds.<kind>.views`: how the console lists a kind, for built-in and
/// YAML-only kinds alike. Every key named must be a field of the kind; every view filter one the
/// list route takes.
extension Loader {
    func applyListSettings(_ list: ListSettings?, views: [ViewSettings]?, to kind: inout RecordKindSpec, node: Node?, path: ConfigPath,
                           problems: inout [ConfigError]) {
        func at(_ parts: String...) -> Node? { node.flatMap { ConfigDocument.find(parts, in: $0) } }
        func known(_ keys: [String], _ name: String) -> [String] {
            for (j, key) in keys.enumerated() where kind.field(key) == nil {
                problems.append(doc.error("kind \"\(kind.id)\" has no field \"\(key)\" (list.\(name))", at: at("list", name, "\(j)"),
                                          path: path.appending("list").appending(name).appending(index: j)))
            }
            return keys
        }
        if let list {
            if let c = list.columns { kind.list.columns = known(c, "columns") }
            if let f = list.filters { kind.list.filters = known(f, "filters") }
        }
        guard let views else { return }
        var ids = Set<String>()
        kind.views = views.enumerated().map { j, v in
            let viewPath = path.appending("views").appending(index: j)
            if !ids.insert(v.id).inserted {
                problems.append(doc.error("view \"\(v.id)\" is declared twice", at: at("views", "\(j)"), path: viewPath))
            }
            for key in v.filters.keys.sorted() where !Self.isListFilter(key, of: kind) {
                problems.append(doc.error("\"\(key)\" is not a list filter of \"\(kind.id)\": use state, cohort, college, major, class, level.<role> or a field",
                                          at: at("views", "\(j)", "filters"), path: viewPath.appending("filters").appending(key)))
            }
            return SavedView(v.id, LocalizedText(v.label), filters: v.filters)
        }
    }

    /// Whether the list route takes `key` as a filter of `kind`.
    static func isListFilter(_ key: String, of kind: RecordKindSpec) -> Bool {
        if ["state", "cohort", "college", "major", "class"].contains(key) || kind.field(key) != nil { return true }
        guard key.hasPrefix("level."), case .review(let pipeline) = kind.process else { return false }
        return pipeline.stages.contains { "level.\($0.role.rawValue)" == key }
    }
}
