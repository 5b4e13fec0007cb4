import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

/// The generic record routes every kind gets, under one shape:
/// `/api/v1/records/{kind}[/{id}[/submit|/review|/history]]`, `…/search`, `…/batch`.
struct RecordRoutes: CoreRouteGroup {
    let services: CoreServices
    var directory: DirectoryStore { services.directory }
    var env: Storage.Environment { services.directory.environment }

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

    /// Every generic record route, by concern: reading, writing, review, materials, exports and
    /// statistics, batch (each in `RecordRoutes+<Concern>.swift`).
    static let routes: [CoreRoute] = readingRoutes + writingRoutes + reviewRoutes + materialRoutes + exportRoutes + batchRoutes

    /// The outer gate of the routes where the engine decides, per kind and record, who may do what.
    static let everyone = CoreRoutes.everyone
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// What every record route starts with: the caller (checked by the route's gate), the engine, the kind, the id.
    struct Target: Sendable {
        let caller: Caller
        let engine: RecordEngine
        let kind: RecordTables
        let id: String
    }

    func target(_ context: APIRequestContext, _ caller: Caller) throws -> Target {
        let engine = try services.engine()
        let kind = try engine.kinds.kind(try context.parameters.require("kind"))
        return Target(caller: caller, engine: engine, kind: kind, id: context.parameters.get("id") ?? "")
    }

    func fileResponse(_ path: String, type: String, filename: String, removeAfter: Bool) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: Self.attachment(filename)],
                 body: Self.fileResponseBody(path, removeAfter: removeAfter))
    }

    func units(_ txn: Transaction) throws -> [UInt32: OrgUnit] {
        try services.directory.unitsByID(txn)
    }

    /// A record just written, with what the caller may now do with it.
    func written(_ t: Target, _ r: StoredRecord) throws -> Response {
        let bytes = try r.encodeValue()
        let out = try services.directory.environment.read { txn -> [UInt8] in
            try bytes.withUnsafeBytes { raw in
                let view = try RecordView(raw, full: true)
                var out: [UInt8] = []
                try RecordJSON(kind: t.kind, fields: nil, units: try units(txn)).write(view, into: &out, extra: try t.engine.permissions(txn, t.kind, view, caller: t.caller))
                return out
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
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
        guard let n = T(text) else { throw APIError(.badRequest, code: .badRequest, message: "参数 \(name) 应为数字", field: name) }
        return n
    }

    /// Filters from the query string: org and cohort, state, `level.<role>=<status>`, and
    /// `<field>=<value>` on indexed fields (others are refused: they would need a scan).
    static func filter(_ q: FlatDictionary<Substring, Substring>, kind: RecordTables) throws -> RecordQuery.Filter {
        try RecordQuery.Filter(q.map { (String($0.key), String($0.value)) }, kind: kind)
    }
}
