/// A jiuye module: an id, a version, the ids it depends on, a typed configuration, and one
/// `register(into:)` call that declares everything it brings.
///
/// The host drives every plugin through the same phases, each finished for all plugins
/// before the next starts: configuration decoded and validated → ``register(into:)``
/// (declarations only, no database) → dependency order → migrations and ``bootstrap(_:)``
/// (the database is there) → serving → ``shutdown()`` in reverse order. A failure in any phase
/// rolls the whole set back.
public protocol Plugin: Sendable {
    /// The typed configuration under `plugins.<id>.config`.
    associatedtype Configuration: PluginConfiguration = EmptyConfiguration

    /// The id, e.g. `source-info`: its key in `plugins.yaml` and its route prefix.
    static var id: PluginID { get }
    /// The plugin's version, shown by `/api/v1/plugins` and `jiuyectl plugin list`.
    static var version: PluginVersion { get }
    /// Plugins that must be enabled and started before this one.
    static var dependencies: [PluginID] { get }
    /// The name users read, e.g. 生源信息.
    static var label: LocalizedText { get }

    /// Creates the plugin from its validated configuration.
    init(configuration: Configuration) throws

    /// Declares record kinds, routes, admin verbs, events, hooks and migrations. No I/O here.
    func register(into context: RegistrationContext) throws

    /// Runs once the database is ready and migrations have run; may read or write its data.
    func bootstrap(_ context: BootstrapContext) async throws

    /// Releases what ``bootstrap(_:)`` acquired. Called in reverse dependency order.
    func shutdown() async throws
}

extension Plugin {
    /// No dependencies by default.
    public static var dependencies: [PluginID] { [] }
    /// Nothing to do by default.
    public func bootstrap(_ context: BootstrapContext) async throws {}
    /// Nothing to release by default.
    public func shutdown() async throws {}
}

/// What ``Plugin/bootstrap(_:)`` receives.
public struct BootstrapContext: Sendable {
    /// The plugin's data.
    public var store: any PluginStore
    /// A logger labelled with the plugin id.
    public var logger: Logger

    /// Created by the host for each plugin.
    public init(store: any PluginStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }
}

/// A step that brings a plugin's stored data to `version`. The host keeps each plugin's data
/// version in `meta` and runs, at start-up, the steps above it in order, all plugins' steps in one
/// transaction.
public struct PluginMigration: Sendable {
    /// The data version after this step (1, 2, …).
    public var version: Int
    /// What it does, for the log.
    public var summary: String
    /// The change.
    public var apply: @Sendable (any PluginTransaction) throws -> Void

    /// A step to data version `version`.
    public init(version: Int, summary: String, apply: @escaping @Sendable (any PluginTransaction) throws -> Void) {
        self.version = version
        self.summary = summary
        self.apply = apply
    }
}
