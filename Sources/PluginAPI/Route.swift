import Foundation

/// An HTTP method a plugin route answers.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    /// Read.
    case get = "GET"
    /// Create or act.
    case post = "POST"
    /// Replace.
    case put = "PUT"
    /// Change some fields.
    case patch = "PATCH"
    /// Remove.
    case delete = "DELETE"
}

/// What a plugin route handler receives. The core has already authenticated the caller,
/// checked the route's roles and decoded nothing beyond the path: the body is raw bytes.
public struct RouteRequest: Sendable {
    /// The caller.
    public var principal: Principal
    /// Path parameters by name: `:id` in `agreements/:id/accept` arrives as `parameters["id"]`.
    public var parameters: [String: String]
    /// Query items by name (the last value wins when a name repeats).
    public var query: [String: String]
    /// The request body (capped by the core).
    public var body: Data
    /// The request id, for logs and error reports.
    public var requestID: String
    /// The plugin's data, through the core.
    public var store: any PluginStore
    /// A logger carrying the request id.
    public var logger: Logger
    /// Live statistics within the caller's scope.
    public var statistics: any StatisticsReader
    /// Reads CSV and XLSX files the way the core's imports do.
    public var tables: any TableFileReader
    /// Whether the body carries a valid `X-Jiuye-Signature` (hex HMAC-SHA256 over the body) for
    /// `secret`: the scheme of jiuye's own webhooks, used for callbacks from outside systems.
    public var isSigned: @Sendable (_ secret: String) -> Bool

    /// Created by the core for each request.
    public init(
        principal: Principal, parameters: [String: String], query: [String: String], body: Data,
        requestID: String, store: any PluginStore, logger: Logger, statistics: any StatisticsReader,
        tables: any TableFileReader, isSigned: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        self.statistics = statistics
        self.tables = tables
        self.isSigned = isSigned
        self.principal = principal
        self.parameters = parameters
        self.query = query
        self.body = body
        self.requestID = requestID
        self.store = store
        self.logger = logger
    }

    /// Decodes the JSON body as `T`; a malformed body becomes a 400 naming the field.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONBody.decode(T.self, from: body)
    }
}

/// Decoding of JSON request bodies with errors users can act on: the field and what is wrong.
public enum JSONBody {
    /// Decodes `data` as `T`; failures become ``PluginError/badRequest(_:field:)`` naming the field.
    /// A member named twice in one object is refused, naming it: readers disagree on which one counts.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let path = JSONDuplicateKeys.find(in: data) {
            throw PluginError(status: 400, code: "duplicate_key", message: "字段 \(path) 重复出现", field: path)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw PluginError.badRequest("缺少字段 \(key.stringValue)", field: (ctx.codingPath + [key]).dottedPath)
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw PluginError.badRequest("字段类型错误: \(ctx.debugDescription)", field: ctx.codingPath.dottedPath)
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw PluginError.badRequest("字段不能为空", field: ctx.codingPath.dottedPath)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw PluginError.badRequest("请求体不是有效的 JSON: \(ctx.debugDescription)", field: ctx.codingPath.dottedPath)
        }
    }
}

extension Array where Element == CodingKey {
    /// `a.b[2].c` from a coding path.
    var dottedPath: String? {
        guard !isEmpty else { return nil }
        var out = ""
        for k in self {
            if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return out
    }
}

/// What a plugin route handler answers.
public struct RouteResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The JSON body; nil for an empty body.
    public var body: JSONValue?

    /// An answer with `status` and a JSON body (nil for none).
    public init(status: Int = 200, body: JSONValue?) {
        self.status = status
        self.body = body
    }

    /// A body other than JSON (a printable page), with its media type; wins over `body`.
    public var raw: (contentType: String, bytes: Data)?

    /// An answer with a body of another media type, e.g. `text/html; charset=utf-8`.
    public init(status: Int = 200, contentType: String, bytes: Data) {
        self.status = status
        self.body = nil
        self.raw = (contentType, bytes)
    }

    /// 200 with `value` encoded as JSON.
    public static func ok(_ value: some Encodable) throws -> RouteResponse {
        RouteResponse(status: 200, body: try JSONValue(encoding: value))
    }

    /// 204 No Content.
    public static let noContent = RouteResponse(status: 204, body: nil)
}

/// A route, declared once as data: what the router serves, the roles the core checks before the
/// handler runs, and what the OpenAPI document says all come from this one value. Core routes
/// and plugin routes share it; only the handler's type differs (``RouteSpec`` for plugins).
public struct APIRoute<Handler: Sendable>: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The path with `:name` parameters: under `/api/v1/<plugin id>/` for a plugin route, e.g.
    /// `invitations/:id/accept`; under `/api/v1/` for a core route.
    public var path: String
    /// The roles that may call it; empty for a route open to anyone. The core answers 401/403
    /// before the handler runs.
    public var roles: Set<Role>
    /// One line for the OpenAPI document (and the console), in Chinese.
    public var summary: LocalizedText
    /// The request body's shape, or nil for none.
    public var input: JSONSchema?
    /// The response body's shape.
    public var output: JSONSchema
    /// The query parameters it reads, for the document (all optional).
    public var query: [QueryParameter]
    /// The success status: 200, or e.g. 202 when the request is accepted for later.
    public var status: Int
    /// The request body's media type: JSON, or e.g. `application/octet-stream` for uploads.
    public var inputType: String
    /// The success body's media type: JSON, or `*/*` for downloads (their type is the file's).
    public var outputType: String
    /// The OpenAPI `operationId`; nil derives one from the method and path.
    public var operationID: String?
    /// What answers it.
    public var handler: Handler

    /// Declares a route; see the properties for each parameter.
    public init(
        method: HTTPMethod, path: String, roles: Set<Role>, summary: LocalizedText,
        input: JSONSchema? = nil, output: JSONSchema = .any, query: [QueryParameter] = [], status: Int = 200,
        inputType: String = "application/json", outputType: String = "application/json", operationID: String? = nil,
        handler: Handler
    ) {
        self.method = method
        self.path = path
        self.roles = roles
        self.summary = summary
        self.input = input
        self.output = output
        self.query = query
        self.status = status
        self.inputType = inputType
        self.outputType = outputType
        self.operationID = operationID
        self.handler = handler
    }

    /// The path's segments; `:name` segments are parameters.
    public var segments: [String] { path.split(separator: "/").map(String.init) }

    /// The names of the path's parameters, in order.
    public var parameters: [String] { segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) } }
}

/// An optional query parameter a route reads, with the shape of its value.
public struct QueryParameter: Sendable {
    /// The name, e.g. `size`.
    public var name: String
    /// The value's shape.
    public var schema: JSONSchema

    /// A parameter `name` whose value has `schema`.
    public init(_ name: String, _ schema: JSONSchema) {
        self.name = name
        self.schema = schema
    }
}

/// A route a plugin adds beyond the generic record routes: the handler gets the request the core
/// has authenticated and checked against the roles.
public typealias RouteSpec = APIRoute<@Sendable (RouteRequest) async throws -> RouteResponse>

/// An error a plugin throws to answer with a status, a code and a message (in Chinese, for users).
public struct PluginError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// A stable English code clients branch on, e.g. `invalid_field`.
    public var code: String
    /// The message users read.
    public var message: String
    /// The field it is about, if any.
    public var field: String?

    /// An error answered with `status`, a stable `code`, a message for users and the field it concerns.
    public init(status: Int, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// 400 with code `bad_request`.
    public static func badRequest(_ message: String, field: String? = nil) -> PluginError {
        PluginError(status: 400, code: "bad_request", message: message, field: field)
    }
    /// 404 with code `not_found`: also the answer for records outside the caller's scope.
    public static func notFound(_ message: String = "记录不存在") -> PluginError {
        PluginError(status: 404, code: "not_found", message: message)
    }
    /// 409 with code `conflict`.
    public static func conflict(_ message: String) -> PluginError {
        PluginError(status: 409, code: "conflict", message: message)
    }
}

/// A row of a CSV or XLSX file, numbered as a spreadsheet shows it (row 1 is the header).
public struct TableRow: Sendable, Hashable {
    /// The row number in the file.
    public var number: Int
    /// The cells as text.
    public var cells: [String]
    /// A row; built by the core.
    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}

/// The core's reader of uploaded tables, so every import accepts the same files.
public protocol TableFileReader: Sendable {
    /// The rows of a CSV (UTF-8, comma or tab) or of the first sheet of an XLSX, told apart by
    /// their bytes; errors are in Chinese and name what is wrong.
    func rows(_ data: Data) throws -> [TableRow]
}
