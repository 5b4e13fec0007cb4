import PluginAPI

extension RecordQuery.Filter {
    /// The names a list takes besides filters.
    static let listParameters: Set<String> = ["size", "sort", "fields", "after"]

    /// Filters by name, as the list route and plugins give them: org and cohort, state,
    /// `level.<role>=<status>`, and `<field>=<value>` on indexed fields (others are refused: they
    /// would need a scan). Each bad one is a 400 naming it.
    init(_ pairs: [(String, String)], kind: RecordTables) throws {
        self.init()
        func number<T: FixedWidthInteger>(_ name: String, _ text: String) throws -> T {
            guard let n = T(text) else { throw APIError(.badRequest, code: "bad_request", message: "参数 \(name) 应为数字", field: name) }
            return n
        }
        for (k, value) in pairs {
            switch k {
            case "cohort": cohort = try number(k, value)
            case "college": college = try number(k, value)
            case "major": major = try number(k, value)
            case "class": classID = try number(k, value)
            case "state": state = value
            case _ where Self.listParameters.contains(k): continue
            case _ where k.hasPrefix("level."):
                guard let role = Role(rawValue: String(k.dropFirst(6))), let i = kind.levelIndex(role) else {
                    throw APIError(.badRequest, code: "unknown_level", message: "没有审核级别 \(k.dropFirst(6))", field: k)
                }
                guard let status = LevelStatus(name: value) else {
                    throw APIError(.badRequest, code: "unknown_status", message: "审核状态应为 pending、approved、rejected 或 fixed", field: k)
                }
                levels.append((i, status))
            default:
                guard let i = kind.termIndex(k), kind.termFields[i].indexed else {
                    throw APIError(.badRequest, code: "unknown_filter", message: kind.spec.field(k) == nil ? "没有字段 \(k)" : "字段 \(k) 不能用于筛选", field: k)
                }
                fields.append((i, value))
            }
        }
    }
}
