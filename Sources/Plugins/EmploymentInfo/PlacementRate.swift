import PluginAPI

/// 去向落实率, 2024 definition: 单位就业 + 自主创业 + 自由职业 + 升学, over the graduates (the
/// 生源 records). The destination codes each part counts are listed here and nowhere else.
enum PlacementRate {
    /// 单位就业: agreements, contracts, other hiring, research assistants, conscripts, grass-roots projects.
    static let employed = ["10", "11", "12", "27", "46", "50", "51"]
    /// 自主创业.
    static let entrepreneurs = ["75"]
    /// 自由职业.
    static let freelancers = ["76"]
    /// 升学: at home and abroad.
    static let furtherStudy = ["80", "85"]

    /// Whether `code` (or its parent) is among `codes`.
    static func counts(_ code: String, in codes: [String]) -> Bool {
        codes.contains { code == $0 || (code.count > $0.count && code.hasPrefix($0)) }
    }

    static func report(_ statistics: any StatisticsReader, cohort: Int?, group: StatisticsGroup) throws -> PlacementReport {
        let destinations = try statistics.counts(kind: "employment-info", dimension: "field.destination", cohort: cohort, group: group)
        let graduates = try statistics.counts(kind: "source-info", dimension: "total", cohort: cohort, group: group)
        let byUnit = Dictionary(destinations.rows.map { ($0.unitID ?? -1, $0.counts) }, uniquingKeysWith: { a, _ in a })
        func row(name: String, graduates: Int, counts: [String: Int]) -> PlacementReport.Row {
            func sum(_ codes: [String]) -> Int { counts.filter { Self.counts($0.key, in: codes) }.values.reduce(0, +) }
            let e = sum(employed), a = sum(entrepreneurs), f = sum(freelancers), s = sum(furtherStudy)
            return PlacementReport.Row(name: name, graduates: graduates, employed: e, entrepreneurs: a, freelancers: f, furtherStudy: s,
                                       rate: graduates == 0 ? 0 : Double(e + a + f + s) / Double(graduates))
        }
        var rows = graduates.rows.map { g in row(name: g.name, graduates: g.counts[""] ?? 0, counts: byUnit[g.unitID ?? -1] ?? [:]) }
        if group != .none {
            rows.append(row(name: "合计", graduates: graduates.totals[""] ?? 0, counts: destinations.totals))
        }
        return PlacementReport(cohort: cohort, definition: "单位就业 + 自主创业 + 自由职业 + 升学",
                               codes: ["employed": employed, "entrepreneurs": entrepreneurs, "freelancers": freelancers, "furtherStudy": furtherStudy],
                               rows: rows)
    }
}

/// The placement rate per unit.
struct PlacementReport: Codable, SchemaDescribing {
    struct Row: Codable {
        var name: String
        var graduates: Int
        var employed: Int
        var entrepreneurs: Int
        var freelancers: Int
        var furtherStudy: Int
        var rate: Double
    }
    var cohort: Int?
    var definition: String
    var codes: [String: [String]]
    var rows: [Row]

    static var schema: JSONSchema {
        .object([("cohort", .integer), ("definition", .text), ("codes", .map(.array(.text))),
                 ("rows", .array(.object([("name", .text), ("graduates", .integer), ("employed", .integer), ("entrepreneurs", .integer),
                                          ("freelancers", .integer), ("furtherStudy", .integer), ("rate", .number)])))])
    }
}
