import PluginAPI
import Storage

/// The core's ``StatisticsReader``: live counters, limited to one scope, with unit names.
struct ScopedStatistics: StatisticsReader {
    let services: CoreServices
    let records: ScopedRecords

    func counts(kind: String, dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable {
        let tables = try services.kinds().kind(kind)
        guard dimension == "total" || tables.dimensions.contains(dimension) else {
            throw PluginError.badRequest("没有统计维度 \(dimension)", field: "by")
        }
        return try table(records.statistics(tables), dimension: dimension, cohort: cohort, group: group)
    }

    func studentCounts(dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable {
        guard dimension == "total" || dimension == "wechat" else { throw PluginError.badRequest("学生统计维度只有 total 和 wechat", field: "by") }
        return try table(records.studentStatistics(services.directory), dimension: dimension, cohort: cohort, group: group)
    }

    private func table(_ query: StatsQuery, dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable {
        let g = StatsQuery.Group(rawValue: group.rawValue) ?? .none
        let env = services.directory.environment
        let (r, units) = try env.read { txn in
            (try query.run(txn, dimension: dimension, cohort: cohort.flatMap { UInt16(exactly: $0) }, college: nil, group: g),
             try services.directory.unitsByID(txn))
        }
        let rows = r.groups.sorted { $0.key < $1.key }.map { id, c in
            StatisticsRow(unitID: Int(id), name: units[id]?.name ?? "", counts: c.mapValues(Int.init))
        }
        return StatisticsTable(rows: group == .none ? [StatisticsRow(unitID: nil, name: "全部", counts: r.totals.mapValues(Int.init))] : rows,
                               totals: r.totals.mapValues(Int.init))
    }
}
