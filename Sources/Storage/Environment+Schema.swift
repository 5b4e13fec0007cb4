/// One step of the storage schema: run when the data file is at `from`, leaves it at `from + 1`.
public struct SchemaMigration: Sendable {
    /// The version this step starts from.
    public let from: UInt32
    /// The change, inside the same write transaction that bumps the version.
    public let apply: @Sendable (Transaction) throws -> Void

    public init(from: UInt32, apply: @escaping @Sendable (Transaction) throws -> Void) {
        self.from = from
        self.apply = apply
    }
}

extension Environment {
    /// The key in `meta` that holds the schema version.
    static let schemaVersionKey = "schema_version"

    /// The `meta` database: schema version, plugin data versions, counters.
    public func metaTable() throws -> Table<String, UInt32> {
        try Table(self, name: "meta")
    }

    /// The schema version stored in the data file, or nil for a new file.
    public func schemaVersion() throws -> UInt32? {
        let meta = try metaTable()
        return try read { try meta.get($0, Self.schemaVersionKey) }
    }

    /// Brings the data file to `current`, one migration per step, each in its own transaction.
    ///
    /// A new file is stamped with `current` directly. A file newer than `current` is refused:
    /// an older binary must not write into a layout it does not understand.
    /// - Returns: the version found before migrating (nil for a new file).
    @discardableResult
    public func migrateSchema(to current: UInt32, migrations: [SchemaMigration]) throws -> UInt32? {
        let meta = try metaTable()
        let found = try read { try meta.get($0, Self.schemaVersionKey) }
        guard let found else {
            try write { try meta.put($0, Self.schemaVersionKey, current) }
            return nil
        }
        if found > current { throw StorageError.schemaTooNew(found: found, supported: current) }
        var version = found
        while version < current {
            guard let step = migrations.first(where: { $0.from == version }) else {
                throw StorageError.missingMigration(from: version)
            }
            try write { txn in
                try step.apply(txn)
                try meta.put(txn, Self.schemaVersionKey, version + 1)
            }
            version += 1
        }
        return found
    }
}
