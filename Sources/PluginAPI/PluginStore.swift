import Foundation

/// A plugin's own data: named collections of JSON documents, kept by the core in the
/// plugin's own LMDB database. Records of declared kinds go through the record engine instead.
///
/// Closures are synchronous on purpose: a transaction never spans an `await`.
public protocol PluginStore: Sendable {
    /// Runs `body` in a read-only snapshot.
    func read<R>(_ body: (any PluginTransaction) throws -> R) throws -> R
    /// Runs `body` in a write transaction: all of it commits, or none of it when it throws.
    func write<R>(_ body: (any PluginTransaction) throws -> R) throws -> R
    /// Runs `body` in a write transaction shared with the writes that arrive at the same time
    /// (group commit: one fsync for all of them), and returns once it is durable. It stays all or
    /// nothing for itself: when `body` throws, only its own changes are taken back. `body` may be
    /// run again from the start (when the data file grows), so it must have no effects outside
    /// the transaction. Prefer it over ``write(_:)`` in a route: the wait holds no thread.
    func commit<R: Sendable>(_ body: @escaping @Sendable (any PluginTransaction) throws -> R) async throws -> R
}

extension PluginStore {
    /// A store without group commit writes alone.
    public func commit<R: Sendable>(_ body: @escaping @Sendable (any PluginTransaction) throws -> R) async throws -> R {
        try write(body)
    }
}

/// Access to a plugin's collections inside one transaction.
public protocol PluginTransaction: AnyObject {
    /// The raw JSON bytes stored under `key` in `collection`, or nil.
    func getData(_ collection: String, _ key: String) throws -> Data?
    /// Stores JSON bytes under `key` in `collection`.
    func putData(_ collection: String, _ key: String, _ value: Data) throws
    /// Deletes `key`. - Returns: whether it was there.
    @discardableResult
    func delete(_ collection: String, _ key: String) throws -> Bool
    /// Visits keys of `collection` starting with `prefix`, in order, until `body` returns false.
    func scan(_ collection: String, prefix: String, _ body: (String, Data) throws -> Bool) throws
    /// Records of declared kinds, acting as the caller of the route (the core, in a hook).
    var records: any RecordAccess { get }
    /// Records acting as the core itself, past every scope: the core's own door. Open it in an
    /// event hook, for a request the plugin has authenticated by other means (a provider's
    /// signed callback, after that check), or to decide among a student's records what the
    /// caller may see; never to hand a caller a record their scope hides.
    var systemRecords: any RecordAccess { get }
    /// Emits one of this plugin's declared events; the hooks of other plugins run now, in this
    /// transaction, so their writes commit or abort with this one.
    func emit(_ event: PluginEvent) throws
}

extension PluginTransaction {
    /// The document under `key`, decoded.
    public func get<T: Decodable>(_ type: T.Type, _ collection: String, _ key: String) throws -> T? {
        try getData(collection, key).map { try JSONDecoder().decode(T.self, from: $0) }
    }

    /// Stores `value` under `key`, encoded as JSON.
    public func put(_ collection: String, _ key: String, _ value: some Encodable) throws {
        try putData(collection, key, try JSONEncoder().encode(value))
    }

    /// Every document of `collection`, in key order.
    public func all<T: Decodable>(_ type: T.Type, _ collection: String, prefix: String = "") throws -> [(key: String, value: T)] {
        var out: [(String, T)] = []
        try scan(collection, prefix: prefix) { k, v in
            out.append((k, try JSONDecoder().decode(T.self, from: v)))
            return true
        }
        return out
    }
}
