import Foundation
import Hummingbird
import Logging
import NIOCore
import PluginAPI

/// The JSON HTTP API: core routes, then every plugin route through one dispatcher that reads
/// the plugin set being served, so a reload changes routes without restarting the server.
enum APIServer {
    static let version = JiuyeVersion.current

    /// Builds the Hummingbird application.
    /// - Parameters:
    ///   - host: the plugin host.
    ///   - authenticator: resolves bearer tokens.
    ///   - address: where to listen.
    ///   - onRunning: told the bound port once listening (port 0 picks a free one).
    static func application(
        services: CoreServices, address: BindAddress, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Self.router(services: services)
        let settings = services.host.current.settings.server
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))),
            configuration: ApplicationConfiguration(address: address, serverName: "jiuyed"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// What the router serves, as `METHOD /path/{param}`; the plugins' catch-all appears as `/api/v1/**`.
    static func servedRoutes(services: CoreServices) -> [String] {
        router(services: services).routes.map { "\($0.method.rawValue) \($0.path.description)" }
    }

    /// The routes only, so a test can compare what is served with the OpenAPI document.
    static func router(services: CoreServices) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ConsolePolicy())
        router.add(middleware: ResponseCompression())
        router.add(middleware: RequestLogMiddleware())
        ConsoleFiles.add(to: router, assets: services.console)
        ConsoleModules.add(to: router, services: services)
        // Prometheus scrapes this (keep it off the public network: see docs/OPERATIONS.md).
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: try DaemonMetrics.scrape(services: services))))
        }
        let api = router.group("api/v1")
        // Every core route from its one declaration: the gate its roles make, then its handler.
        for route in CoreRoutes.all { api.add(route, services: services) }
        let dispatcher = PluginRouteDispatcher(services: services)
        for method in PluginAPI.HTTPMethod.allCases {
            api.on("**", method: HTTPRequest.Method(rawValue: method.rawValue)!) { request, context in
                try await dispatcher.handle(request, context: context, method: method)
            }
        }
        return router
    }
}

/// The OpenAPI document, built once per plugin set.
final class OpenAPICache: Sendable {
    private let cached = LockedBox<(PluginSet, JSONValue)?>(nil)
    func document(for set: PluginSet) -> JSONValue {
        if let (cachedSet, doc) = cached.value, cachedSet === set { return doc }
        let doc = OpenAPIDocument.build(set, version: APIServer.version)
        cached.value = (set, doc)
        return doc
    }
}

/// Matches `/api/v1/<plugin>/…` against the plugin routes, checks the caller's roles, reads the
/// body within its limits and runs the handler.
struct PluginRouteDispatcher: Sendable {
    let services: CoreServices
    var host: PluginHost { services.host }

    /// The caller of a route open to anyone: no roles, no scope.
    static let anonymous = Account(id: "", displayName: "匿名", roles: [])

    func handle(_ request: Request, context: some RequestContext, method: PluginAPI.HTTPMethod) async throws -> Response {
        let set = host.current
        let segments = request.uri.path.split(separator: "/").dropFirst(2)
        let (entry, parameters): (RouteTable.Entry, [String: String])
        switch set.routes.match(method: method, path: Array(segments)) {
        case .notFound:
            throw APIError.notFound
        case .methodNotAllowed(let allowed):
            throw APIError(.methodNotAllowed, code: .methodNotAllowed,
                           message: "该接口只接受 \(allowed.map(\.rawValue).joined(separator: ", "))")
        case .found(let e, let p):
            (entry, parameters) = (e, p)
        }

        let caller = try services.caller(request, for: entry.spec)
        let principal = caller?.account.principal ?? Principal(id: "", roles: [], displayName: "匿名")
        let body = try await services.body(request)

        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
        var logger = context.logger
        logger[metadataKey: "plugin"] = "\(entry.plugin)"
        let routeRequest = RouteRequest(
            principal: principal, parameters: parameters, query: query, body: body,
            // Records act as the caller; an anonymous route sees none until it proves itself.
            requestID: context.id, store: try host.pluginStore(entry.plugin, caller: caller ?? Caller(account: Self.anonymous, token: "")), logger: logger,
            statistics: ScopedStatistics(services: services, records: caller?.records ?? ScopedRecords(Scope(account: Self.anonymous))),
            tables: CoreTableFileReader(limits: .init(set.settings.imports)),
            isSigned: { [signature = request.headers["X-Jiuye-Signature".headerName]] secret in
                Webhook.verify(secret: secret, body: body, signature: signature)
            })
        let answer = try await entry.spec.handler(routeRequest)
        let status = HTTPResponse.Status(code: answer.status)
        if let raw = answer.raw {
            var headers: HTTPFields = [.contentType: raw.contentType]
            if raw.contentType.hasPrefix("text/html") { headers[.contentSecurityPolicy] = PluginPagePolicy.policy(html: raw.bytes) }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: raw.bytes)))
        }
        guard let json = answer.body else { return Response(status: status) }
        return try Response.json(json, status: status)
    }


}

/// The version of this build.
public enum JiuyeVersion {
    public static let current = "0.1.0"
}
