import PluginAPI

/// Turns a bearer token into a principal. The accounts issue adds the session store; until then
/// a daemon serves only public routes, and a test kit can hand out fixed tokens.
public protocol Authenticator: Sendable {
    /// The principal for `token`, or nil when it is unknown or expired.
    func principal(forBearer token: String) async throws -> Principal?
}

/// Knows no token: every route that needs a role answers 401.
public struct NoAuthenticator: Authenticator {
    public init() {}
    public func principal(forBearer token: String) async throws -> Principal? { nil }
}

/// Fixed tokens for service accounts and tests.
public struct StaticTokenAuthenticator: Authenticator {
    let tokens: [String: Principal]
    public init(_ tokens: [String: Principal]) { self.tokens = tokens }
    public func principal(forBearer token: String) async throws -> Principal? { tokens[token] }
}
