import Hummingbird
import NIOCore

/// Serves the console: `/`, `/console` and `/console/` are `index.html`; the modules and styles
/// are under `/console/`. Every answer carries the console's strict policy
/// (``ConsolePolicy``) and revalidates by ETag, so a new binary's files are never stale.
enum ConsoleFiles {
    static func add(to router: Router<APIRequestContext>, assets: ConsoleAssets) {
        // The page names its files by absolute path, so it works at `/`, `/console` and `/console/` alike.
        for path in ["/", "console"] {
            router.get(RouterPath(path)) { request, _ in try serve("index.html", request, assets) }
        }
        router.get("console/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/console/".count))
            return try serve(path.isEmpty ? "index.html" : path, request, assets)
        }
    }

    static func serve(_ path: String, _ request: Request, _ assets: ConsoleAssets) throws -> Response {
        guard let asset = assets.asset(path) else { throw APIError.notFound }
        return try serve(request, asset)
    }

    /// One file with its type and validator, or 304 when the browser's copy is current.
    static func serve(_ request: Request, _ asset: ConsoleAssets.Asset) throws -> Response {
        // The file goes gzipped to a browser that takes it (ResponseCompression), tagged W/"…":
        // each representation is revalidated with its own tag, and caches key on Accept-Encoding.
        let zipped = GzipRule.compresses(request, contentType: asset.contentType, length: asset.bytes.readableBytes)
        let tag = zipped ? "W/" + asset.etag : asset.etag
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "no-cache", .vary: "Accept-Encoding"]
        let tags = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains(where: { $0 == tag || $0 == "*" }) {
            headers[.eTag] = tag
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}

/// The headers every answer carries. The console's pages may load scripts, styles and data from
/// jiuyed only, run no inline script or style, be framed by nobody, and write to no DOM sink that
/// parses HTML (Trusted Types with no policy: data goes in as text). API answers may do nothing
/// at all when opened in a browser.
struct ConsolePolicy<Context: RequestContext>: RouterMiddleware {
    static var console: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
    }
    static var api: String { "default-src 'none'; frame-ancestors 'none'; sandbox" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Outermost: errors have become answers (RequestLogMiddleware) by the time they come back here.
        var response = try await next(request, context)
        let isConsole = request.uri.path == "/" || request.uri.path.hasPrefix("/console")
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = isConsole ? Self.console : Self.api
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers["Referrer-Policy".headerName] = "no-referrer"
        if response.headers["X-Frame-Options".headerName] == nil { response.headers["X-Frame-Options".headerName] = "DENY" }
        if isConsole { response.headers["Cross-Origin-Opener-Policy".headerName] = "same-origin" }
        // No other site embeds our answers (a same-site page would send the cookie with an <img>),
        // and no answer about people stays in a shared computer's cache after logout.
        response.headers["Cross-Origin-Resource-Policy".headerName] = "same-origin"
        if !isConsole && response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
