import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

/// The generic record routes every kind gets, under one shape:
/// `/api/v1/records/{kind}[/{id}[/submit|/review|/history]]`, `…/search`, `…/batch`.
struct RecordRoutes {
    let services: CoreServices

    /// A new record; a party (employer) also gives the student's name, and a first `action`.
    struct Create: Decodable { var student: String; var studentName: String?; var values: JSONObject?; var action: String? }
    struct Update: Decodable { var values: JSONObject }
    struct Review: Decodable {
        var action: String
        var reason: String?
        var note: String?
        var copyFill: Bool?
        var values: JSONObject?
    }
    struct Search: Decodable { var query: String; var fields: [String]?; var labels: Bool? }
    struct Batch: Decodable {
        var action: String
        var ids: [String]
        var field: String?
        var value: JSONValue?
        var cohort: Int?
        var message: String?
    }

    func register(on api: RouterGroup<APIRequestContext>) {
        let services = self.services
        let directory = services.directory
        let env = directory.environment
        let everyone = Set(Role.allCases)
        @Sendable func now() -> Double { Date().timeIntervalSince1970 }

        /// What every record route starts with: the caller (with one of `roles`), the engine, the kind, the id.
        struct Target: Sendable {
            let caller: Caller
            let engine: RecordEngine
            let kind: RecordTables
            let id: String
        }
        @Sendable func target(_ request: Request, _ context: APIRequestContext, roles: Set<Role>) throws -> Target {
            let caller = try services.caller(request, roles: roles)
            let engine = try services.engine()
            let kind = try engine.kinds.kind(try context.parameters.require("kind"))
            return Target(caller: caller, engine: engine, kind: kind, id: context.parameters.get("id") ?? "")
        }
        @Sendable func fileResponse(_ path: String, type: String, filename: String, removeAfter: Bool) -> Response {
            Response(status: .ok, headers: [.contentType: type, .contentDisposition: Self.attachment(filename)],
                     body: Self.fileResponseBody(path, removeAfter: removeAfter))
        }
        @Sendable func units(_ txn: Transaction) throws -> [UInt32: OrgUnit] {
            try directory.unitsByID(txn)
        }
        /// A record just written, with what the caller may now do with it.
        @Sendable func written(_ t: Target, _ r: StoredRecord) throws -> Response {
            let bytes = try r.encodeValue()
            let out = try env.read { txn -> [UInt8] in
                try bytes.withUnsafeBytes { raw in
                    let view = try RecordView(raw, full: true)
                    var out: [UInt8] = []
                    try RecordJSON(kind: t.kind, fields: nil, units: try units(txn)).write(view, into: &out, extra: t.engine.permissions(t.kind, view, caller: t.caller))
                    return out
                }
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
        }

        // List, with filters, order, columns and fixed page sizes.
        api.get("records/:kind") { request, context -> Response in
            let caller = try services.caller(request, roles: everyone)
            let kinds = try services.kinds()
            let kind = try kinds.kind(try context.parameters.require("kind"))
            let q = request.uri.queryParameters
            let size = try Self.int(q["size"], "size") ?? 20
            guard RecordQuery.pageSizes.contains(size) else {
                throw APIError(.badRequest, code: "invalid_page_size", message: "每页条数只能是 20、50、100 或 200", field: "size")
            }
            let filter = try Self.filter(q, kind: kind)
            guard let order = RecordQuery.Order(q["sort"].map(String.init) ?? "id", kind: kind) else {
                throw APIError(.badRequest, code: "invalid_sort", message: "排序只能是 id、-id、updated、-updated 或带索引的字段（前加 - 为倒序）", field: "sort")
            }
            let fields = q["fields"].map { Set($0.split(separator: ",").map(String.init)) }
            let after = q["after"].map(String.init)
            let body = try env.read { txn -> [UInt8] in
                let page = try RecordQuery(kind: kind, scope: caller.scope).list(txn, filter: filter, order: order, after: after, size: size)
                let next: JSONValue = page.count == size ? .string(page.last!.id) : .null
                return try RecordJSON(kind: kind, fields: fields, units: try units(txn), codeTables: Self.labels(q) ? kinds.codeTables : nil)
                    .page(page, extra: ["next": next])
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        // Search by up to 2000 student numbers or names, pasted from a spreadsheet column.
        api.post("records/:kind/search") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            let kinds = try services.kinds()
            let kind = try kinds.kind(try context.parameters.require("kind"))
            let search = try await services.decode(Search.self, request)
            let values = RecordQuery.searchValues(search.query)
            guard values.count <= RecordQuery.maxSearchValues else {
                throw APIError(.badRequest, code: "too_many_values", message: "一次最多查询 2000 个，本次 \(values.count) 个", field: "query")
            }
            let body = try env.read { txn -> [UInt8] in
                let writer = RecordJSON(kind: kind, fields: search.fields.map(Set.init), units: try units(txn),
                                        codeTables: search.labels == true ? kinds.codeTables : nil)
                var out = RecordJSON.open()
                out.reserveCapacity(values.count * 800)
                let unmatched = try RecordQuery(kind: kind, scope: caller.scope).search(txn, values: values, directory: directory) { view in
                    RecordJSON.separate(&out)
                    try writer.write(view, into: &out)
                }
                RecordJSON.close(&out, extra: ["unmatched": .array(unmatched.map(JSONValue.string))])
                return out
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        api.post("records/:kind") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind) = (t.caller, t.engine, t.kind)
            let input = try await services.decode(Create.self, request)
            let r = try env.write {
                try engine.create($0, kind, caller: caller, student: input.student, studentName: input.studentName,
                                  values: input.values ?? [:], action: input.action, now: now())
            }
            return try written(t, r)
        }

        api.get("records/:kind/:id") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, kind, id) = (t.caller, t.kind, t.id)
            let codeTables = Self.labels(request.uri.queryParameters) ? t.engine.kinds.codeTables : nil
            // Read in place and written straight out: the hottest route decodes nothing it does not show.
            let body = try env.read { txn -> [UInt8]? in
                try txn.withValue(kind.records.primary.database, id.keyBytes) { raw -> [UInt8]? in
                    // Whole (the reviewers too): the answer says what this caller may do now.
                    let view = try RecordView(raw, full: true)
                    guard kind.shows(view, to: caller.scope) else { return nil }
                    var out: [UInt8] = []
                    out.reserveCapacity(raw.count + 768)
                    try RecordJSON(kind: kind, fields: nil, units: try units(txn), codeTables: codeTables)
                        .write(view, into: &out, extra: t.engine.permissions(kind, view, caller: caller))
                    return out
                } ?? nil
            }
            guard let body else { throw EngineError.notFound }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        api.patch("records/:kind/:id") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let body = try await services.body(request)
            if let key = try JSONBody.decode(JSONObject.self, from: body).keys.first(where: RecordEngine.reviewKeys.contains) {
                throw EngineError.reviewStateReadOnly(key)
            }
            let input = try JSONBody.decode(Update.self, from: body)
            let r = try env.write { try engine.update($0, kind, caller: caller, id: id, values: input.values, now: now()) }
            return try written(t, r)
        }

        api.delete("records/:kind/:id") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            try env.write { try t.engine.delete($0, t.kind, caller: t.caller, id: t.id) }
            return Response(status: .noContent)
        }

        // Submitting is the `submit` (or, after a rejection, `resubmit`) transition: its roles decide who may.
        api.post("records/:kind/:id/submit") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let r = try env.write { txn -> StoredRecord in
                let current = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                // The submission out of this state, by its meaning: a first one or after a rejection.
                let action = kind.workflow?.transitions.first { t in [.submit, .resubmit].contains(t.effect) && t.from.contains(current.state) }?.action ?? "submit"
                return try engine.transition(txn, kind, caller: caller, id: id, .init(action: action), now: now())
            }
            return try written(t, r)
        }

        api.post("records/:kind/:id/review") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let input = try await services.decode(Review.self, request)
            let r = try env.write { txn in
                try engine.transition(txn, kind, caller: caller, id: id, .init(action: input.action, reason: input.reason ?? "", note: input.note ?? "",
                                                                             copyFill: input.copyFill ?? false, values: input.values ?? [:]), now: now())
            }
            return try written(t, r)
        }

        api.get("records/:kind/:id/history") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let entries = try env.read { txn in
                _ = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                return try kind.entries(txn, of: id)
            }
            return try Response.json(["history": .array(entries.map { $0.json(in: kind) })])
        }

        // Materials: upload (the bytes decide the type), list, download — all through the record's scope.
        api.post("records/:kind/:id/materials") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let record = try env.read { try engine.fetch($0, kind, id: id, scope: caller.scope) }
            let isStaff = caller.account.roles.contains(where: \.isStaff)
            // The owning student, or the record's party, while the record is theirs to edit.
            let isOwner = record.student == caller.account.id || (caller.partyID != nil && record.party == caller.partyID)
            guard isStaff || (isOwner && engine.studentMayEdit(kind, record)) else {
                throw EngineError.notEditableInState(engine.stateLabel(kind, record.state))
            }
            let settings = services.host.current.settings
            let limit = min(settings.materials.maxBytes, settings.server.maxBodyBytes)
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw Materials.Failure.tooLarge(limit) }
            let data: Data
            do { data = try await services.body(request) } catch let e as APIError where e.code == "payload_too_large" { throw Materials.Failure.tooLarge(limit) }
            let material = try services.materials.store(data, name: request.uri.queryParameters["name"].map(String.init),
                                                        by: caller.account.id, limit: limit, now: now())
            let table = try services.materials.table(kind)
            try env.write { txn in
                _ = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                try table.put(txn, KeyPair(id, material.sha256), material)
            }
            return try Response.json(try JSONValue(encoding: material))
        }
        api.get("records/:kind/:id/materials") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let table = try services.materials.table(t.kind)
            let list = try env.read { txn -> [Materials.Material] in
                _ = try t.engine.fetch(txn, t.kind, id: t.id, scope: t.caller.scope)
                var out: [Materials.Material] = []
                try table.scan(txn, prefix: KeyPrefix(t.id)) { _, m in out.append(m); return true }
                return out
            }
            return try Response.json(["materials": try JSONValue(encoding: list)])
        }
        api.get("records/:kind/:id/materials/:sha") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let sha = try context.parameters.require("sha")
            let table = try services.materials.table(t.kind)
            let material = try env.read { txn -> Materials.Material in
                _ = try t.engine.fetch(txn, t.kind, id: t.id, scope: t.caller.scope)
                guard let m = try table.get(txn, KeyPair(t.id, sha)) else { throw Materials.Failure.notFound }
                return m
            }
            let data = try services.materials.read(material.sha256)
            let inline = request.uri.queryParameters["inline"].map { $0 == "1" || $0 == "true" } ?? false
            return Response(status: .ok, headers: Self.materialHeaders(material, inline: inline), body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }

        // Materials export: one file as itself, several as one zip.
        struct MaterialsExport: Decodable { var ids: [String] }
        @Sendable func materialsAnswer(_ items: [(String, Materials.Material)], name: String) throws -> Response {
            guard !items.isEmpty else { throw Materials.Failure.notFound }
            if items.count == 1 {
                let m = items[0].1
                return Response(status: .ok, headers: Self.materialHeaders(m, inline: false),
                                body: .init(byteBuffer: ByteBuffer(bytes: try services.materials.read(m.sha256))))
            }
            let path = services.exports.directory + "/materials-\(UUID().uuidString).zip"
            try services.materials.zip(items, to: path)
            return fileResponse(path, type: "application/zip", filename: name, removeAfter: true)
        }
        api.get("records/:kind/:id/materials/archive") { request, context -> Response in
            let t = try target(request, context, roles: everyone)
            let table = try services.materials.table(t.kind)
            let items = try env.read { txn -> [(String, Materials.Material)] in
                let r = try t.engine.fetch(txn, t.kind, id: t.id, scope: t.caller.scope)
                var out: [(String, Materials.Material)] = []
                try table.scan(txn, prefix: KeyPrefix(t.id)) { _, m in out.append(("\(r.student)-\(r.studentName)", m)); return true }
                return out
            }
            return try materialsAnswer(items, name: "\(t.id)-materials.zip")
        }
        api.post("records/:kind/materials/export") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            let engine = try services.engine()
            let kind = try engine.kinds.kind(try context.parameters.require("kind"))
            let input = try await services.decode(MaterialsExport.self, request)
            guard !input.ids.isEmpty, input.ids.count <= 2000 else { throw APIError(.badRequest, code: "bad_request", message: "一次选择 1 至 2000 条记录", field: "ids") }
            let table = try services.materials.table(kind)
            let items = try env.read { txn -> [(String, Materials.Material)] in
                var out: [(String, Materials.Material)] = []
                for id in input.ids {
                    guard let r = try? engine.fetch(txn, kind, id: id, scope: caller.scope) else { continue }
                    try table.scan(txn, prefix: KeyPrefix(id)) { _, m in out.append(("\(r.student)-\(r.studentName)", m)); return true }
                }
                return out
            }
            return try materialsAnswer(items, name: "\(kind.spec.id)-materials.zip")
        }

        // Exports run as jobs: start, poll, download.
        api.post("records/:kind/export") { request, context -> Response in
            let caller = try services.caller(request, roles: Role.staff)
            let kinds = try services.kinds()
            let kind = try kinds.kind(try context.parameters.require("kind"))
            let input = try await services.decode(RecordExport.Request.self, request)
            let export = RecordExport(kind: kind, scope: caller.scope, environment: env, codeTables: kinds.codeTables)
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
            return fileResponse(job.path, type: type, filename: "\(job.kind).\(job.format)", removeAfter: false)
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
                let r = try StatsQuery(kind: kind, scope: caller.scope).run(txn, dimension: by, cohort: try Self.int(q["cohort"], "cohort"),
                                                                            college: try Self.int(q["college"], "college"), group: group)
                return StatsQuery.json(r, kind: kind, dimension: by, units: try units(txn))
            }
            return try Response.json(body)
        }

        api.post("records/:kind/batch") { request, context -> Response in
            // Every staff role; what each may run is decided per role in the operation.
            let t = try target(request, context, roles: Role.staff)
            let (caller, engine, kind) = (t.caller, t.engine, t.kind)
            let batch = try await services.decode(Batch.self, request)
            guard !batch.ids.isEmpty, batch.ids.count <= 20_000 else {
                throw APIError(.badRequest, code: "bad_request", message: "一次选择 1 至 20000 条记录", field: "ids")
            }
            let results = try env.write { txn in
                try BatchOperation(engine: engine, kind: kind, caller: caller, accounts: services.accounts).run(txn, batch, now: now())
            }
            let failed = results.filter { $0["ok"] == false }.count
            return try Response.json(["results": .array(results), "succeeded": .int(results.count - failed), "failed": .int(failed)])
        }
    }

    /// Types the console may show inside the page: images only. A PDF (scripts, forms) or anything
    /// else is always a download.
    static let inlineTypes: Set<String> = ["image/png", "image/jpeg"]

    /// A material's headers: a download unless the console asks for an inline preview of a safe
    /// type; sandboxed either way, so a file opened in the browser can run nothing as the site.
    static func materialHeaders(_ m: Materials.Material, inline: Bool) -> HTTPFields {
        let disposition = inline && inlineTypes.contains(m.type) ? "inline" : attachment(m.name)
        return [.contentType: m.type, .contentDisposition: disposition, .contentSecurityPolicy: "default-src 'none'; sandbox"]
    }

    /// `Content-Disposition` for a download named `name` (RFC 6266 with UTF-8, for Chinese names).
    static func attachment(_ name: String) -> String {
        "attachment; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download")"
    }

    /// A file streamed from disk in chunks: memory stays flat however large it is.
    static func fileResponseBody(_ path: String, removeAfter: Bool) -> ResponseBody {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return ResponseBody(contentLength: size) { writer in
            defer { if removeAfter { try? FileManager.default.removeItem(atPath: path) } }
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
    }

    /// Whether the query asks for code labels beside codes (`labels=1`).
    static func labels(_ q: FlatDictionary<Substring, Substring>) -> Bool {
        q["labels"].map { $0 == "1" || $0 == "true" } ?? false
    }

    static func int<T: FixedWidthInteger>(_ text: Substring?, _ name: String) throws -> T? {
        guard let text else { return nil }
        guard let n = T(text) else { throw APIError(.badRequest, code: "bad_request", message: "参数 \(name) 应为数字", field: name) }
        return n
    }

    /// Filters from the query string: org and cohort, state, `level.<role>=<status>`, and
    /// `<field>=<value>` on indexed fields (others are refused: they would need a scan).
    static func filter(_ q: FlatDictionary<Substring, Substring>, kind: RecordTables) throws -> RecordQuery.Filter {
        try RecordQuery.Filter(q.map { (String($0.key), String($0.value)) }, kind: kind)
    }
}

/// A batch over selected records inside the caller's scope: each record gets its own result;
/// those that succeed commit together in the request's one transaction. The school runs every
/// action; a counselor or a college officer approves what waits at their own level and notifies
/// their own students.
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
    func approvableState() throws -> String? {
        guard let pipeline = kind.pipeline else { return nil }
        if isSchool { return pipeline.stages.last.map { ReviewPipeline.pendingState($0.role) } }
        guard let level = pipeline.stages.last(where: { caller.account.roles.contains($0.role) }) else { return "" }
        return ReviewPipeline.pendingState(level.role)
    }

    func run(_ txn: Transaction, _ batch: RecordRoutes.Batch, now: Double) throws -> [JSONValue] {
        if !isSchool && !Self.levelActions.contains(batch.action) {
            throw APIError(.forbidden, code: "forbidden", message: "该批量操作仅学校可用：辅导员和学院可批量审核本级待审记录、批量通知", field: "action")
        }
        var results: [JSONValue] = []
        results.reserveCapacity(batch.ids.count)
        // Checks that concern the whole batch come first: a bad field fails it whole.
        var modification: JSONObject?
        switch batch.action {
        case "approve", "notify", "reset-password", "unbind-wechat", "unlock":
            break
        case "modify":
            guard let field = batch.field, let value = batch.value else { throw EngineError.badRequest("请指定字段和值", field: "field") }
            modification = try engine.checked([field: value], kind, allowed: { $0.editableBy != .nobody })
        case "change-cohort":
            guard let c = batch.cohort, (2000...2100).contains(c) else { throw EngineError.badRequest("届别应为 2000 至 2100 的年份", field: "cohort") }
        default:
            throw EngineError.badRequest("未知的批量操作 \(batch.action)", field: "action")
        }
        let lastStage = try approvableState()
        for id in batch.ids {
            do {
                switch batch.action {
                case "approve":
                    // Only what every lower level has approved.
                    try engine.transition(txn, kind, caller: caller, id: id, .init(action: "approve", onlyFrom: lastStage ?? ""), now: now)
                case "modify":
                    _ = try engine.update(txn, kind, caller: caller, id: id, values: modification!, now: now)
                case "change-cohort":
                    let r = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                    guard var student = try engine.directory.students.get(txn, r.student) else { throw EngineError.notFound }
                    student.cohort = UInt16(batch.cohort!)
                    try engine.directory.students.put(txn, student.number, student)
                    try engine.kinds.refreshPlacement(txn, student: student)
                case "reset-password", "unbind-wechat", "unlock":
                    // 重置密码 / 重置绑定微信 / 解锁账号 for the students of the selected records.
                    let r = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                    switch batch.action {
                    case "reset-password": try accounts.resetStudentPassword(txn, r.student)
                    case "unbind-wechat": try accounts.update(txn, r.student) { $0.wechatOpenID = nil }
                    default: try accounts.update(txn, r.student) { $0.lockedUntil = nil; $0.failedLogins = 0 }
                    }
                default:
                    let r = try engine.fetch(txn, kind, id: id, scope: caller.scope)
                    try engine.outbox.enqueue(txn, event: "notice", to: r.student, kind: kind.spec.id, record: id,
                                              data: ["message": .string(batch.message ?? ""), "by": .string(caller.account.displayName)], now: now)
                }
                results.append(["id": .string(id), "ok": true])
            } catch let e as any APIErrorConvertible {
                let api = e.apiError
                results.append(["id": .string(id), "ok": false, "error": ["code": .string(api.code), "message": .string(api.message)]])
            }
        }
        return results
    }
}
