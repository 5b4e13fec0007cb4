import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Exports as jobs (start, poll, download) and live statistics from the counters.
    func registerExports(on api: RouterGroup<APIRequestContext>) {
        let services = self.services, directory = services.directory, env = directory.environment
        let routes = self
        // Exports run as jobs: start, poll, download.
        api.post("records/:kind/export") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            let kinds = try services.kinds()
            let kind = try kinds.kind(try context.parameters.require("kind"))
            let input = try await services.decode(RecordExport.Request.self, request)
            let export = caller.records.export(kind, environment: env, codeTables: kinds.codeTables)
            let job = try services.exports.start(export, request: input, owner: caller.account.id)
            return try Response.json(job.json, status: .accepted)
        }
        api.get("jobs/:id") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            guard let job = services.exports.job(try context.parameters.require("id"), owner: caller.account.id) else { throw APIError.notFound }
            return try Response.json(job.json)
        }
        api.get("jobs/:id/download") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            guard let job = services.exports.job(try context.parameters.require("id"), owner: caller.account.id) else { throw APIError.notFound }
            guard job.state == "done" else { throw APIError(.conflict, code: "not_ready", message: "导出尚未完成") }
            let type = job.format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return routes.fileResponse(job.path, type: type, filename: "\(job.kind).\(job.format)", removeAfter: false)
        }

        // Live statistics from the counters.
        api.get("stats/:kind") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            let kind = try services.kinds().kind(try context.parameters.require("kind"))
            let q = request.uri.queryParameters
            let by = q["by"].map(String.init) ?? "state"
            guard by == "total" || kind.dimensions.contains(by) else {
                throw APIError(.badRequest, code: "unknown_dimension", message: "可统计的维度：\((["total"] + kind.dimensions).joined(separator: "、"))", field: "by")
            }
            guard let group = StatsQuery.Group(rawValue: q["group"].map(String.init) ?? "college") else {
                throw APIError(.badRequest, code: "bad_request", message: "group 为 none、college、major 或 class", field: "group")
            }
            let body = try env.read { txn in
                let r = try caller.records.statistics(kind).run(txn, dimension: by, cohort: try Self.int(q["cohort"], "cohort"),
                                                                            college: try Self.int(q["college"], "college"), group: group)
                return StatsQuery.json(r, kind: kind, dimension: by, units: try routes.units(txn))
            }
            return try Response.json(body)
        }
    }
}
