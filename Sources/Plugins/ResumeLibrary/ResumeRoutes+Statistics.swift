import PluginAPI

/// The resume statistics and their drill-down to students.
extension ResumeRoutes {
    /// `GET stats`: the three counts side by side.
    func statistics() -> RouteSpec {
        let threshold = self.threshold
        return Self.staffGet("stats", LocalizedText("简历统计：按学院或专业、学历层次，已认证人数、拟毕业生人数、达标简历人数", en: "statistics"),
                             query: ["cohort", "group"]) { request in
            let (cohort, group) = try Self.statisticsQuery(request)
            let stats = request.statistics
            let authenticated = try stats.studentCounts(dimension: "wechat", cohort: cohort, group: group)
            let planned = try stats.counts(kind: "source-info", dimension: "field.educationLevel", cohort: cohort, group: group)
            let resumes = try stats.counts(kind: Self.kind, dimension: "field.readyLevel", cohort: cohort, group: group)
            return RouteResponse(status: 200, body: ResumeStatistics(authenticated: authenticated, planned: planned, resumes: resumes)
                .json(group: group, cohort: cohort, threshold: threshold))
        }
    }

    /// `cohort=` (a year, or every cohort) and `group=` (major, the default, or college).
    static func statisticsQuery(_ request: RouteRequest) throws -> (cohort: Int?, group: StatisticsGroup) {
        var cohort: Int?
        if let text = request.query["cohort"] {
            guard let year = Int(text) else { throw PluginError.badRequest("届别应为年份，如 2026", field: "cohort") }
            cohort = year
        }
        switch request.query["group"] ?? "major" {
        case "major": return (cohort, .major)
        case "college": return (cohort, .college)
        default: throw PluginError.badRequest("分组只能是 college 或 major", field: "group")
        }
    }

    /// `GET stats/students`: the students behind a count: of a unit (`college=`, `major=`, `class=`,
    /// or `unit=` with the statistics' `group=`) and level; `figure=resumes` keeps those whose
    /// default resume is counted. `viewable` is the shown resume's id when the caller may open it.
    func drillDown() -> RouteSpec {
        let threshold = self.threshold
        return Self.staffGet("stats/students", LocalizedText("统计下钻：某单位、学历层次的学生及其展示简历的完整度", en: "drill-down to students"),
                             query: ["cohort", "group", "unit", "college", "major", "class", "educationLevel", "figure", "size", "after"]) { request in
            var filters = request.query.filter { ["cohort", "college", "major", "class"].contains($0.key) }
            if let unit = request.query["unit"] { filters[try Self.statisticsQuery(request).group.rawValue] = unit }
            if let level = request.query["educationLevel"] { filters["educationLevel"] = level }
            let onlyCounted = request.query["figure"] == "resumes"
            let size = try Self.pageSize(request)
            let (rows, scanned) = try request.store.read { txn -> ([JSONValue], [RecordSnapshot]) in
                let graduates = try txn.records.list("source-info", filters: filters, after: request.query["after"], limit: size)
                let rows: [JSONValue] = try graduates.compactMap { graduate in
                    let resumes = try txn.systemRecords.records(Self.kind, student: graduate.student)
                    if onlyCounted && !resumes.contains(where: { $0.values["isDefault"] == .bool(true) && ResumeLibraryPlugin.completeness($0) >= threshold }) {
                        return nil
                    }
                    let shown = ResumeLibraryPlugin.shown(resumes)
                    // Below the threshold the resume is a 404 for staff: no link to it.
                    let viewable = try shown.flatMap { try txn.records.record(Self.kind, $0.id) }
                    return [
                        "student": .string(graduate.student), "name": .string(graduate.studentName),
                        "educationLevel": .string(graduate.text("educationLevel")),
                        "resume": shown.map { .string($0.id) } ?? .null,
                        "completeness": shown.map { .int(ResumeLibraryPlugin.completeness($0)) } ?? .null,
                        "viewable": viewable.map { .string($0.id) } ?? .null,
                    ]
                }
                return (rows, graduates)
            }
            // The cursor follows the graduates read, not the rows kept, so `figure=` pages too.
            let next: JSONValue = scanned.count == size ? (scanned.last.map { .string($0.id) } ?? .null) : .null
            return RouteResponse(status: 200, body: ["students": .array(rows), "next": next])
        }
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
