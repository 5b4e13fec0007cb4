import PluginAPI

/// The resume library's own routes: the default resume, the shown resume, the staff list with
/// pinned resumes first, and the statistics with their drill-down. Scope and the threshold are
/// the core's: every read goes through the caller's record access.
struct ResumeRoutes: Sendable {
    let threshold: Int
    static let kind = ResumeLibraryPlugin.kind

    func register(into context: RegistrationContext) {
        let threshold = self.threshold
        let kind = Self.kind
        let staff = Role.staff

        context.route(RouteSpec(
            method: .post, path: "resumes/:id/default", roles: [.student],
            summary: LocalizedText("设为默认简历", en: "make the default resume"), input: nil, output: .any
        ) { request in
            let id = request.parameters["id"] ?? ""
            let chosen = try request.store.write { txn -> RecordSnapshot in
                guard let r = try txn.records.record(kind, id), r.student == request.principal.id else { throw PluginError.notFound() }
                var chosen = r
                // One default per student: the flag moves, in one transaction.
                for other in try txn.records.records(kind, student: r.student) {
                    let isIt = other.id == id
                    guard (other.values["isDefault"] == .bool(true)) != isIt else { continue }
                    let updated = try txn.systemRecords.update(kind, other.id, values: ["isDefault": .bool(isIt)])
                    if isIt { chosen = updated }
                }
                return chosen
            }
            return RouteResponse(status: 200, body: Self.json(chosen))
        })

        context.route(RouteSpec(
            method: .get, path: "students/:number/resume", roles: staff.union([.student]),
            summary: LocalizedText("学生展示的简历：默认简历；没有则最完整的；同分取最近更新", en: "a student's shown resume"),
            input: nil, output: .any
        ) { request in
            let number = request.parameters["number"] ?? ""
            let shown = try request.store.read { txn -> RecordSnapshot in
                // The student must be within the caller's reach (their graduate record is).
                guard !(try txn.records.records("source-info", student: number)).isEmpty || number == request.principal.id else {
                    throw PluginError.notFound("没有该学生")
                }
                guard let shown = ResumeLibraryPlugin.shown(try txn.systemRecords.records(kind, student: number)) else {
                    throw PluginError.notFound("该学生还没有简历")
                }
                guard let visible = try txn.records.record(kind, shown.id) else {
                    throw PluginError.notFound("简历完整度未达到 \(threshold)%，暂不能查看")
                }
                return visible
            }
            return RouteResponse(status: 200, body: Self.json(shown))
        })

        context.route(RouteSpec(
            method: .get, path: "resumes", roles: staff,
            summary: LocalizedText("简历列表（完整度达标的；置顶在前）", en: "resumes, pinned first"), input: nil, output: .any
        ) { request in
            var filters = request.query.filter { ["cohort", "college", "major", "class"].contains($0.key) }
            let size = try Self.pageSize(request)
            let page = try request.store.read { txn -> [RecordSnapshot] in
                filters["pinned"] = "true"
                let pinned = try txn.records.list(kind, filters: filters, after: nil, limit: size)
                filters["pinned"] = nil
                var out = pinned
                var after: String?
                while out.count < size {
                    let more = try txn.records.list(kind, filters: filters, after: after, limit: size)
                    out += more.filter { $0.values["pinned"] != .bool(true) }.prefix(size - out.count)
                    guard more.count == size, let last = more.last else { break }
                    after = last.id
                }
                return out
            }
            return RouteResponse(status: 200, body: ["resumes": .array(page.map(Self.json))])
        })

        context.route(RouteSpec(
            method: .get, path: "stats", roles: staff,
            summary: LocalizedText("简历统计：按学院或专业、学历层次，已认证人数、拟毕业生人数、达标简历人数", en: "statistics"),
            input: nil, output: .any
        ) { request in
            var cohort: Int?
            if let text = request.query["cohort"] {
                guard let year = Int(text) else { throw PluginError.badRequest("届别应为年份，如 2026", field: "cohort") }
                cohort = year
            }
            let group: StatisticsGroup
            switch request.query["group"] ?? "major" {
            case "major": group = .major
            case "college": group = .college
            default: throw PluginError.badRequest("分组只能是 college 或 major", field: "group")
            }
            let stats = request.statistics
            let authenticated = try stats.studentCounts(dimension: "wechat", cohort: cohort, group: group)
            let planned = try stats.counts(kind: "source-info", dimension: "field.educationLevel", cohort: cohort, group: group)
            let resumes = try stats.counts(kind: kind, dimension: "field.readyLevel", cohort: cohort, group: group)
            return RouteResponse(status: 200, body: ResumeStatistics(authenticated: authenticated, planned: planned, resumes: resumes)
                .json(group: group, cohort: cohort, threshold: threshold))
        })

        context.route(RouteSpec(
            method: .get, path: "stats/students", roles: staff,
            summary: LocalizedText("统计下钻：某单位、学历层次的学生及其展示简历的完整度", en: "drill-down to students"),
            input: nil, output: .any
        ) { request in
            var filters = request.query.filter { ["cohort", "college", "major", "class"].contains($0.key) }
            if let level = request.query["educationLevel"] { filters["educationLevel"] = level }
            let size = try Self.pageSize(request)
            let rows = try request.store.read { txn -> [JSONValue] in
                try txn.records.list("source-info", filters: filters, after: request.query["after"], limit: size).map { graduate in
                    let shown = ResumeLibraryPlugin.shown(try txn.systemRecords.records(kind, student: graduate.student))
                    return [
                        "student": .string(graduate.student), "name": .string(graduate.studentName),
                        "educationLevel": .string(graduate.text("educationLevel")),
                        "resume": shown.map { .string($0.id) } ?? .null,
                        "completeness": shown.map { .int(ResumeLibraryPlugin.completeness($0)) } ?? .null,
                    ]
                }
            }
            let next: JSONValue = rows.count == size ? (rows.last?["student"] ?? .null) : .null
            return RouteResponse(status: 200, body: ["students": .array(rows), "next": next])
        })
    }

    /// `size=` between 1 and 200, 50 when absent.
    static func pageSize(_ request: RouteRequest) throws -> Int {
        guard let text = request.query["size"] else { return 50 }
        guard let n = Int(text), (1...200).contains(n) else { throw PluginError.badRequest("每页条数应为 1 至 200", field: "size") }
        return n
    }

    static func json(_ r: RecordSnapshot) -> JSONValue {
        ["id": .string(r.id), "student": .string(r.student), "studentName": .string(r.studentName),
         "updated": .double(r.updated), "values": .object(r.values)]
    }
}

/// The three counts side by side, a row per unit and education level.
struct ResumeStatistics {
    let authenticated: StatisticsTable, planned: StatisticsTable, resumes: StatisticsTable

    func json(group: StatisticsGroup, cohort: Int?, threshold: Int) -> JSONValue {
        struct Key: Hashable, Comparable {
            let unit: Int, level: String
            static func < (a: Key, b: Key) -> Bool { (a.unit, a.level) < (b.unit, b.level) }
        }
        var names: [Int: String] = [:]
        var rows: [Key: (Int, Int, Int)] = [:]
        func add(_ table: StatisticsTable, _ slot: Int) {
            for row in table.rows {
                let unit = row.unitID ?? 0
                names[unit] = row.name
                for (level, n) in row.counts where !level.isEmpty {
                    var c = rows[Key(unit: unit, level: level)] ?? (0, 0, 0)
                    switch slot {
                    case 0: c.0 += n
                    case 1: c.1 += n
                    default: c.2 += n
                    }
                    rows[Key(unit: unit, level: level)] = c
                }
            }
        }
        add(authenticated, 0); add(planned, 1); add(resumes, 2)
        let total = rows.values.reduce((0, 0, 0)) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2) }
        return [
            "cohort": cohort.map { .int($0) } ?? .null, "group": .string(group.rawValue), "threshold": .int(threshold),
            "rows": .array(rows.sorted { $0.key < $1.key }.map { key, c in
                ["unit": .int(key.unit), "name": .string(names[key.unit] ?? ""), "educationLevel": .string(key.level),
                 "authenticated": .int(c.0), "planned": .int(c.1), "resumes": .int(c.2)]
            }),
            "totals": ["authenticated": .int(total.0), "planned": .int(total.1), "resumes": .int(total.2)],
        ]
    }
}
