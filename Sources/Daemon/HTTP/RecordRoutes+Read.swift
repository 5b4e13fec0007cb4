import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Lists, searches and reads one record: the scope decides what exists (outside it, 404).
    func registerReading(on api: RouterGroup<APIRequestContext>) {
        let services = self.services, directory = services.directory, env = directory.environment
        let everyone = Self.everyone, routes = self
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
                let page = try caller.records.query(kind).list(txn, filter: filter, order: order, after: after, size: size)
                let next: JSONValue = page.count == size ? .string(page.last!.id) : .null
                return try RecordJSON(kind: kind, fields: fields, units: try routes.units(txn), codeTables: Self.labels(q) ? kinds.codeTables : nil)
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
                let writer = RecordJSON(kind: kind, fields: search.fields.map(Set.init), units: try routes.units(txn),
                                        codeTables: search.labels == true ? kinds.codeTables : nil)
                var out = RecordJSON.open()
                out.reserveCapacity(values.count * 800)
                let unmatched = try caller.records.query(kind).search(txn, values: values, directory: directory) { view in
                    RecordJSON.separate(&out)
                    try writer.write(view, into: &out)
                }
                RecordJSON.close(&out, extra: ["unmatched": .array(unmatched.map(JSONValue.string))])
                return out
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        api.get("records/:kind/:id") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
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
                    try RecordJSON(kind: kind, fields: nil, units: try routes.units(txn), codeTables: codeTables)
                        .write(view, into: &out, extra: try t.engine.permissions(txn, kind, view, caller: caller))
                    return out
                } ?? nil
            }
            guard let body else { throw EngineError.notFound }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
