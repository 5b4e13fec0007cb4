import AdminProtocol
import Daemon
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PluginAPI

/// A jiuyed running in the test's process on a temporary LMDB, with real HTTP on loopback and
/// the real admin socket: what plugin authors test against.
///
/// ```swift
/// let daemon = try await TestDaemon.start(plugins: [MyPlugin.self], config: """
///     plugins:
///       my-plugin: {}
///     """)
/// defer { Task { try await daemon.stop() } }
/// let response = try await daemon.request(.get, "/api/v1/health")
/// #expect(response.status == 200)
/// ```
public final class TestDaemon: Sendable {
    /// The daemon.
    public let daemon: Daemon
    /// The HTTP port it listens on (127.0.0.1).
    public let port: Int
    /// The temporary directory holding config, data and socket; removed by ``stop()``.
    public let directory: String
    /// The configuration file it reads (and `plugin reload` re-reads).
    public let configPath: String
    /// The admin socket.
    public let socketPath: String
    private let task: Task<Void, Error>

    /// Login limits no test reaches by accident.
    static let roomyLoginLimits = "{perClientBurst: 100000, perClientPerMinute: 100000, perAccountBurst: 100000, perAccountPerMinute: 100000}"

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(daemon: Daemon, port: Int, directory: String, task: Task<Void, Error>) {
        self.daemon = daemon
        self.port = port
        self.directory = directory
        self.configPath = daemon.options.configPath
        self.socketPath = daemon.options.socketPath
        self.task = task
    }

    /// Boots a daemon with `config` as its `plugins.yaml`.
    /// - Parameters:
    ///   - plugins: plugin types to offer besides (or instead of) the built-in ones.
    ///   - builtins: the built-in plugin types to offer as well (pass `[]` for none).
    ///   - config: the text of `plugins.yaml`.
    ///   - seedDemo: seed the demo institution (示例大学) first.
    ///   - logs: where to record every log line, at every level (otherwise only critical ones reach stderr).
    ///   - directory: the directory of an earlier daemon stopped with `keepDirectory` (its data
    ///     directory is `<directory>/data`): a restart on the same data.
    ///   - dataDirectory: where LMDB lives, when it must be somewhere special (a small file
    ///     system); it is left in place by ``stop()``. By default a folder of the temporary directory.
    ///
    /// Unless `config` has an `auth:` section, password hashing is made cheap so logins stay fast,
    /// and the login rate limits are set out of reach (every test client is 127.0.0.1).
    public static func start(
        plugins: [any Plugin.Type] = [], builtins: [any Plugin.Type], config: String, seedDemo: Bool = false, logs: LogCapture? = nil,
        directory: String? = nil, dataDirectory: String? = nil
    ) async throws -> TestDaemon {
        let directory = directory ?? FileManager.default.temporaryDirectory.path + "/jiuye-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configPath = directory + "/plugins.yaml"
        let hasAuth = config.hasPrefix("auth:") || config.contains("\nauth:")
        try (hasAuth ? config : config + "\nauth: {argon2MemoryKiB: 64, argon2Iterations: 1, loginLimits: \(Self.roomyLoginLimits)}\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        var logger = Logger(label: "jiuyed-test")
        logger.logLevel = ProcessInfo.processInfo.environment["JIUYE_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        if let logs { logger = logs.logger(label: "jiuyed-test") }
        let options = DaemonOptions(
            configPath: configPath, dataDirectory: dataDirectory ?? directory + "/data", host: "127.0.0.1", port: 0,
            socketPath: directory + "/admin.sock", catalog: PluginCatalog(builtins + plugins),
            handleSignals: false, noSync: true, seedDemo: seedDemo)
        let daemon: Daemon
        do {
            daemon = try Daemon(options: options, logger: logger)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await daemon.run { endpoints in continuation.yield(endpoints.port) }
        }
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try? FileManager.default.removeItem(atPath: directory)
            try await task.value
            throw TestDaemonError.didNotStart
        }
        return TestDaemon(daemon: daemon, port: port, directory: directory, task: task)
    }

    /// Boots a daemon, runs `body` with it, and stops it however `body` ends — returning,
    /// throwing, or failing an expectation — so no test leaves a daemon running:
    ///
    /// ```swift
    /// try await TestDaemon.with(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}") { d in
    ///     #expect(try await d.request(.get, "/api/v1/health").status == 200)
    /// }
    /// ```
    /// The parameters are those of ``start(plugins:builtins:config:seedDemo:logs:directory:dataDirectory:)``.
    public static func with<R>(
        plugins: [any Plugin.Type] = [], builtins: [any Plugin.Type], config: String, seedDemo: Bool = false, logs: LogCapture? = nil,
        _ body: (TestDaemon) async throws -> R
    ) async throws -> R {
        let d = try await start(plugins: plugins, builtins: builtins, config: config, seedDemo: seedDemo, logs: logs)
        let result: R
        do {
            result = try await body(d)
        } catch {
            try? await d.stop()
            throw error
        }
        try await d.stop()
        return result
    }

    /// Stops the daemon as SIGTERM would and removes its directory, unless `keepDirectory` (to
    /// start another daemon on the same data with `start(…, directory:)`).
    public func stop(keepDirectory: Bool = false) async throws {
        await daemon.shutdown()
        defer { if !keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        try await task.value
    }

    /// Replaces `plugins.yaml` (then call ``admin(_:)`` with `plugin reload`).
    public func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends an admin command over the real socket.
    public func admin(_ words: String...) async throws -> AdminResponse {
        try await send(words)
    }

    /// The blocking socket client runs on a thread of its own: blocking one of the few threads
    /// of the concurrency pool could starve the daemon that must answer it.
    private func send(_ words: [String], timeout: Double = 60) async throws -> AdminResponse {
        let path = socketPath
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try AdminClient(path: path, timeout: timeout).send(words) })
            }
        }
    }

    /// The store of one plugin, to check what its routes and hooks wrote.
    public func store(of plugin: PluginID) throws -> any PluginStore {
        try daemon.host.pluginStore(plugin)
    }

    /// Creates a staff or employer account through the admin socket.
    /// - Parameters:
    ///   - id: the login name (an employer's credit code).
    ///   - roles: e.g. `[.counselor]`.
    ///   - password: at least 8 characters.
    ///   - college: a college officer's college, by name.
    ///   - classes: a counselor's classes, by name.
    public func addAccount(_ id: String, name: String? = nil, roles: [Role], password: String = "password-123",
                           college: String? = nil, classes: [String] = []) async throws {
        var words = ["user", "add", id, "--name", name ?? id, "--role", roles.map(\.rawValue).joined(separator: ","), "--password", password]
        if let college { words += ["--college", college] }
        if !classes.isEmpty { words += ["--classes", classes.joined(separator: ",")] }
        let reply = try await send(words)
        guard reply.ok else { throw TestDaemonError.adminFailed(reply.error?.message ?? "") }
    }

    /// Imports a registry export given as CSV text, through the admin socket.
    @discardableResult
    public func importStudents(csv: String, skipInvalid: Bool = false) async throws -> AdminResponse {
        let file = directory + "/import-\(UUID().uuidString.prefix(6)).csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        return try await send(["import", "students", file] + (skipInvalid ? ["--skip-invalid"] : []))
    }

    /// Logs in over HTTP and returns the bearer token.
    public func login(_ username: String, _ password: String = "password-123") async throws -> String {
        let r = try await request(.post, "/api/v1/auth/login", body: ["username": .string(username), "password": .string(password)])
        guard r.status == 200, let token = try r.json["token"]?.stringValue else { throw TestDaemonError.loginFailed(r.status) }
        return token
    }

    /// Sends an HTTP request over loopback.
    /// - Parameters:
    ///   - method: the method.
    ///   - path: the path, e.g. `/api/v1/health`.
    ///   - body: a JSON body, if any.
    ///   - rawBody: raw bytes instead of JSON.
    ///   - token: a bearer token.
    ///   - headers: extra headers.
    public func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, rawBody: Data? = nil,
                        token: String? = nil, headers: [String: String] = [:]) async throws -> TestResponse {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method.rawValue
        if let body {
            request.httpBody = try body.jsonData()
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let rawBody {
            request.httpBody = rawBody
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
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

/// Why a test daemon could not be had.
public enum TestDaemonError: Error {
    case didNotStart
    case adminFailed(String)
    case loginFailed(Int)
}
