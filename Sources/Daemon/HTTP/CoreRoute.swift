import Hummingbird
import PluginAPI

/// A core route under `/api/v1/`: declared once (``APIRoute``, as plugin routes are), and that one
/// value registers it with the router, gates it by its roles and documents it.
typealias CoreRoute = APIRoute<CoreHandler>

/// What answers a core route: a method of one of the route groups (`AuthRoutes`, `RecordRoutes` …),
/// bound to the services once, when the router is built.
struct CoreHandler: Sendable {
    /// The handler with its group made: the request, its context, the caller the gate let through
    /// (nil on a route open to anyone).
    typealias Bound = @Sendable (Request, APIRequestContext, Caller?) async throws -> Response

    /// Whether the handler needs a caller: true for every route with roles (`CoreRouteTests` checks).
    let needsCaller: Bool
    /// Whether a caller who must still change their password may call it (logout, who am I, the change itself).
    let duringPasswordChange: Bool
    /// Makes the handler over `services`.
    let bind: @Sendable (CoreServices) -> Bound

    /// A handler of a route with roles: it gets the caller, already checked.
    static func gated<Group: CoreRouteGroup>(
        _ handle: @escaping @Sendable (Group) -> @Sendable (Request, APIRequestContext, Caller) async throws -> Response,
        duringPasswordChange: Bool = false
    ) -> CoreHandler {
        CoreHandler(needsCaller: true, duringPasswordChange: duringPasswordChange) { services in
            let handler = handle(Group(services: services))
            return { request, context, caller in
                // Only a route declared without roles has no caller, and such a route is `open`.
                guard let caller else { throw APIError.unauthenticated }
                return try await handler(request, context, caller)
            }
        }
    }

    /// A handler of a route open to anyone (empty roles).
    static func open<Group: CoreRouteGroup>(
        _ handle: @escaping @Sendable (Group) -> @Sendable (Request, APIRequestContext) async throws -> Response
    ) -> CoreHandler {
        CoreHandler(needsCaller: false, duringPasswordChange: false) { services in
            let handler = handle(Group(services: services))
            return { request, context, _ in try await handler(request, context) }
        }
    }
}

/// A set of core routes and the methods that answer them, over the services.
protocol CoreRouteGroup: Sendable {
    init(services: CoreServices)
    /// Its routes, as data.
    static var routes: [CoreRoute] { get }
}

/// The core's route table.
enum CoreRoutes {
    /// Every route the core serves under `/api/v1`, in the order the router registers them (plugin
    /// routes come from the plugin set). The router, the role checks, the OpenAPI document and the
    /// plugin ids refused as core paths all read this.
    static let all: [CoreRoute] = MetaRoutes.routes + AuthRoutes.routes + StudentRoutes.routes + RecordRoutes.routes + AuditRoutes.routes + EmployerRoutes.routes + ConsoleRoutes.routes

    /// Every role: the outer gate of routes whose handler decides further (the engine, per kind and record).
    static let everyone = Set(Role.allCases)

    /// The first path segments the core answers under `/api/v1`, which no plugin id may take.
    static var firstSegments: Set<String> { Set(all.compactMap(\.segments.first)) }
}

extension CoreServices {
    /// The gate of a route, before its handler: nil on a route open to anyone; otherwise the caller,
    /// refused as ``caller(_:roles:duringPasswordChange:)`` refuses (401 without a live session, 403
    /// without one of the roles or while a password change is pending).
    func caller<Handler>(_ request: Request, for route: APIRoute<Handler>, duringPasswordChange: Bool = false) throws -> Caller? {
        route.roles.isEmpty ? nil : try caller(request, roles: route.roles, duringPasswordChange: duringPasswordChange)
    }
}

extension RouterGroup where Context == APIRequestContext {
    /// Registers `route`: its gate, then its handler.
    func add(_ route: CoreRoute, services: CoreServices) {
        let handler = route.handler.bind(services)
        let duringPasswordChange = route.handler.duringPasswordChange
        on(RouterPath(route.path), method: HTTPRequest.Method(rawValue: route.method.rawValue)!) { request, context in
            let caller = try services.caller(request, for: route, duringPasswordChange: duringPasswordChange)
            return try await handler(request, context, caller)
        }
    }
}
