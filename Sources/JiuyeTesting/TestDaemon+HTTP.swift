import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PluginAPI

extension TestDaemon {
    /// Logs in at `POST /api/v1/auth/login` and returns the bearer token.
    public func login(_ username: String, _ password: String = "password-123") async throws -> String {
        let r = try await request(.post, "/api/v1/auth/login", body: ["username": .string(username), "password": .string(password)])
        guard r.status == 200, let token = try r.json["token"]?.stringValue else { throw TestDaemonError.loginFailed(r.status) }
        return token
    }

    /// Sends an HTTP request: over loopback, or in process straight to the router.
    /// - Parameters:
    ///   - method: the method.
    ///   - path: the path with its query, percent-encoded, e.g. `/api/v1/health`.
    ///   - body: a JSON body, if any.
    ///   - rawBody: raw bytes instead of JSON.
    ///   - token: a bearer token.
    ///   - headers: extra headers.
    public func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, rawBody: Data? = nil,
                        token: String? = nil, headers: [String: String] = [:]) async throws -> TestResponse {
        var all: [String: String] = [:]
        let bytes = try body?.jsonData() ?? rawBody
        if body != nil { all["Content-Type"] = "application/json" }
        if let token { all["Authorization"] = "Bearer \(token)" }
        for (name, value) in headers {  // the caller's headers win, whatever their case
            all = all.filter { $0.key.lowercased() != name.lowercased() }
            all[name] = value
        }
        switch transport {
        case .live:
            return try await Self.send(method, URL(string: baseURL + path)!, headers: all, body: bytes)
        case .inProcess(let daemon):
            let answer = try await daemon.respond(method: method.rawValue, path: path, headers: all, body: bytes)
            return TestResponse(status: answer.status, headers: answer.headers, body: answer.body)
        }
    }

    private static func send(_ method: HTTPMethod, _ url: URL, headers: [String: String], body: Data?) async throws -> TestResponse {
        var request = URLRequest(url: url)
        request.httpMethod = method.rawValue
        request.httpBody = body
        // Sessions are what the test says: no cookie jar shared between daemons and tests.
        request.httpShouldHandleCookies = false
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return TestResponse(status: http.statusCode, headers: headers, body: data)
    }
}

/// An HTTP response as a test sees it.
public struct TestResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Headers, names lowercased.
    public let headers: [String: String]
    /// The raw body.
    public let body: Data

    /// A response received some other way (a test's own client).
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as JSON.
    public var json: JSONValue {
        get throws { try JSONDecoder().decode(JSONValue.self, from: body) }
    }

    /// The `error.code` of a JSON error body.
    public var errorCode: String? { (try? json)?["error"]?["code"]?.stringValue }
}
