import Foundation
import PluginAPI
import Storage

/// The daemon's LMDB environment and the core's own tables.
public final class CoreStore: Sendable {
    /// The layout version this binary writes. Bump it with a migration in ``migrations``.
    public static let schemaVersion: UInt32 = 1
    /// Steps from older layouts; none yet.
    static let migrations: [SchemaMigration] = []

    /// The environment (under `<data>/db`).
    public let environment: Environment
    /// `meta`: schema version, plugin data versions.
    let meta: Table<String, UInt32>
    /// The directory the daemon keeps its data in.
    public let dataDirectory: String
    /// What history chains are signed with (`<data>/history.key`).
    let historyKey: HistoryKey

    /// Opens (creating) the environment under `dataDirectory/db` and brings its schema up to date.
    /// A data file from a newer jiuyed is refused with ``StorageError/schemaTooNew(found:supported:)``.
    public init(dataDirectory: String, settings: StorageSettings, noSync: Bool = false) throws {
        self.dataDirectory = dataDirectory
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        environment = try Environment(path: dataDirectory + "/db", options: EnvironmentOptions(
            mapSize: settings.mapSizeMiB << 20,
            maxMapSize: settings.maxMapSizeGiB << 30,
            maxReaders: settings.maxReaders,
            noSync: noSync))
        try environment.migrateSchema(to: Self.schemaVersion, migrations: Self.migrations)
        meta = try environment.metaTable()
        historyKey = try HistoryKey.open(dataDirectory: dataDirectory, environment: environment, meta: meta)
    }

    /// Flushes and closes the environment.
    public func close() { environment.close() }

    /// The meta key holding a plugin's data version.
    static func dataVersionKey(_ plugin: PluginID) -> String { "plugin-data/\(plugin.rawValue)" }

    /// A plugin's data version as stored, 0 when it never ran here.
    func dataVersion(of plugin: PluginID) throws -> UInt32 {
        try environment.read { try meta.get($0, Self.dataVersionKey(plugin)) } ?? 0
    }
}
