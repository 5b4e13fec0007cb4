import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Lists, searches and reads one record: the scope decides what exists (outside it, 404).
    static let readingRoutes: [CoreRoute] = [
        // List, with filters, order, columns and fixed page sizes.
        CoreRoute(method: .get, path: "records/:kind", roles: everyone,
                  summary: "记录列表：按届别、院系、专业、班级、各级审核状态（level.<角色>）、任一字段筛选；state 可列多个（rejected:* 为各级退回）；view 为保存的视图；sort 为 id、updated 或带索引的字段（- 倒序）；size 为 20/50/100/200；labels=1 附代码名称",
                  output: .object([("records", .array(.reference("Record"))), ("next", .nullable(.text))]),
                  query: [.init("size", .integer), .init("after", .text), .init("sort", .text), .init("fields", .text), .init("state", .text),
                          .init("view", .text), .init("labels", .string(values: ["0", "1"])), .init("cohort", .integer), .init("college", .integer),
                          .init("major", .integer), .init("class", .integer)],
                  handler: .gated(RecordRoutes.list)),
        // Search by up to 2000 student numbers or names, pasted from a spreadsheet column.
        CoreRoute(method: .post, path: "records/:kind/search", roles: Role.staff, summary: "按学号或姓名批量查询（最多 2000 个，换行、制表符或逗号分隔）",
                  input: .object([("query", .text), ("fields", .array(.text)), ("labels", .boolean)], required: ["query"]),
                  output: .object([("records", .array(.reference("Record"))), ("unmatched", .array(.text))]),
                  handler: .gated(RecordRoutes.search)),
        CoreRoute(method: .get, path: "records/:kind/:id", roles: everyone, summary: "记录详情（labels=1 附代码名称）", output: .reference("Record"),
                  query: [.init("labels", .string(values: ["0", "1"]))], handler: .gated(RecordRoutes.one)),
    ]

    func list(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kinds = try services.kinds()
        let kind = try kinds.kind(try context.parameters.require("kind"))
        let q = request.uri.queryParameters
        let size = try Self.int(q["size"], "size") ?? 20
        guard RecordQuery.pageSizes.contains(size) else {
            throw APIError(.badRequest, code: .invalidPageSize, message: "每页条数只能是 20、50、100 或 200", field: "size")
        }
        let filter = try Self.filter(q, kind: kind)
        guard let order = RecordQuery.Order(q["sort"].map(String.init) ?? "id", kind: kind) else {
            throw APIError(.badRequest, code: .invalidSort, message: "排序只能是 id、-id、updated、-updated 或带索引的字段（前加 - 为倒序）", field: "sort")
        }
        let fields = q["fields"].map { Set($0.split(separator: ",").map(String.init)) }
        let after = q["after"].map(String.init)
        let body = try env.read { txn -> [UInt8] in
            let writer = RecordJSON(kind: kind, fields: fields, units: try units(txn), codeTables: Self.labels(q) ? kinds.codeTables : nil)
            var out = RecordJSON.open()
            out.reserveCapacity(size * 1200)
            var last = ""
            // Written from the stored bytes as they are read: no record is decoded.
            let count = try caller.records.query(kind).page(txn, filter: filter, order: order, after: after, size: size) { view in
                RecordJSON.separate(&out)
                try writer.write(view, into: &out)
                last = view.idText
            }
            RecordJSON.close(&out, extra: ["next": count == size ? .string(last) : .null])
            return out
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func search(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let kinds = try services.kinds()
        let kind = try kinds.kind(try context.parameters.require("kind"))
        let search = try await services.decode(Search.self, request)
        let values = RecordQuery.searchValues(search.query)
        guard values.count <= RecordQuery.maxSearchValues else {
            throw APIError(.badRequest, code: .tooManyValues, message: "一次最多查询 2000 个，本次 \(values.count) 个", field: "query")
        }
        let body = try env.read { txn -> [UInt8] in
            let writer = RecordJSON(kind: kind, fields: search.fields.map(Set.init), units: try units(txn),
                                    codeTables: search.labels == true ? kinds.codeTables : nil)
            var out = RecordJSON.open()
            // Room for a realistic record each (about 1.3 KB): growing 2.6 MB of answer by copying cost a tenth of a search.
            out.reserveCapacity(values.count * 1536)
            let unmatched = try caller.records.query(kind).search(txn, values: values, directory: directory) { view in
                RecordJSON.separate(&out)
                try writer.write(view, into: &out)
            }
            RecordJSON.close(&out, extra: ["unmatched": .array(unmatched.map(JSONValue.string))])
            return out
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func one(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, kind, id) = (t.caller, t.kind, t.id)
        let codeTables = Self.labels(request.uri.queryParameters) ? t.engine.kinds.codeTables : nil
        // Read in place and written straight out: the hottest route decodes nothing it does not show.
        let body = try env.read { txn -> [UInt8]? in
            try txn.withValue(kind.records.primary.database, id.keyBytes) { raw -> [UInt8]? in
                // Whole (the reviewers too): the answer says what this caller may do now.
                let view = try RecordView(raw, full: true)
                guard caller.records.shows(kind, view) else { return nil }
                var out: [UInt8] = []
                out.reserveCapacity(raw.count + 768)
                try RecordJSON(kind: kind, fields: nil, units: try units(txn), codeTables: codeTables)
                    .write(view, into: &out, extra: try t.engine.permissions(txn, kind, view, caller: caller))
                return out
            } ?? nil
        }
        guard let body else { throw EngineError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
