import Foundation
import HTTPTypes
import Hummingbird
import PluginAPI

/// `/api/v1/auth/…` and `/api/v1/wechat/…`: login, logout, password, the WeChat gateway.
struct AuthRoutes: CoreRouteGroup {
    let services: CoreServices

    struct Login: Decodable { var username: String; var password: String; var cookie: Bool? }
    struct PasswordChange: Decodable { var oldPassword: String; var newPassword: String }
    struct OpenID: Decodable { var openid: String }
    struct PhoneCode: Decodable { var challenge: String; var code: String; var cookie: Bool? }

    static let everyone = CoreRoutes.everyone
    static let sessionSchema: JSONSchema = .object([("token", .text), ("csrfToken", .text), ("expiresAt", .string(format: "date-time")), ("account", .reference("Account"))])
    static let openIDSchema: JSONSchema = .object([("openid", .text)], required: ["openid"])

    static let routes: [CoreRoute] = [
        CoreRoute(method: .post, path: "auth/login", roles: [], summary: "登录（学生用学号，初始密码为身份证号后六位）；需短信验证时返回 challenge；cookie=true 时会话放在 HttpOnly Cookie 中（网页控制台），返回 csrfToken 而不返回 token",
                  input: .object([("username", .text), ("password", .text), ("cookie", .boolean)], required: ["username", "password"]),
                  output: .object([("token", .text), ("csrfToken", .text), ("expiresAt", .string(format: "date-time")), ("account", .reference("Account")),
                                   ("verificationRequired", .boolean), ("challenge", .text), ("mobile", .text)]),
                  handler: .open(AuthRoutes.login)),
        CoreRoute(method: .post, path: "auth/verify-phone", roles: [], summary: "提交短信验证码，换取登录会话",
                  input: .object([("challenge", .text), ("code", .text), ("cookie", .boolean)], required: ["challenge", "code"]), output: sessionSchema,
                  handler: .open(AuthRoutes.verifyPhone)),
        // A caller who must change their password may still log out, see who they are and change it.
        CoreRoute(method: .post, path: "auth/logout", roles: everyone, summary: "退出登录",
                  handler: .gated(AuthRoutes.logout, duringPasswordChange: true)),
        CoreRoute(method: .get, path: "auth/me", roles: everyone, summary: "当前账号（以 Cookie 登录时附 csrfToken）", output: .reference("Account"),
                  handler: .gated(AuthRoutes.me, duringPasswordChange: true)),
        CoreRoute(method: .post, path: "auth/password", roles: everyone, summary: "修改密码",
                  input: .object([("oldPassword", .text), ("newPassword", .text)], required: ["oldPassword", "newPassword"]),
                  handler: .gated(AuthRoutes.changePassword, duringPasswordChange: true)),
        // The gateway's calls: signed, fresh, never replayed.
        CoreRoute(method: .post, path: "wechat/login", roles: [], summary: "微信登录（网关签名）", input: openIDSchema, output: sessionSchema,
                  handler: .open(AuthRoutes.weChatLogin)),
        CoreRoute(method: .post, path: "wechat/bind", roles: everyone, summary: "绑定微信（网关签名）", input: openIDSchema,
                  handler: .gated(AuthRoutes.bindWeChat)),
        CoreRoute(method: .post, path: "wechat/unbind", roles: everyone, summary: "解除本人微信绑定", handler: .gated(AuthRoutes.unbindWeChat)),
    ]

    static func session(_ token: String, _ expires: Date, _ account: Account) -> JSONValue {
        ["token": .string(token), "expiresAt": .string(ISO8601DateFormatter().string(from: expires)), "account": account.summary]
    }

    /// A new session's answer: the token in the body for API clients; for the console, in an
    /// HttpOnly cookie the page cannot read, with the CSRF token its writes must carry instead.
    func session(_ token: String, _ expires: Date, _ account: Account, cookie: Bool, _ request: Request, _ context: APIRequestContext) throws -> Response {
        guard cookie else { return try Response.json(Self.session(token, expires, account)) }
        let secure = SessionCookie.isSecure(request, peer: context.remoteAddress?.ipAddress,
                                            trustedProxies: services.host.current.settings.server.trustedProxies)
        var response = try Response.json(["csrfToken": .string(SessionCookie.csrfToken(for: token)),
                                          "expiresAt": .string(ISO8601DateFormatter().string(from: expires)), "account": account.summary])
        let maxAge = max(0, Int(expires.timeIntervalSinceNow))
        response.headers[.setCookie] = SessionCookie.setCookie(token, maxAge: maxAge, secure: secure)
        response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.setHint(maxAge: maxAge, secure: secure)))
        return response
    }

    func login(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let login = try await services.decode(Login.self, request)
        // No other site may sign a browser in to an account of its choosing.
        if login.cookie == true { try SessionCookie.checkSameOrigin(request) }
        let client = ClientAddress.of(request, peer: context.remoteAddress,
                                      trustedProxies: services.host.current.settings.server.trustedProxies)
        do {
            switch try await services.accounts.login(username: login.username.trimmingSpaces, password: login.password, client: client) {
            case .session(let token, let expires, let account):
                return try session(token, expires, account, cookie: login.cookie == true, request, context)
            case .verification(let challenge, let mobile):
                // No session yet: the code sent by SMS must come back first.
                return try Response.json(["verificationRequired": true, "challenge": .string(challenge), "mobile": .string(mobile)])
            }
        } catch let f as AuthFailure { throw f.apiError }
    }

    func verifyPhone(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let input = try await services.decode(PhoneCode.self, request)
        if input.cookie == true { try SessionCookie.checkSameOrigin(request) }
        let s = try await services.accounts.verifyPhone(challenge: input.challenge, code: input.code)
        return try session(s.token, s.expires, s.account, cookie: input.cookie == true, request, context)
    }

    func logout(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        try await services.accounts.logout(token: caller.token)
        var headers = HTTPFields()
        for value in SessionCookie.clearCookies { headers.append(HTTPField(name: .setCookie, value: value)) }
        return Response(status: .noContent, headers: headers)
    }

    func me(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        guard SessionCookie.tokens(request).first?.1 == .cookie, var me = caller.account.summary.objectValue else { return try Response.json(caller.account.summary) }
        me["csrfToken"] = .string(SessionCookie.csrfToken(for: caller.token))
        return try Response.json(.object(me))
    }

    func changePassword(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let change = try await services.decode(PasswordChange.self, request)
        do {
            try await services.accounts.changePassword(account: caller.account, token: caller.token,
                                                       old: change.oldPassword, new: change.newPassword)
        } catch let f as AuthFailure { throw f.apiError }
        return Response(status: .noContent)
    }

    func weChatLogin(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await verifiedGatewayBody(request)
        let call = try JSONBody.decode(OpenID.self, from: body)
        do {
            let s = try await services.accounts.loginWithWeChat(openID: call.openid)
            return try Response.json(Self.session(s.token, s.expires, s.account))
        } catch let f as AuthFailure { throw f.apiError }
    }

    func bindWeChat(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let body = try await verifiedGatewayBody(request)
        let call = try JSONBody.decode(OpenID.self, from: body)
        guard !call.openid.isEmpty, call.openid.count <= 128 else { throw APIError(.badRequest, code: .badRequest, message: "openid 无效", field: "openid") }
        do { try await services.accounts.bindWeChat(caller.account.id, openID: call.openid) } catch let f as AuthFailure { throw f.apiError }
        return Response(status: .noContent)
    }

    func unbindWeChat(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        try services.accounts.unbindWeChat(caller.account.id)
        return Response(status: .noContent)
    }

    func verifiedGatewayBody(_ request: Request) async throws -> Data {
        guard let gateway = try services.gateway() else { throw GatewaySignature.Failure.notConfigured.apiError }
        let body = try await services.body(request)
        do {
            try await gateway.verify(timestamp: request.headers[GatewaySignature.timestampHeader.headerName],
                               nonce: request.headers[GatewaySignature.nonceHeader.headerName],
                               signature: request.headers[GatewaySignature.signatureHeader.headerName],
                               method: request.method.rawValue, path: request.uri.path, body: body, store: services.directory)
        } catch let f as GatewaySignature.Failure { throw f.apiError }
        return body
    }
}
