import Hummingbird
import PluginAPI

/// `/api/v1/console/…`: what the web console needs beyond the record routes.
struct ConsoleRoutes: CoreRouteGroup {
    let services: CoreServices

    static let routes: [CoreRoute] = [
        CoreRoute(method: .get, path: "console/schema", roles: CoreRoutes.everyone,
                  summary: "控制台界面描述（按角色）：可见的记录类型、字段及本角色可否修改、默认列与筛选字段、保存的视图、审核层级、退回原因、可用的批量操作、导出预设、待本级处理的状态、提交规则（某字段取某些代码时必填的字段与材料），以及插件提供的页面；maxUploadBytes 为上传材料的上限",
                  output: .object([("institution", .object([("name", .text), ("code", .text)])), ("roles", .array(.any)), ("kinds", .array(.any)),
                                   ("pages", .array(.any)), ("pageSizes", .array(.integer)), ("maxSearchValues", .integer),
                                     ("queues", .array(.any)), ("maxUploadBytes", .integer)]),
                  handler: .gated(ConsoleRoutes.schema)),
    ]

    func schema(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        try Response.json(services.consoleSchemas.schema(for: services.host.current, roles: caller.account.roles))
    }
}
