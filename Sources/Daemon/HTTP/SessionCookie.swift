import Crypto
import Foundation
import Hummingbird

/// The console's session: the same token as a bearer session, carried in an `HttpOnly;
/// SameSite=Strict` cookie so no script can read it. A write that rides on the cookie must also
/// carry the CSRF token (a value derived from the session that only a page of ours was told) and
/// must not come from another site. Bearer clients are unaffected.
enum SessionCookie {
    static let name = "jiuye_session"
    /// The header a cookie-authenticated write carries.
    static let csrfHeader = "X-CSRF-Token"

    /// Where a request's session token came from.
    enum Source: Equatable {
        case bearer
        case cookie
    }

    /// The session tokens a request offers: the bearer header alone when there is one; otherwise
    /// every session cookie it carries, each to be tried in turn (a sibling subdomain may set a
    /// cookie of the same name that browsers send first: it must not lock the user out).
    static func tokens(_ request: Request) -> [(String, Source)] {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return [(String(header.dropFirst(7)), .bearer)]
        }
        var out: [(String, Source)] = []
        for line in request.headers[values: .cookie] {
            for pair in line.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, [name, secureName].contains(parts[0].trimmingCharacters(in: .whitespaces)) else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty && out.count < 4 { out.append((value, .cookie)) }
            }
        }
        return out
    }

    /// Over HTTPS the cookie takes the `__Host-` prefix: browsers then accept it only from this
    /// host, secure, for every path, so no sibling subdomain can set or shadow it.
    static let secureName = "__Host-" + name

    /// The CSRF token of a session: a hash of the session token, so nothing more is stored and a
    /// page that cannot read the cookie cannot compute it.
    static func csrfToken(for session: String) -> String {
        SHA256.hash(data: Data("jiuye-csrf\u{0}\(session)".utf8)).prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// Refuses a cookie-authenticated request that changes something unless it is same-origin and
    /// carries the session's CSRF token. Reads (GET, HEAD) change nothing and pass.
    static func checkWrite(_ request: Request, session: String) throws {
        guard request.method != .get, request.method != .head else { return }
        try checkSameOrigin(request)
        guard let sent = request.headers[csrfHeader.headerName], constantTimeEquals(sent, csrfToken(for: session)) else { throw refused }
    }

    /// Refuses a request another site's page made. Browsers say where a request comes from
    /// (`Sec-Fetch-Site`), and that decides; an older browser's `Origin` must name this host, as
    /// the client reached it (through a proxy, `X-Forwarded-Host`: a page of another site cannot
    /// set that header without a preflight jiuyed never grants). Also guards a cookie login, so no
    /// other site can sign a browser in to an account of its choosing.
    static func checkSameOrigin(_ request: Request) throws {
        if let site = request.headers["Sec-Fetch-Site".headerName] {
            guard site == "same-origin" else { throw refused }
            return
        }
        guard let origin = request.headers[.origin] else { return }
        let hosts = [request.headers["X-Forwarded-Host".headerName], request.head.authority].compactMap { $0 }
        guard hosts.contains(where: { origin == "https://\($0)" || origin == "http://\($0)" }) else { throw refused }
    }

    static var refused: APIError {
        APIError(.forbidden, code: .csrfRefused, message: "请求来源无法确认（缺少或错误的 CSRF 令牌，或来自其他网站）：请刷新页面后重试")
    }

    /// The `Set-Cookie` value that starts a console session; `secure` when the client reached us over HTTPS.
    static func setCookie(_ token: String, maxAge: Int, secure: Bool) -> String {
        secure ? "\(secureName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict; Secure"
            : "\(name)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
    }

    /// The `Set-Cookie` values that end it, whichever name it had.
    static let clearCookies = ["\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict",
                               "\(secureName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure",
                               "\(hint)=; Path=/; Max-Age=0; SameSite=Strict"]

    /// A cookie the page may read, holding nothing secret: that a console session was started in this
    /// browser, so a fresh page asks who is signed in only when someone may be (no 401 to log otherwise).
    static let hint = "jiuye_console"
    static func setHint(maxAge: Int, secure: Bool) -> String {
        "\(hint)=1; Path=/; Max-Age=\(maxAge); SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether the client's connection was HTTPS: only a trusted proxy may say so.
    static func isSecure(_ request: Request, peer: String?, trustedProxies: [String]) -> Bool {
        guard let peer, trustedProxies.contains(peer) else { return false }
        return request.headers["X-Forwarded-Proto".headerName]?.lowercased() == "https"
    }
}
