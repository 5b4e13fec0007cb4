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

    /// 去向落实率 as a page of the web console, drawn from `GET /api/v1/employment-info/placement`.
    static let page = ConsolePage(
        id: "placement", label: LocalizedText("去向落实率", en: "placement rate"), roles: Role.staff, route: "placement",
        columns: [
            .init("name", LocalizedText("单位", en: "unit")), .init("graduates", LocalizedText("毕业生", en: "graduates")),
            .init("approved.employed", LocalizedText("单位就业", en: "employed")),
            .init("approved.entrepreneurs", LocalizedText("自主创业", en: "entrepreneurs")),
            .init("approved.freelancers", LocalizedText("自由职业", en: "freelancers")),
            .init("approved.furtherStudy", LocalizedText("升学", en: "further study")),
            .init("rate", LocalizedText("去向落实率", en: "placement rate"), format: .percent),
            .init("registered.landed", LocalizedText("已登记（含待审核）", en: "registered, pending included")),
            .init("registered.rate", LocalizedText("登记落实率", en: "registered rate"), format: .percent),
        ],
        parameters: [.cohort, .group],
        note: LocalizedText("2024 口径：单位就业 + 自主创业 + 自由职业 + 升学，只计学校终审通过的毕业去向，除以毕业生数。",
                            en: "2024 definition: destinations approved at the last level over the graduates."))

    /// Whether `code` (or its parent) is among `codes`.
    static func counts(_ code: String, in codes: [String]) -> Bool {
        codes.contains { code == $0 || (code.count > $0.count && code.hasPrefix($0)) }
    }

    /// Both figures per unit: destinations approved at the last review level — the 2024
    /// definition's figure, since only verified destinations are reported to 国家库 — and every
    /// registered destination, pending review included (含待审核), for following the work.
    static func report(_ statistics: any StatisticsReader, cohort: Int?, group: StatisticsGroup) throws -> PlacementReport {
        let registered = try statistics.counts(kind: "employment-info", dimension: "field.destination", cohort: cohort, group: group)
        let approved = try statistics.counts(kind: "employment-info", dimension: "approved.field.destination", cohort: cohort, group: group)
        let graduates = try statistics.counts(kind: "source-info", dimension: "total", cohort: cohort, group: group)
        func byUnit(_ t: StatisticsTable) -> [Int: [String: Int]] {
            Dictionary(t.rows.map { ($0.unitID ?? -1, $0.counts) }, uniquingKeysWith: { a, _ in a })
        }
        let registeredByUnit = byUnit(registered), approvedByUnit = byUnit(approved)
        func parts(_ counts: [String: Int], graduates: Int) -> PlacementReport.Parts {
            func sum(_ codes: [String]) -> Int { counts.filter { Self.counts($0.key, in: codes) }.values.reduce(0, +) }
            let e = sum(employed), a = sum(entrepreneurs), f = sum(freelancers), s = sum(furtherStudy)
            return PlacementReport.Parts(employed: e, entrepreneurs: a, freelancers: f, furtherStudy: s, landed: e + a + f + s,
                                         rate: graduates == 0 ? 0 : Double(e + a + f + s) / Double(graduates))
        }
        func row(name: String, graduates: Int, registered: [String: Int], approved: [String: Int]) -> PlacementReport.Row {
            let a = parts(approved, graduates: graduates)
            return PlacementReport.Row(name: name, graduates: graduates, approved: a, registered: parts(registered, graduates: graduates), rate: a.rate)
        }
        var rows = graduates.rows.map { g in
            row(name: g.name, graduates: g.counts[""] ?? 0, registered: registeredByUnit[g.unitID ?? -1] ?? [:], approved: approvedByUnit[g.unitID ?? -1] ?? [:])
        }
        if group != .none {
            rows.append(row(name: "合计", graduates: graduates.totals[""] ?? 0, registered: registered.totals, approved: approved.totals))
        }
        return PlacementReport(cohort: cohort, definition: "单位就业 + 自主创业 + 自由职业 + 升学",
                               rateBasis: "rate 为 2024 口径的去向落实率：只计学校终审通过的毕业去向（approved）；registered 含待审核的全部登记",
                               codes: ["employed": employed, "entrepreneurs": entrepreneurs, "freelancers": freelancers, "furtherStudy": furtherStudy],
                               rows: rows)
    }
}

/// The placement rate per unit.
struct PlacementReport: Codable, SchemaDescribing {
    /// The four parts of a landed destination, their sum and its share of the graduates.
    struct Parts: Codable {
        var employed: Int
        var entrepreneurs: Int
        var freelancers: Int
        var furtherStudy: Int
        var landed: Int
        var rate: Double
    }
    struct Row: Codable {
        var name: String
        var graduates: Int
        /// Destinations approved at the last level.
        var approved: Parts
        /// Every registered destination, pending review included.
        var registered: Parts
        /// The 2024 definition's figure: `approved.rate`.
        var rate: Double
    }
    var cohort: Int?
    var definition: String
    var rateBasis: String
    var codes: [String: [String]]
    var rows: [Row]

    static var schema: JSONSchema {
        let parts = JSONSchema.object([("employed", .integer), ("entrepreneurs", .integer), ("freelancers", .integer), ("furtherStudy", .integer),
                                       ("landed", .integer), ("rate", .number)])
        return .object([("cohort", .integer), ("definition", .text), ("rateBasis", .text), ("codes", .map(.array(.text))),
                        ("rows", .array(.object([("name", .text), ("graduates", .integer), ("approved", parts), ("registered", parts), ("rate", .number)])))])
    }
}
