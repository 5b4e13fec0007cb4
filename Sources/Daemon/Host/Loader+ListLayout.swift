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
            for (key, value) in v.filters.sorted(by: { $0.key < $1.key }) {
                if let problem = Self.listFilterProblem(key, value, of: kind) {
                    problems.append(doc.error(problem, at: at("views", "\(j)", "filters"), path: viewPath.appending("filters").appending(key)))
                }
            }
            return SavedView(v.id, LocalizedText(v.label), filters: v.filters)
        }
    }

    /// What is wrong with a view's filter `key=value` on `kind`, or nil: the key must be one the
    /// list route takes, a state one of the workflow's (`rejected:*` a prefix of some), a level's
    /// status one of the five.
    static func listFilterProblem(_ key: String, _ value: String, of kind: RecordKindSpec) -> String? {
        let states = kind.process.workflow?.states.map(\.id) ?? []
        switch key {
        case "cohort", "college", "major", "class":
            return Int(value) == nil ? "\(key) is a number" : nil
        case "state":
            let unknown = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { s in
                s.hasSuffix("*") ? !states.contains { $0.hasPrefix(s.dropLast()) } : !states.contains(s)
            }
            return unknown.isEmpty ? nil : "\"\(kind.id)\" has no state \(unknown.joined(separator: ", ")) (it has: \(states.joined(separator: ", ")))"
        case _ where key.hasPrefix("level."):
            guard case .review(let pipeline) = kind.process, pipeline.stages.contains(where: { "level.\($0.role.rawValue)" == key }) else {
                return "\"\(key)\" names no review level of \"\(kind.id)\""
            }
            return ["unsubmitted", "pending", "approved", "rejected", "fixed"].contains(value)
                ? nil : "a level's status is unsubmitted, pending, approved, rejected or fixed"
        default:
            return kind.field(key) == nil
                ? "\"\(key)\" is not a list filter of \"\(kind.id)\": use state, cohort, college, major, class, level.<role> or a field" : nil
        }
    }
}
