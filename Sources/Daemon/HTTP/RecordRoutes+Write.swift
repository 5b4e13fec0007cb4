import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Creates, changes and deletes records through the engine: edit rights per field, one transaction each.
    static let writingRoutes: [CoreRoute] = [
        CoreRoute(method: .post, path: "records/:kind", roles: everyone, summary: "新建记录（用人单位须同时给出学生姓名；action 为随即执行的操作，如 invite）",
                  input: .object([("student", .text), ("studentName", .text), ("values", .map(.any)), ("action", .text)], required: ["student"]),
                  output: .reference("Record"), handler: .gated(RecordRoutes.create)),
        CoreRoute(method: .patch, path: "records/:kind/:id", roles: everyone, summary: "修改字段（审核状态只能通过审核改变）",
                  input: .object([("values", .map(.any))], required: ["values"]), output: .reference("Record"), handler: .gated(RecordRoutes.update)),
        CoreRoute(method: .delete, path: "records/:kind/:id", roles: everyone, summary: "删除记录（仅限该类型允许的角色，如学生本人的简历）",
                  handler: .gated(RecordRoutes.delete)),
    ]

    func create(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind) = (t.caller, t.engine, t.kind)
        let input = try await services.decode(Create.self, request)
        let r = try await env.commit {
            try engine.create($0, kind, caller: caller, student: input.student, studentName: input.studentName,
                              values: input.values ?? [:], action: input.action, now: Self.now())
        }
        return try written(t, r)
    }

    func update(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
        let body = try await services.body(request)
        if let key = try JSONBody.decode(JSONObject.self, from: body).keys.first(where: RecordEngine.reviewKeys.contains) {
            throw EngineError.reviewStateReadOnly(key)
        }
        let input = try JSONBody.decode(Update.self, from: body)
        let r = try await env.commit { try engine.update($0, kind, caller: caller, id: id, values: input.values, now: Self.now()) }
        return try written(t, r)
    }

    func delete(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        try await env.commit { try t.engine.delete($0, t.kind, caller: t.caller, id: t.id) }
        return Response(status: .noContent)
    }
}
