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

    /// The session token of a request: the bearer header first, then the cookie.
    static func token(_ request: Request) -> (String, Source)? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return (String(header.dropFirst(7)), .bearer)
        }
        for line in request.headers[values: .cookie] {
            for pair in line.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return (value, .cookie) }
            }
        }
        return nil
    }

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

    /// Refuses a request another site's page made: browsers say where a request comes from. Also
    /// guards a cookie login, so no other site can sign a browser in to an account of its choosing.
    static func checkSameOrigin(_ request: Request) throws {
        if let site = request.headers["Sec-Fetch-Site".headerName], site != "same-origin" { throw refused }
        if let origin = request.headers[.origin] {
            guard let host = request.head.authority, origin == "http://\(host)" || origin == "https://\(host)" else { throw refused }
        }
    }

    static var refused: APIError {
        APIError(.forbidden, code: .csrfRefused, message: "请求来源无法确认（缺少或错误的 CSRF 令牌，或来自其他网站）：请刷新页面后重试")
    }

    /// The `Set-Cookie` value that starts a console session; `secure` when the client reached us over HTTPS.
    static func setCookie(_ token: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that ends it.
    static let clearCookie = "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"

    /// A cookie the page may read, holding nothing secret: that a console session was started in this
    /// browser, so a fresh page asks who is signed in only when someone may be (no 401 to log otherwise).
    static let hint = "jiuye_console"
    static func setHint(maxAge: Int, secure: Bool) -> String {
        "\(hint)=1; Path=/; Max-Age=\(maxAge); SameSite=Strict" + (secure ? "; Secure" : "")
    }
    static let clearHint = "\(hint)=; Path=/; Max-Age=0; SameSite=Strict"

    /// Whether the client's connection was HTTPS: only a trusted proxy may say so.
    static func isSecure(_ request: Request, peer: String?, trustedProxies: [String]) -> Bool {
        guard let peer, trustedProxies.contains(peer) else { return false }
        return request.headers["X-Forwarded-Proto".headerName]?.lowercased() == "https"
    }
}
