import PluginAPI
import Storage

/// The core's ``StatisticsReader``: live counters, limited to one scope, with unit names.
struct ScopedStatistics: StatisticsReader {
    let services: CoreServices
    let scope: Scope

    func counts(kind: String, dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable {
        let tables = try services.kinds().kind(kind)
        guard dimension == "total" || tables.dimensions.contains(dimension) else {
            throw PluginError.badRequest("没有统计维度 \(dimension)", field: "by")
        }
        let g = StatsQuery.Group(rawValue: group.rawValue) ?? .none
        let env = services.directory.environment
        let (r, units) = try env.read { txn in
            (try StatsQuery(kind: tables, scope: scope).run(txn, dimension: dimension, cohort: cohort.flatMap { UInt16(exactly: $0) }, college: nil, group: g),
             try services.directory.unitsByID(txn))
        }
        let rows = r.groups.sorted { $0.key < $1.key }.map { id, c in
            StatisticsRow(unitID: Int(id), name: units[id]?.name ?? "", counts: c.mapValues(Int.init))
        }
        return StatisticsTable(rows: group == .none ? [StatisticsRow(unitID: nil, name: "全部", counts: r.totals.mapValues(Int.init))] : rows,
                               totals: r.totals.mapValues(Int.init))
    }
}
