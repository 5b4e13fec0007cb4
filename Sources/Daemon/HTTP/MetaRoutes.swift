import Foundation
import Hummingbird
import PluginAPI

/// `/api/v1/health`, `plugins`, `code-tables`, `openapi.json`: what the daemon is serving, open to anyone.
struct MetaRoutes: CoreRouteGroup {
    let services: CoreServices
    /// Made once per router, like the group: the document is built once per plugin set.
    let openAPICache = OpenAPICache()
    var host: PluginHost { services.host }

    init(services: CoreServices) { self.services = services }

    static let routes: [CoreRoute] = [
        CoreRoute(method: .get, path: "health", roles: [], summary: "健康检查",
                  output: .object([("status", .text), ("version", .text), ("plugins", .integer)], required: ["status"]),
                  operationID: "health", handler: .open(MetaRoutes.health)),
        CoreRoute(method: .get, path: "plugins", roles: [], summary: "已启用的插件、记录类型、字段与审核流程",
                  output: .object([("institution", .object([("name", .text), ("code", .text)])),
                                   ("plugins", .array(.object([("id", .text), ("version", .text)])))]),
                  operationID: "plugins", handler: .open(MetaRoutes.plugins)),
        // Code tables with their entries and labels, for pickers and for showing a code's name.
        CoreRoute(method: .get, path: "code-tables", roles: [], summary: "代码表及其条目（性别、毕业去向、单位性质……）",
                  output: .object([("codeTables", .array(.reference("CodeTable")))]), operationID: "codeTables", handler: .open(MetaRoutes.codeTables)),
        CoreRoute(method: .get, path: "code-tables/:id", roles: [], summary: "一张代码表", output: .reference("CodeTable"),
                  operationID: "codeTable", handler: .open(MetaRoutes.codeTable)),
        CoreRoute(method: .get, path: "openapi.json", roles: [], summary: "本接口文档", operationID: "openapi", handler: .open(MetaRoutes.openAPI)),
    ]

    func health(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let set = host.current
        return try Response.json(["status": "ok", "version": .string(APIServer.version), "plugins": .int(set.plugins.count)])
    }

    func plugins(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try Response.json(["institution": ["name": .string(host.current.settings.institution.name),
                                           "code": .string(host.current.settings.institution.code)],
                           "plugins": host.current.describe])
    }

    func codeTables(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let tables = host.current.codeTables.values.sorted { $0.id < $1.id }
        return try Response.json(["codeTables": .array(tables.map(\.json))])
    }

    func codeTable(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let table = host.current.codeTables[id] else {
            throw APIError(.notFound, code: .unknownCodeTable, message: "没有代码表 \(id)")
        }
        return try Response.json(table.json)
    }

    func openAPI(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try Response.json(openAPICache.document(for: host.current))
    }
}
