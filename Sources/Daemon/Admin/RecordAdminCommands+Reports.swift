import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// `export` and `stats`: a kind's records out of the daemon, and their counts.
extension RecordAdminCommands {
    /// `export KIND FILE`: a kind's records written by the daemon.
    static func export(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["export"], usage: "KIND FILE [--format csv|xlsx] [--preset national|school] [--fields a,b] [--cohort YEAR]",
                         summary: "export a kind's records to FILE (written by the daemon)", changesState: false,
                         valueOptions: ["format", "preset", "fields", "cohort"]) { request in
            guard request.arguments.count == 2 else { throw AdminFailure(code: .usage, message: "usage: export KIND FILE [--format csv|xlsx]") }
            let kinds = try services.kinds()
            let kind = try kinds.kind(request.arguments[0])
            let path = request.resolvePath(request.arguments[1])
            var r = RecordExport.Request()
            r.format = request.options["format"] ?? (path.hasSuffix(".xlsx") ? "xlsx" : "csv")
            r.preset = request.options["preset"]
            r.fields = request.options["fields"].map { $0.split(separator: ",").map(String.init) }
            r.cohort = request.options["cohort"].flatMap(UInt16.init)
            let rows = try ScopedRecords.system.export(kind, environment: services.directory.environment, codeTables: kinds.codeTables)
                .run(r, to: path, progress: request.progress)
            return AdminReply(result: ["rows": .int(rows), "path": .string(path)], message: "\(rows) rows written to \(path)")
        }
    }

    /// `stats KIND`: live counts of a kind's records.
    static func stats(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["stats"], usage: "KIND [--by DIMENSION] [--cohort YEAR] [--group none|college|major|class]",
                         summary: "live counts of a kind's records (state, a level's status, a code field)", changesState: false,
                         valueOptions: ["by", "cohort", "group"]) { request in
            guard let name = request.arguments.first else { throw AdminFailure(code: .usage, message: "usage: stats KIND [--by DIMENSION]") }
            let kind = try services.kinds().kind(name)
            let by = request.options["by"] ?? "state"
            guard by == "total" || kind.dimensions.contains(by) else {
                throw AdminFailure(code: .usage, message: "dimensions of \(name): \((["total"] + kind.dimensions).joined(separator: ", "))")
            }
            guard let group = StatsQuery.Group(rawValue: request.options["group"] ?? "college") else {
                throw AdminFailure(code: .usage, message: "--group is none, college, major or class")
            }
            let cohort = try request.options["cohort"].map { c in
                guard let y = UInt16(c) else { throw AdminFailure(code: .usage, message: "--cohort is a year") }
                return y
            }
            let env = services.directory.environment
            let (r, units) = try env.read { txn in
                (try ScopedRecords.system.statistics(kind).run(txn, dimension: by, cohort: cohort, college: nil, group: group),
                 try services.directory.unitsByID(txn))
            }
            let values = r.totals.keys.sorted()
            var rows = r.groups.sorted { $0.key < $1.key }.map { id, c in [units[id]?.name ?? "-"] + values.map { String(c[$0] ?? 0) } }
            rows.append(["合计"] + values.map { String(r.totals[$0] ?? 0) })
            return AdminReply(result: StatsQuery.json(r, kind: kind, dimension: by, units: units), columns: [group.rawValue.uppercased()] + values, rows: rows)
        }
    }
}
