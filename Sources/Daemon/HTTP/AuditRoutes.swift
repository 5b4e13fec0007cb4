import Foundation
import Hummingbird
import PluginAPI
import Storage

/// 数据核查: a kind's audit flags for staff, over their scope (`GET /api/v1/audit/{kind}`) or
/// beside one record (`GET /api/v1/records/{kind}/{id}/audit`, which the review screens call).
struct AuditRoutes: CoreRouteGroup {
    let services: CoreServices

    static let flag: JSONSchema = .object([
        ("rule", .text), ("label", .text), ("subject", .text), ("message", .text), ("hidden", .integer),
        ("records", .array(.object([("id", .text), ("student", .text), ("studentName", .text), ("cohort", .integer), ("value", .text)]))),
    ])

    static let routes: [CoreRoute] = [
        CoreRoute(method: .get, path: "audit/:kind", roles: Role.staff,
                  summary: "数据核查：本人范围内需复核的记录（证明材料重复、单位名称不一致、联系方式重复、日期异常、审核通过后修改）；cohort 为届别。范围外的记录只计数、不列出",
                  output: .object([("kind", .text), ("name", .text), ("label", .text), ("flags", .array(flag))]),
                  query: [.init("cohort", .integer)], handler: .gated(AuditRoutes.list)),
        CoreRoute(method: .get, path: "records/:kind/:id/audit", roles: Role.staff, summary: "一条记录的数据核查提示（该类记录未设核查时为空）",
                  output: .object([("flags", .array(flag))]), handler: .gated(AuditRoutes.one)),
    ]

    func list(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kinds = try services.kinds()
        let kind = try kinds.kind(try context.parameters.require("kind"))
        guard let audit = kind.spec.audit else { throw EngineError.unknownKind(kind.spec.id) }
        let cohort: UInt16? = try RecordRoutes.int(request.uri.queryParameters["cohort"], "cohort")
        let auditor = try RecordAuditor(kinds: kinds, kind: kind, records: caller.records, cohort: cohort)
        let flags = try services.directory.environment.read { try auditor.all($0) }
        return try Response.json(["kind": .string(kind.spec.id), "name": .string(audit.name), "label": .string(audit.label.zh),
                                  "flags": try JSONValue(encoding: flags)])
    }

    func one(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kinds = try services.kinds()
        let kind = try kinds.kind(try context.parameters.require("kind"))
        let id = try context.parameters.require("id")
        let flags = try services.directory.environment.read { txn -> [AuditFlag] in
            // Scope first: outside it the record does not exist, audited or not.
            let record = try caller.records.fetch(txn, kind, id)
            guard kind.audit != nil else { return [] }
            return try RecordAuditor(kinds: kinds, kind: kind, records: caller.records).flags(txn, of: record)
        }
        return try Response.json(["flags": try JSONValue(encoding: flags)])
    }
}
