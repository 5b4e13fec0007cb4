import Foundation
import Hummingbird
import PluginAPI

/// `/api/v1/auth/…` and `/api/v1/wechat/…`: login, logout, password, the WeChat gateway.
struct AuthRoutes {
    let services: CoreServices

    struct Login: Decodable { var username: String; var password: String }
    struct PasswordChange: Decodable { var oldPassword: String; var newPassword: String }
    struct OpenID: Decodable { var openid: String }
    struct PhoneCode: Decodable { var challenge: String; var code: String }

    static func session(_ token: String, _ expires: Date, _ account: Account) -> JSONValue {
        ["token": .string(token), "expiresAt": .string(ISO8601DateFormatter().string(from: expires)), "account": account.summary]
    }

    func register(on api: RouterGroup<APIRequestContext>) {
        let services = self.services
        api.post("auth/login") { request, context -> Response in
            let login = try await services.decode(Login.self, request)
            let client = ClientAddress.of(request, peer: context.remoteAddress,
                                          trustedProxies: services.host.current.settings.server.trustedProxies)
            do {
                switch try await services.accounts.login(username: login.username.trimmingSpaces, password: login.password, client: client) {
                case .session(let token, let expires, let account):
                    return try Response.json(Self.session(token, expires, account))
                case .verification(let challenge, let mobile):
                    // No session yet: the code sent by SMS must come back first.
                    return try Response.json(["verificationRequired": true, "challenge": .string(challenge), "mobile": .string(mobile)])
                }
            } catch let f as AuthFailure { throw f.apiError }
        }
        api.post("auth/verify-phone") { request, _ -> Response in
            let input = try await services.decode(PhoneCode.self, request)
            let s = try services.accounts.verifyPhone(challenge: input.challenge, code: input.code)
            return try Response.json(Self.session(s.token, s.expires, s.account))
        }
        api.post("auth/logout") { request, _ -> Response in
            let caller = try services.caller(request, duringPasswordChange: true)
            try services.accounts.logout(token: caller.token)
            return Response(status: .noContent)
        }
        api.get("auth/me") { request, _ -> Response in
            let caller = try services.caller(request, duringPasswordChange: true)
            return try Response.json(caller.account.summary)
        }
        api.post("auth/password") { request, _ -> Response in
            let caller = try services.caller(request, duringPasswordChange: true)
            let change = try await services.decode(PasswordChange.self, request)
            do {
                try await services.accounts.changePassword(account: caller.account, token: caller.token,
                                                           old: change.oldPassword, new: change.newPassword)
            } catch let f as AuthFailure { throw f.apiError }
            return Response(status: .noContent)
        }

        // The gateway's calls: signed, fresh, never replayed.
        api.post("wechat/login") { request, _ -> Response in
            let body = try await verifiedGatewayBody(request)
            let call = try JSONBody.decode(OpenID.self, from: body)
            do {
                let s = try services.accounts.loginWithWeChat(openID: call.openid)
                return try Response.json(Self.session(s.token, s.expires, s.account))
            } catch let f as AuthFailure { throw f.apiError }
        }
        api.post("wechat/bind") { request, _ -> Response in
            let caller = try services.caller(request)
            let body = try await verifiedGatewayBody(request)
            let call = try JSONBody.decode(OpenID.self, from: body)
            guard !call.openid.isEmpty, call.openid.count <= 128 else { throw APIError(.badRequest, code: "bad_request", message: "openid 无效", field: "openid") }
            do { try services.accounts.bindWeChat(caller.account.id, openID: call.openid) } catch let f as AuthFailure { throw f.apiError }
            return Response(status: .noContent)
        }
        api.post("wechat/unbind") { request, _ -> Response in
            let caller = try services.caller(request)
            try services.accounts.unbindWeChat(caller.account.id)
            return Response(status: .noContent)
        }

        @Sendable func verifiedGatewayBody(_ request: Request) async throws -> Data {
            guard let gateway = try services.gateway() else { throw GatewaySignature.Failure.notConfigured.apiError }
            let body = try await services.body(request)
            do {
                try gateway.verify(timestamp: request.headers[GatewaySignature.timestampHeader.headerName],
                                   nonce: request.headers[GatewaySignature.nonceHeader.headerName],
                                   signature: request.headers[GatewaySignature.signatureHeader.headerName],
                                   method: request.method.rawValue, path: request.uri.path, body: body, store: services.directory)
            } catch let f as GatewaySignature.Failure { throw f.apiError }
            return body
        }
    }
}
