/// A typed view of a named database: keys and values go through their codecs.
public struct Table<Key: StorageKey, Value: StorageValue>: Sendable {
    /// The named database underneath.
    public let database: Database

    /// Opens (creating if needed) the named database as a table.
    public init(_ environment: Environment, name: String) throws {
        database = try environment.database(name)
    }

    /// The value for `key`, or nil.
    public func get(_ txn: Transaction, _ key: Key) throws -> Value? {
        try txn.withValue(database, key.keyBytes) { try Value(decodingValue: $0) }
    }

    /// Whether `key` is present.
    public func contains(_ txn: Transaction, _ key: Key) throws -> Bool {
        try txn.contains(database, key.keyBytes)
    }

    /// Stores `value` under `key`, replacing any old value.
    public func put(_ txn: Transaction, _ key: Key, _ value: Value) throws {
        try txn.put(database, key.keyBytes, try value.encodeValue())
    }

    /// Stores `value` only if `key` is absent. - Returns: whether it was stored.
    public func insert(_ txn: Transaction, _ key: Key, _ value: Value) throws -> Bool {
        try txn.put(database, key.keyBytes, try value.encodeValue(), noOverwrite: true)
    }

    /// Deletes `key`. - Returns: whether it was there.
    @discardableResult
    public func delete(_ txn: Transaction, _ key: Key) throws -> Bool {
        try txn.delete(database, key.keyBytes)
    }

    /// Number of entries.
    public func count(_ txn: Transaction) throws -> Int { try txn.count(database) }

    /// Visits entries whose key starts with `prefix`, in order, until `body` returns false.
    public func scan(
        _ txn: Transaction,
        prefix: KeyPrefix = .all,
        reverse: Bool = false,
        _ body: (Key, Value) throws -> Bool
    ) throws {
        try scan(txn, range: prefix.range, reverse: reverse, body)
    }

    /// Visits entries with keys in `range`, in order, until `body` returns false.
    public func scan(
        _ txn: Transaction,
        range: KeyRange,
        reverse: Bool = false,
        _ body: (Key, Value) throws -> Bool
    ) throws {
        try txn.scan(database, range, reverse: reverse) { k, v in
            try body(try Key(keyBytes: k), try Value(decodingValue: v))
        }
    }

    /// The highest key, or nil when empty (for sequences keyed by a counter).
    public func lastKey(_ txn: Transaction) throws -> Key? {
        var found: Key?
        try txn.scan(database, .all, reverse: true) { k, _ in
            found = try Key(keyBytes: k)
            return false
        }
        return found
    }
}
