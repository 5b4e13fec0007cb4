import Foundation
import Hummingbird

/// One log line and the request metrics per request, with its id, status and duration; turns every error into the JSON
/// error body; adds `X-Request-Id` and `X-Content-Type-Options: nosniff` to every response.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = context.id
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if let api = APIError.from(error) {
                response = try api.response()
            } else {
                context.logger.error("unhandled error: \(error)")
                let api = APIError(.internalServerError, code: .internal, message: "服务器内部错误，请凭请求编号 \(id) 联系管理员")
                response = try Response.json(api.body, status: api.status)
            }
        }
        response.headers[.init("X-Request-Id")!] = id
        // No browser may guess a type other than the one given (an upload sniffed as HTML would run as the site).
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        let elapsed = ContinuousClock.now - start
        let ms = elapsed.milliseconds
        DaemonMetrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, duration: elapsed)
        // Server time, for clients and benchmarks (RFC: Server-Timing).
        response.headers[.init("Server-Timing")!] = "app;dur=\(ms)"
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(ms)ms")
        return response
    }
}

extension Duration {
    /// Milliseconds with one decimal, e.g. `0.4` (no formatter: it runs on every request).
    var milliseconds: String {
        let (s, atto) = components
        let tenths = Int(s) * 10_000 + Int(atto / 100_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
