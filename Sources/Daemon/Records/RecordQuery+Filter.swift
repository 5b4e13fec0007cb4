import PluginAPI

extension RecordQuery.Filter {
    /// The names a list takes besides filters.
    static let listParameters: Set<String> = ["size", "sort", "fields", "after", "labels", "view"]

    /// Filters by name, as the list route and plugins give them: org and cohort, state (several
    /// separated by commas), `level.<role>=<status>`, and `<field>=<value>` on any declared field
    /// (an indexed one narrows the candidates; the others are checked on them). Each bad one is a
    /// 400 naming it.
    init(_ pairs: [(String, String)], kind: RecordTables) throws {
        self.init()
        var pairs = pairs
        // A saved view's filters first; the query's own come after: they add filters, and one
        // the view also sets (`state`) takes the query's value.
        if let name = pairs.first(where: { $0.0 == "view" })?.1 {
            guard let view = kind.spec.views.first(where: { $0.id == name }) else {
                throw APIError(.badRequest, code: .unknownView, message: "没有列表视图 \(name)", field: "view")
            }
            pairs = view.filters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + pairs.filter { $0.0 != "view" }
        }
        func number<T: FixedWidthInteger>(_ name: String, _ text: String) throws -> T {
            guard let n = T(text) else { throw APIError(.badRequest, code: .badRequest, message: "参数 \(name) 应为数字", field: name) }
            return n
        }
        for (k, value) in pairs {
            switch k {
            case "cohort": cohort = try number(k, value)
            case "college": college = try number(k, value)
            case "major": major = try number(k, value)
            case "class": classID = try number(k, value)
            case "state":
                // Declared states only; `rejected:*` is every declared state with that prefix.
                let declared = kind.workflow?.states.map(\.id) ?? []
                states = try value.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }.flatMap { s -> [String] in
                    let found = s.hasSuffix("*") ? declared.filter { $0.hasPrefix(s.dropLast()) } : declared.filter { $0 == s }
                    guard !found.isEmpty else {
                        throw APIError(.badRequest, code: .unknownState, message: "\(kind.spec.label.zh)没有状态 \(s)", field: "state")
                    }
                    return found
                }
            case _ where Self.listParameters.contains(k): continue
            case _ where k.hasPrefix("level."):
                guard let role = Role(rawValue: String(k.dropFirst(6))), let i = kind.levelIndex(role) else {
                    throw APIError(.badRequest, code: .unknownLevel, message: "没有审核级别 \(k.dropFirst(6))", field: k)
                }
                if value == "unsubmitted" {
                    levels.append((i, nil))
                } else if let status = LevelStatus(name: value) {
                    levels.append((i, status))
                } else {
                    throw APIError(.badRequest, code: .unknownStatus, message: "审核状态应为 unsubmitted、pending、approved、rejected 或 fixed", field: k)
                }
                initial = kind.workflow?.initial ?? ""
            default:
                // Any declared field filters: by its index, its stored term, or its value.
                guard kind.spec.field(k) != nil else {
                    throw APIError(.badRequest, code: .unknownFilter, message: "没有字段 \(k)", field: k)
                }
                if let i = kind.termIndex(k) {
                    if kind.termFields[i].indexed { fields.append((i, value)) } else { terms.append((i, value)) }
                } else {
                    values.append((k, value))
                }
            }
        }
    }
}
