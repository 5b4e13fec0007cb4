import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Attached files: upload, list, download, archives, all through the record's scope.
    static let materialRoutes: [CoreRoute] = {
        let binary: JSONSchema = .string(format: "binary")
        return [
            // Materials: upload (the bytes decide the type), list, download — all through the record's scope.
            CoreRoute(method: .post, path: "records/:kind/:id/materials", roles: everyone, summary: "上传材料（PDF、JPEG、PNG；类型由内容判断；name 为文件名）",
                      input: binary, output: .reference("Material"), query: [.init("name", .text)], inputType: "application/octet-stream",
                      handler: .gated(RecordRoutes.upload)),
            CoreRoute(method: .get, path: "records/:kind/:id/materials", roles: everyone, summary: "记录的材料列表",
                      output: .object([("materials", .array(.reference("Material")))]), handler: .gated(RecordRoutes.materials)),
            CoreRoute(method: .get, path: "records/:kind/:id/materials/:sha", roles: everyone, summary: "下载一份材料（inline=1 时在控制台内预览：图片与 PDF）",
                      output: binary, query: [.init("inline", .text)], outputType: "*/*", handler: .gated(RecordRoutes.material)),
            // Materials export: one file as itself, several as one zip.
            CoreRoute(method: .get, path: "records/:kind/:id/materials/archive", roles: everyone, summary: "下载记录的全部材料（一份为原文件，多份为 zip）",
                      output: binary, outputType: "*/*", handler: .gated(RecordRoutes.archive)),
            CoreRoute(method: .post, path: "records/:kind/materials/export", roles: Role.staff, summary: "导出所选记录的材料（zip）",
                      input: .object([("ids", .array(.text))], required: ["ids"]), output: binary, outputType: "*/*",
                      handler: .gated(RecordRoutes.exportMaterials)),
        ]
    }()

    struct MaterialsExport: Decodable { var ids: [String] }

    func upload(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
        let record = try env.read { try caller.records.fetch($0, kind, id) }
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
        do { data = try await services.body(request) } catch let e as APIError where e.code == ErrorCode.payloadTooLarge.rawValue { throw Materials.Failure.tooLarge(limit) }
        let material = try services.materials.store(data, name: request.uri.queryParameters["name"].map(String.init),
                                                    by: caller.account.id, limit: limit, now: Self.now())
        let table = try services.materials.table(kind)
        try await env.commit { txn in
            _ = try caller.records.fetch(txn, kind, id)
            try table.put(txn, KeyPair(id, material.sha256), material)
            try kind.audit?.attached(txn, record: id, sha: material.sha256)
        }
        return try Response.json(try JSONValue(encoding: material))
    }

    func materials(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let table = try services.materials.table(t.kind)
        let list = try env.read { txn -> [Materials.Material] in
            _ = try t.caller.records.fetch(txn, t.kind, t.id)
            var out: [Materials.Material] = []
            try table.scan(txn, prefix: KeyPrefix(t.id)) { _, m in out.append(m); return true }
            return out
        }
        return try Response.json(["materials": try JSONValue(encoding: list)])
    }

    func material(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let sha = try context.parameters.require("sha")
        let table = try services.materials.table(t.kind)
        let material = try env.read { txn -> Materials.Material in
            _ = try t.caller.records.fetch(txn, t.kind, t.id)
            guard let m = try table.get(txn, KeyPair(t.id, sha)) else { throw Materials.Failure.notFound }
            return m
        }
        let data = try services.materials.read(material.sha256)
        let inline = request.uri.queryParameters["inline"].map { $0 == "1" || $0 == "true" } ?? false
        // A PDF that could act when shown (scripts, actions) is never shown inside the console.
        let preview = inline && (material.type != "application/pdf" || PDFActions.isInert(data))
        return Response(status: .ok, headers: Self.materialHeaders(material, inline: preview), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func archive(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let t = try target(context, caller)
        let table = try services.materials.table(t.kind)
        let items = try env.read { txn -> [(String, Materials.Material)] in
            let r = try t.caller.records.fetch(txn, t.kind, t.id)
            var out: [(String, Materials.Material)] = []
            try table.scan(txn, prefix: KeyPrefix(t.id)) { _, m in out.append(("\(r.student)-\(r.studentName)", m)); return true }
            return out
        }
        return try materialsAnswer(items, name: "\(t.id)-materials.zip")
    }

    func exportMaterials(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let engine = try services.engine()
        let kind = try engine.kinds.kind(try context.parameters.require("kind"))
        let input = try await services.decode(MaterialsExport.self, request)
        guard !input.ids.isEmpty, input.ids.count <= 2000 else { throw APIError(.badRequest, code: .badRequest, message: "一次选择 1 至 2000 条记录", field: "ids") }
        let table = try services.materials.table(kind)
        let items = try env.read { txn -> [(String, Materials.Material)] in
            var out: [(String, Materials.Material)] = []
            for id in input.ids {
                guard let r = try? caller.records.fetch(txn, kind, id) else { continue }
                try table.scan(txn, prefix: KeyPrefix(id)) { _, m in out.append(("\(r.student)-\(r.studentName)", m)); return true }
            }
            return out
        }
        return try materialsAnswer(items, name: "\(kind.spec.id)-materials.zip")
    }

    /// Materials as one answer: one file as itself, several as one zip.
    func materialsAnswer(_ items: [(String, Materials.Material)], name: String) throws -> Response {
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
}
