import Foundation
import Hummingbird
import NIOHTTP1
import PluginAPI
import Storage

/// An error answered as `{"error": {"code", "message", "field"}}` with its status.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable English code, e.g. `not_found`: one of ``ErrorCode``, or a plugin's own.
    public var code: String
    /// The message users read.
    public var message: String
    /// The field it is about, if any.
    public var field: String?
    /// Seconds to send as `Retry-After` (429 answers).
    public var retryAfter: Int?

    init(_ status: HTTPResponse.Status, code: ErrorCode, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.init(status, rawCode: code.rawValue, message: message, field: field, retryAfter: retryAfter)
    }

    /// An error with a code the core does not list: a plugin's own (`PluginError`, `FieldProblem`),
    /// which stays a string at the API level.
    init(_ status: HTTPResponse.Status, rawCode: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = rawCode
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    /// The JSON body.
    var body: JSONValue {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        error["field"] = field.map(JSONValue.string) ?? .null
        return ["error": .object(error)]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response()
    }

    /// The JSON answer, with `Retry-After` when set.
    func response() throws -> Response {
        var r = try Response.json(body, status: status)
        if let retryAfter { r.headers[.retryAfter] = String(retryAfter) }
        return r
    }

    static let unauthenticated = APIError(.unauthorized, code: .unauthenticated, message: "需要登录")
    static let forbidden = APIError(.forbidden, code: .forbidden, message: "无权访问")
    static let notFound = APIError(.notFound, code: .notFound, message: "接口不存在")
    static func payloadTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: .payloadTooLarge, message: "请求体超过上限 \(limit) 字节")
    }
    static let bodyTimeout = APIError(.requestTimeout, code: .requestTimeout, message: "请求体上传超时")

    /// The API form of any error a handler threw.
    static func from(_ error: Error) -> APIError? {
        switch error {
        case let e as APIError:
            return e
        case let e as any APIErrorConvertible:
            return e.apiError
        case let e as StorageError where e.isOutOfSpace:
            // The write was rolled back and nothing was acknowledged; reads still work.
            return APIError(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), code: .insufficientStorage,
                            message: "存储空间不足，本次修改未保存，请稍后再试或联系管理员")
        case let e as PluginError:
            return APIError(HTTPResponse.Status(code: e.status), rawCode: e.code, message: e.message, field: e.field)
        case is HTTPParserError:
            // The request itself is malformed (a bad chunk size, a chunk longer than it said): the client's fault.
            return APIError(.badRequest, code: .malformedRequest, message: "请求格式错误：HTTP 报文无法解析")
        case let e as HTTPError:
            let code: ErrorCode? = switch e.status.code {
            case 400: .badRequest
            case 404: .notFound
            case 405: .methodNotAllowed
            case 408: .requestTimeout
            case 413: .payloadTooLarge
            default: nil
            }
            let message = e.status.code == 404 ? "接口不存在" : (e.body ?? e.status.reasonPhrase)
            return APIError(e.status, rawCode: code?.rawValue ?? "http_\(e.status.code)", message: message)
        default:
            return nil
        }
    }
}

extension Response {
    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try value.jsonData()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An error of the core that knows its HTTP answer.
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension EngineError: APIErrorConvertible {}
extension AuthFailure: APIErrorConvertible {}
extension GatewaySignature.Failure: APIErrorConvertible {}
