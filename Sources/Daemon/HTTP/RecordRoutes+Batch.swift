import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Batch actions over selected records, each with its own result.
    static let batchRoutes: [CoreRoute] = [
        // Every staff role; what each may run is decided per role in the operation.
        CoreRoute(method: .post, path: "records/:kind/batch", roles: Role.staff,
                  summary: "批量操作，逐条返回结果：学校可 approve、modify（含学籍信息更正）、change-cohort、notify、reset-password、unbind-wechat、unlock；辅导员、学院可批量审核本级待审记录（approve）与批量通知（notify）",
                  input: .object([("action", .string(values: ["approve", "modify", "change-cohort", "notify", "reset-password", "unbind-wechat", "unlock"])),
                                  ("ids", .array(.text)), ("field", .text), ("value", .any), ("cohort", .integer), ("message", .text)],
                                 required: ["action", "ids"]),
                  output: .object([("results", .array(.any)), ("succeeded", .integer), ("failed", .integer)]), handler: .gated(RecordRoutes.batch)),
    ]

    func batch(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind) = (t.caller, t.engine, t.kind)
        let batch = try await services.decode(Batch.self, request)
        guard !batch.ids.isEmpty, batch.ids.count <= 20_000 else {
            throw APIError(.badRequest, code: .badRequest, message: "一次选择 1 至 20000 条记录", field: "ids")
        }
        let results = try await env.commit { txn in
            try BatchOperation(engine: engine, kind: kind, caller: caller, accounts: services.accounts).run(txn, batch, now: Self.now())
        }
        let failed = results.filter { $0["ok"] == false }.count
        return try Response.json(["results": .array(results), "succeeded": .int(results.count - failed), "failed": .int(failed)])
    }

    /// Types the console may show inside the page: images, in a sandboxed document.
    static let inlineTypes: Set<String> = ["image/png", "image/jpeg"]

    /// A material's headers: a download unless the console asks for an inline preview. Images are
    /// shown sandboxed. A PDF is shown by the browser's own viewer, which does not run in a sandboxed
    /// document, so it may be framed by the console's pages alone and nothing in it may load anything
    /// (and only a PDF that cannot act: ``PDFActions``); every other type is always a download,
    /// sandboxed should it be opened.
    static func materialHeaders(_ m: Materials.Material, inline: Bool) -> HTTPFields {
        if inline && m.type == "application/pdf" {
            return [.contentType: m.type, .contentDisposition: "inline", .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'self'",
                    "X-Frame-Options".headerName: "SAMEORIGIN"]
        }
        let disposition = inline && inlineTypes.contains(m.type) ? "inline" : attachment(m.name)
        return [.contentType: m.type, .contentDisposition: disposition, .contentSecurityPolicy: "default-src 'none'; sandbox"]
    }
}

/// A batch over selected records inside the caller's scope: each record gets its own result, and
/// an item is all or nothing. The engine checks everything before its first write, so a refused
/// item has written nothing — except where plugins' hooks run after the write (an approval that
/// emits an event someone listens to): those items run in a transaction nested in the request's
/// one, undone alone when a hook refuses (nesting every item would cost half the batch's time).
/// Those that succeed commit together; a storage failure fails the whole batch. The school runs every action; a counselor or a college officer
/// approves what waits at their own level and notifies their own students.
struct BatchOperation {
    let engine: RecordEngine
    let kind: RecordTables
    let caller: Caller
    let accounts: AccountService

    /// The actions below the school.
    static let levelActions: Set<String> = ["approve", "notify"]

    var isSchool: Bool { caller.isSystem || caller.account.roles.contains(.school) }

    /// The state a batch approval takes records from: for the school, the last level (what every
    /// lower level approved); for a counselor or college officer, their own level.
    func approvableState() -> String? {
        guard let pipeline = kind.pipeline else { return nil }
        if isSchool { return pipeline.stages.last.map { ReviewState.pending($0.role).id } }
        guard let level = pipeline.stages.last(where: { caller.account.roles.contains($0.role) }) else { return "" }
        return ReviewState.pending(level.role).id
    }

    /// The approval out of `state`, by what the transition means, not what it is called.
    func approval(from state: String?) -> String {
        guard let state else { return "approve" }
        return kind.workflow?.transitions.first { $0.effect == .approve && $0.from.contains(state) }?.action ?? "approve"
    }

    func run(_ txn: Transaction, _ batch: RecordRoutes.Batch, now: Double) throws -> [JSONValue] {
        if !isSchool && !Self.levelActions.contains(batch.action) {
            throw APIError(.forbidden, code: .forbidden, message: "该批量操作仅学校可用：辅导员和学院可批量审核本级待审记录、批量通知", field: "action")
        }
        let modification = try checkWhole(batch)
        let from = approvableState()
        let approval = TransitionInputs(action: approval(from: from), from: from ?? "")
        let nested = batch.action == "approve" && engine.runsHooks(kind, action: approval.action, from: approval.from)
        var results: [JSONValue] = []
        results.reserveCapacity(batch.ids.count)
        for id in batch.ids {
            do {
                if nested {
                    try txn.nested { try apply(batch, to: id, $0, modification: modification, approval: approval, now: now) }
                } else {
                    try apply(batch, to: id, txn, modification: modification, approval: approval, now: now)
                }
                results.append(["id": .string(id), "ok": true])
            } catch let e where e is any APIErrorConvertible || e is PluginError {
                let api = APIError.from(e)!
                results.append(["id": .string(id), "ok": false, "error": ["code": .string(api.code), "message": .string(api.message)]])
            }
        }
        return results
    }

    /// The approval a batch takes: its action and the one state it leaves from.
    struct TransitionInputs {
        let action: String
        let from: String
    }

    /// Checks that concern the whole batch, before any record: a bad field fails it whole.
    /// Returns the checked values of a `modify`.
    private func checkWhole(_ batch: RecordRoutes.Batch) throws -> JSONObject? {
        switch batch.action {
        case "approve", "notify", "reset-password", "unbind-wechat", "unlock":
            return nil
        case "modify":
            guard let field = batch.field, let value = batch.value else { throw EngineError.badRequest("请指定字段和值", field: "field") }
            // A registry field only as a correction (学籍信息更正), where the caller's role may correct it.
            let correction = !engine.corrections(in: [field: value], kind, caller: caller).isEmpty
            return try engine.checked([field: value], kind, allowed: { $0.editableBy != .nobody || correction })
        case "change-cohort":
            guard let c = batch.cohort, (2000...2100).contains(c) else { throw EngineError.badRequest("届别应为 2000 至 2100 的年份", field: "cohort") }
            return nil
        default:
            throw EngineError.badRequest("未知的批量操作 \(batch.action)", field: "action")
        }
    }

    /// One item of the batch, in its own nested transaction.
    private func apply(_ batch: RecordRoutes.Batch, to id: String, _ txn: Transaction, modification: JSONObject?,
                       approval: TransitionInputs, now: Double) throws {
        switch batch.action {
        case "approve":
            // Only what every lower level has approved.
            try engine.transition(txn, kind, caller: caller, id: id, .init(action: approval.action, onlyFrom: approval.from), now: now)
        case "modify":
            _ = try engine.update(txn, kind, caller: caller, id: id, values: modification ?? [:], now: now)
        case "change-cohort":
            let r = try caller.records.fetch(txn, kind, id)
            guard var student = try engine.directory.students.get(txn, r.student) else { throw EngineError.notFound }
            student.cohort = UInt16(batch.cohort ?? Int(student.cohort))
            try engine.directory.students.put(txn, student.number, student)
            try engine.kinds.refreshPlacement(txn, student: student)
        case "reset-password", "unbind-wechat", "unlock":
            // 重置密码 / 重置绑定微信 / 解锁账号 for the students of the selected records.
            let r = try caller.records.fetch(txn, kind, id)
            switch batch.action {
            case "reset-password": try accounts.resetStudentPassword(txn, r.student)
            case "unbind-wechat": try accounts.update(txn, r.student) { $0.wechatOpenID = nil }
            default: try accounts.update(txn, r.student) { $0.lockedUntil = nil; $0.failedLogins = 0 }
            }
        default:
            let r = try caller.records.fetch(txn, kind, id)
            try engine.outbox.enqueue(txn, event: "notice", to: r.student, kind: kind.spec.id, record: id,
                                      data: ["message": .string(batch.message ?? ""), "by": .string(caller.account.displayName)], now: now)
        }
    }
}
