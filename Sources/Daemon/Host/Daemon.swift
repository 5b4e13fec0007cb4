import Foundation
import Hummingbird
import Logging
import PluginAPI
import ServiceLifecycle

/// How to run a daemon: where its config, data, HTTP listener and admin socket are.
public struct DaemonOptions: Sendable {
    /// `plugins.yaml`.
    public var configPath: String
    /// The data directory: the LMDB environment lives in `<data>/db`.
    public var dataDirectory: String
    /// HTTP host to bind.
    public var host: String
    /// HTTP port; 0 picks a free one (reported through `onReady`).
    public var port: Int
    /// The admin socket path.
    public var socketPath: String
    /// The plugin types available.
    public var catalog: PluginCatalog
    /// Stop on SIGTERM and SIGINT (off for in-process test daemons).
    public var handleSignals: Bool
    /// Skip fsync on commit (tests only).
    public var noSync: Bool
    /// Seed the demo institution into an empty data directory.
    public var seedDemo: Bool
    /// Serve the console's files from this directory instead of the embedded ones (development).
    public var consoleDirectory: String?

    public init(configPath: String, dataDirectory: String, host: String = "127.0.0.1", port: Int = 8080,
                socketPath: String? = nil, catalog: PluginCatalog,
                handleSignals: Bool = true, noSync: Bool = false, seedDemo: Bool = false, consoleDirectory: String? = nil) {
        self.consoleDirectory = consoleDirectory
        self.configPath = configPath
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.socketPath = socketPath ?? dataDirectory + "/admin.sock"
        self.catalog = catalog
        self.handleSignals = handleSignals
        self.noSync = noSync
        self.seedDemo = seedDemo
    }
}

/// What a started daemon reports once it listens.
public struct DaemonEndpoints: Sendable {
    /// The HTTP port bound.
    public var port: Int
    /// The admin socket path.
    public var socketPath: String
}

/// jiuyed: the plugin host, the HTTP API and the admin socket over one LMDB environment.
public final class Daemon: Sendable {
    public let options: DaemonOptions
    public let host: PluginHost
    let directory: DirectoryStore
    let accounts: AccountService
    let services: CoreServices
    let info: RuntimeInfo
    let logger: Logger
    private let group = LockedBox<ServiceGroup?>(nil)

    /// Validates the configuration without touching any data: what `jiuyed check` runs.
    /// - Returns: the set that would run.
    public static func check(configPath: String, catalog: PluginCatalog) throws -> PluginSet {
        try PluginSet.load(path: configPath, catalog: catalog, reservedAdminVerbs: coreVerbNames)
    }

    /// What `set` would do to the records stored under `dataDirectory` (`jiuyed check --data`).
    public static func plannedRecordChanges(_ set: PluginSet, dataDirectory: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/db/data.mdb") else {
            throw CheckFailure(description: "\(dataDirectory) holds no jiuye data (no db/data.mdb): check the --data path")
        }
        let store = try CoreStore(dataDirectory: dataDirectory, settings: set.settings.storage)
        defer { store.close() }
        return try PluginHost.plannedRecordChanges(set, store: store)
    }

    /// Why `jiuyed check --data` could not look.
    public struct CheckFailure: Error, CustomStringConvertible {
        public let description: String
    }

    static let coreVerbNames = Set(["help", "status", "plugin list", "plugin reload", "db stats", "db backup", "db verify", "db reader-check"])
        .union(DirectoryAdminCommands.verbs).union(RecordAdminCommands.verbs).union(AuditAdminCommands.verbs)

    /// Loads and validates the configuration and opens the database. Nothing listens yet.
    public init(options: DaemonOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let set = try PluginSet.load(path: options.configPath, catalog: options.catalog, reservedAdminVerbs: Self.coreVerbNames)
        let store = try CoreStore(dataDirectory: options.dataDirectory, settings: set.settings.storage, noSync: options.noSync)
        if store.environment.staleReadersCleared > 0 {
            logger.notice("cleared \(store.environment.staleReadersCleared) stale LMDB reader slot(s)")
        }
        host = PluginHost(initial: set, store: store, catalog: options.catalog, configPath: options.configPath,
                          reservedAdminVerbs: Self.coreVerbNames, logger: logger)
        info = RuntimeInfo(socketPath: options.socketPath)
        directory = try DirectoryStore(environment: store.environment)
        let host = self.host
        accounts = try AccountService(store: directory) { host.current.settings.auth }
        services = try CoreServices(host: host, directory: directory, accounts: accounts,
                                    console: ConsoleAssets(directory: options.consoleDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }))
        if options.seedDemo, try DemoInstitution.seedIfEmpty(directory: directory, kinds: services.kinds(), hasher: AccountService.hasher(set.settings.auth)) {
            logger.notice("seeded the demo institution 示例大学 (see README for its logins)")
        }
    }

    /// Starts the plugins, serves until shut down (SIGTERM/SIGINT or ``shutdown()``), then stops
    /// the plugins in reverse order and closes the database.
    /// - Parameter onReady: called once both the HTTP listener and the admin socket are up.
    public func run(onReady: @escaping @Sendable (DaemonEndpoints) async -> Void = { _ in }) async throws {
        defer { host.store.close() }
        try await host.start()
        let set = host.current
        let info = self.info
        let socketPath = options.socketPath
        let readiness = Readiness(count: 2) { port in await onReady(DaemonEndpoints(port: port, socketPath: socketPath)) }
        let services = self.services
        let admin = try AdminServer(path: socketPath, settings: set.settings.admin, commands: adminCommands(), logger: logger) {
            await readiness.arrive(port: nil)
        }
        let listenHost = options.host
        let app = APIServer.application(
            services: services,
            address: .hostname(options.host, port: options.port), logger: logger
        ) { port in
            info.listen = "\(listenHost):\(port)"
            await readiness.arrive(port: port)
        }
        let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: admin), .init(service: OutboxDelivery(services: services, logger: logger))],
            gracefulShutdownSignals: options.handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
        group.value = serviceGroup
        do {
            try await serviceGroup.run()
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
        logger.info("jiuyed stopped")
    }

    /// The verbs the admin socket answers: the core's, then the plugins'. `help` lists the table
    /// it belongs to, hence the box filled once the table exists.
    func adminCommands() -> AdminCommandTable {
        let tableBox = LockedBox<AdminCommandTable?>(nil)
        let host = self.host
        let services = self.services
        let core = CoreAdminCommands.make(host: host, info: info) { tableBox.value }
            + DirectoryAdminCommands.make(directory: directory, accounts: accounts, kinds: services.kinds,
                                          importSettings: { host.current.settings.imports }) { host.current.settings.auth }
            + RecordAdminCommands.make(services: services)
            + AuditAdminCommands.make(services: services)
        let table = AdminCommandTable(core: core, host: host, statistics: ScopedStatistics(services: services, records: .system))
        tableBox.value = table
        return table
    }

    /// Asks a running daemon to drain and stop, as SIGTERM does.
    public func shutdown() async {
        await group.value?.triggerGracefulShutdown()
    }
}

/// Calls back once every listener is up.
private actor Readiness {
    var remaining: Int
    var port = 0
    let done: @Sendable (Int) async -> Void
    init(count: Int, done: @escaping @Sendable (Int) async -> Void) {
        remaining = count
        self.done = done
    }
    func arrive(port: Int?) async {
        if let port { self.port = port }
        remaining -= 1
        if remaining == 0 { await done(self.port) }
    }
}
