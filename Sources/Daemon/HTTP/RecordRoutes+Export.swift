import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Exports as jobs (start, poll, download) and live statistics from the counters.
    static let exportRoutes: [CoreRoute] = {
        let binary: JSONSchema = .string(format: "binary")
        let exportRequest: JSONSchema = .object([
            ("format", .string(values: ["csv", "xlsx"])), ("preset", .string(values: ["national", "school"])), ("fields", .array(.text)),
            ("ids", .array(.text)), ("cohort", .integer), ("college", .integer), ("major", .integer), ("classID", .integer), ("state", .text),
            ("filters", .map(.text)), ("labels", .boolean),
        ])
        return [
            // Exports run as jobs: start, poll, download.
            CoreRoute(method: .post, path: "records/:kind/export", roles: Role.staff, summary: "导出记录（CSV 或 XLSX，后台任务；返回 202 与任务）",
                      input: exportRequest, output: .reference("Job"), status: 202, handler: .gated(RecordRoutes.startExport)),
            CoreRoute(method: .get, path: "jobs/:id", roles: Role.staff, summary: "导出任务的进度", output: .reference("Job"), handler: .gated(RecordRoutes.job)),
            CoreRoute(method: .get, path: "jobs/:id/download", roles: Role.staff, summary: "下载导出的文件", output: binary, outputType: "*/*",
                      handler: .gated(RecordRoutes.downloadExport)),
            // Live statistics from the counters.
            CoreRoute(method: .get, path: "stats/:kind", roles: Role.staff, summary: "实时统计：按状态或字段（by）分组计数，可按届别、学院筛选（权限范围内）",
                      output: .object([("kind", .text), ("by", .text), ("totals", .map(.integer)), ("total", .integer), ("groups", .array(.any))]),
                      query: [.init("by", .text), .init("group", .string(values: ["none", "college", "major", "class"])), .init("cohort", .integer),
                              .init("college", .integer)],
                      handler: .gated(RecordRoutes.stats)),
        ]
    }()

    func startExport(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kinds = try services.kinds()
        let kind = try kinds.kind(try context.parameters.require("kind"))
        let input = try await services.decode(RecordExport.Request.self, request)
        let export = caller.records.export(kind, environment: env, codeTables: kinds.codeTables)
        let job = try services.exports.start(export, request: input, owner: caller.account.id)
        return try Response.json(job.json, status: .accepted)
    }

    func job(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        guard let job = services.exports.job(try context.parameters.require("id"), owner: caller.account.id) else { throw APIError.notFound }
        return try Response.json(job.json)
    }

    func downloadExport(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        guard let job = services.exports.job(try context.parameters.require("id"), owner: caller.account.id) else { throw APIError.notFound }
        guard job.state == "done" else { throw APIError(.conflict, code: .notReady, message: "导出尚未完成") }
        let type = job.format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return fileResponse(job.path, type: type, filename: "\(job.kind).\(job.format)", removeAfter: false)
    }

    func stats(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kind = try services.kinds().kind(try context.parameters.require("kind"))
        let q = request.uri.queryParameters
        let by = q["by"].map(String.init) ?? "state"
        guard by == "total" || kind.dimensions.contains(by) else {
            throw APIError(.badRequest, code: .unknownDimension, message: "可统计的维度：\((["total"] + kind.dimensions).joined(separator: "、"))", field: "by")
        }
        guard let group = StatsQuery.Group(rawValue: q["group"].map(String.init) ?? "college") else {
            throw APIError(.badRequest, code: .badRequest, message: "group 为 none、college、major 或 class", field: "group")
        }
        let body = try env.read { txn in
            let r = try caller.records.statistics(kind).run(txn, dimension: by, cohort: try Self.int(q["cohort"], "cohort"),
                                                                        college: try Self.int(q["college"], "college"), group: group)
            return StatsQuery.json(r, kind: kind, dimension: by, units: try units(txn))
        }
        return try Response.json(body)
    }
}
