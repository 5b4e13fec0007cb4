import Daemon
import Foundation
import Logging
import PluginAPI
import Plugins

/// A jiuyed running in the test's process on a temporary LMDB: what plugin authors test against.
///
/// Two modes, like Hummingbird's `app.test(.router)` and `app.test(.live)`, with the same API:
/// ``Mode/live`` listens on loopback and opens the real admin socket (end-to-end tests: HTTP
/// parsing, headers, the socket); ``Mode/inProcess`` hands each request straight to the router
/// and each admin command to its table — no port, no socket, no outbox delivery — so route
/// tests run fast. Both run the same plugins, engine and LMDB.
///
/// ```swift
/// try await TestDaemon.with(.inProcess, config: "plugins: {source-info: {}}") { daemon in
///     let response = try await daemon.request(.get, "/api/v1/health")
///     #expect(response.status == 200)
/// }
/// ```
public final class TestDaemon: Sendable {
    /// How a test reaches the daemon.
    public enum Mode: Sendable {
        /// Real HTTP on 127.0.0.1 and the real admin socket.
        case live
        /// Requests and admin commands are handed over in the process: nothing listens.
        case inProcess
    }

    /// The daemon.
    public let daemon: Daemon
    /// How it is reached.
    public let mode: Mode
    /// The HTTP port it listens on (127.0.0.1); 0 in process.
    public let port: Int
    /// The temporary directory holding config, data and socket; removed by ``stop(keepDirectory:)``.
    public let directory: String
    /// The configuration file it reads (and `plugin reload` re-reads).
    public let configPath: String
    /// The admin socket (none is opened in process).
    public let socketPath: String
    let transport: Transport

    /// What ``stop(keepDirectory:)`` ends.
    enum Transport: Sendable {
        case live(Task<Void, Error>)
        case inProcess(InProcessDaemon)
    }

    /// Login limits no test reaches by accident.
    static let roomyLoginLimits = "{perClientBurst: 100000, perClientPerMinute: 100000, perAccountBurst: 100000, perAccountPerMinute: 100000}"

    /// `http://127.0.0.1:<port>` (nothing listens there in process).
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(daemon: Daemon, port: Int, directory: String, transport: Transport) {
        self.daemon = daemon
        self.port = port
        self.directory = directory
        self.configPath = daemon.options.configPath
        self.socketPath = daemon.options.socketPath
        self.transport = transport
        if case .live = transport { mode = .live } else { mode = .inProcess }
    }

    /// Boots a daemon with `config` as its `plugins.yaml`.
    /// - Parameters:
    ///   - mode: ``Mode/live`` (the default) or ``Mode/inProcess``.
    ///   - plugins: plugin types to offer besides the built-in ones.
    ///   - builtins: the built-in plugin types to offer (all by default; pass `[]` for none).
    ///   - config: the text of `plugins.yaml`.
    ///   - seedDemo: seed the demo institution (示例大学) first.
    ///   - logs: where to record every log line, at every level (otherwise only critical ones reach stderr).
    ///   - directory: the directory of an earlier daemon stopped with `keepDirectory` (its data
    ///     directory is `<directory>/data`): a restart on the same data.
    ///   - dataDirectory: where LMDB lives, when it must be somewhere special (a small file
    ///     system); it is left in place by ``stop(keepDirectory:)``. By default a folder of the temporary directory.
    ///
    /// Unless `config` has an `auth:` section, password hashing is made cheap so logins stay fast,
    /// and the login rate limits are set out of reach (every test client is 127.0.0.1).
    /// `JIUYE_TEST_MODE=live` in the environment runs every daemon live: a suite written for
    /// the in-process mode must pass over real HTTP too.
    public static func start(
        _ mode: Mode = .live, plugins: [any Plugin.Type] = [], builtins: [any Plugin.Type] = BuiltinPlugins.all, config: String,
        seedDemo: Bool = false, logs: LogCapture? = nil, directory: String? = nil, dataDirectory: String? = nil
    ) async throws -> TestDaemon {
        let directory = directory ?? FileManager.default.temporaryDirectory.path + "/jiuye-test-" + UUID().uuidString.prefix(8)
        let mode = ProcessInfo.processInfo.environment["JIUYE_TEST_MODE"] == "live" ? .live : mode
        let daemon: Daemon
        do {
            daemon = try makeDaemon(plugins: builtins + plugins, config: config, seedDemo: seedDemo, logs: logs,
                                    directory: directory, dataDirectory: dataDirectory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        switch mode {
        case .live:
            let (port, task) = try await listen(daemon, directory: directory)
            return TestDaemon(daemon: daemon, port: port, directory: directory, transport: .live(task))
        case .inProcess:
            do {
                return TestDaemon(daemon: daemon, port: 0, directory: directory, transport: .inProcess(try await daemon.startInProcess()))
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
        }
    }

    /// Writes the configuration and opens the daemon on it; nothing runs yet.
    private static func makeDaemon(plugins: [any Plugin.Type], config: String, seedDemo: Bool, logs: LogCapture?,
                                   directory: String, dataDirectory: String?) throws -> Daemon {
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
            socketPath: directory + "/admin.sock", catalog: PluginCatalog(plugins),
            handleSignals: false, noSync: true, seedDemo: seedDemo)
        return try Daemon(options: options, logger: logger)
    }

    /// Runs the daemon until it listens; returns its port and the task serving.
    private static func listen(_ daemon: Daemon, directory: String) async throws -> (Int, Task<Void, Error>) {
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
        return (port, task)
    }

    /// Boots a daemon, runs `body` with it, and stops it however `body` ends — returning,
    /// throwing, or failing an expectation — so no test leaves a daemon running:
    ///
    /// ```swift
    /// try await TestDaemon.with(config: "plugins: {source-info: {}}") { d in
    ///     #expect(try await d.request(.get, "/api/v1/health").status == 200)
    /// }
    /// ```
    /// The parameters are those of ``start(_:plugins:builtins:config:seedDemo:logs:directory:dataDirectory:)``.
    public static func with<R>(
        _ mode: Mode = .live, plugins: [any Plugin.Type] = [], builtins: [any Plugin.Type] = BuiltinPlugins.all, config: String,
        seedDemo: Bool = false, logs: LogCapture? = nil, _ body: (TestDaemon) async throws -> R
    ) async throws -> R {
        let d = try await start(mode, plugins: plugins, builtins: builtins, config: config, seedDemo: seedDemo, logs: logs)
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
        defer { if !keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        switch transport {
        case .live(let task):
            await daemon.shutdown()
            try await task.value
        case .inProcess(let daemon):
            await daemon.stop()
        }
    }
}

/// Why a test daemon could not be had.
public enum TestDaemonError: Error {
    case didNotStart
    case adminFailed(String)
    case loginFailed(Int)
}
