import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Submits and reviews records (the workflow's transitions) and shows their history.
    static let reviewRoutes: [CoreRoute] = [
        // Submitting is the `submit` (or, after a rejection, `resubmit`) transition: its roles decide who may.
        CoreRoute(method: .post, path: "records/:kind/:id/submit", roles: everyone, summary: "提交或修改后重新提交（学生；解约申请也可由用人单位提交）",
                  output: .reference("Record"), handler: .gated(RecordRoutes.submit)),
        CoreRoute(method: .post, path: "records/:kind/:id/review", roles: everyone, summary: "审核：通过、退回（需原因）或流程中的其他操作；可一键复制填报",
                  input: .object([("action", .text), ("reason", .text), ("note", .text), ("copyFill", .boolean), ("values", .map(.any))], required: ["action"]),
                  output: .reference("Record"), handler: .gated(RecordRoutes.review)),
        CoreRoute(method: .get, path: "records/:kind/:id/history", roles: everyone, summary: "审核记录", output: .object([("history", .array(.any))]),
                  handler: .gated(RecordRoutes.history)),
    ]

    func submit(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
        let r = try await env.commit { txn -> StoredRecord in
            let current = try caller.records.fetch(txn, kind, id)
            // The submission out of this state, by its meaning: a first one or after a rejection.
            let action = kind.workflow?.transitions.first { t in [.submit, .resubmit].contains(t.effect) && t.from.contains(current.state) }?.action ?? "submit"
            return try engine.transition(txn, kind, caller: caller, id: id, .init(action: action), now: Self.now())
        }
        return try written(t, r)
    }

    func review(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
        let input = try await services.decode(Review.self, request)
        let r = try await env.commit { txn in
            try engine.transition(txn, kind, caller: caller, id: id, .init(action: input.action, reason: input.reason ?? "", note: input.note ?? "",
                                                                         copyFill: input.copyFill ?? false, values: input.values ?? [:]), now: Self.now())
        }
        return try written(t, r)
    }

    func history(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, kind, id) = (t.caller, t.kind, t.id)
        let entries = try env.read { txn in
            _ = try caller.records.fetch(txn, kind, id)
            return try kind.entries(txn, of: id)
        }
        return try Response.json(["history": .array(entries.map { $0.json(in: kind) })])
    }
}
