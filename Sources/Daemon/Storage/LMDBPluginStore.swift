import Foundation
import PluginAPI
import Storage

/// A plugin's collections in its own named database `plugin/<id>`, keys `<collection>\0<key>`.
struct LMDBPluginStore: PluginStore {
    let plugin: PluginID
    let environment: Environment
    let database: Database
    /// Runs hooks for events this plugin emits (inside the same transaction).
    let events: EventDispatcher
    /// Who acts on records through it: the route's caller, or nil for the core (hooks, admin socket).
    let caller: Caller?

    init(plugin: PluginID, environment: Environment, events: EventDispatcher, caller: Caller? = nil) throws {
        self.plugin = plugin
        self.environment = environment
        self.database = try environment.database("plugin/\(plugin.rawValue)")
        self.events = events
        self.caller = caller
    }

    func read<R>(_ body: (any PluginTransaction) throws -> R) throws -> R {
        try environment.read { txn in try body(LMDBPluginTransaction(store: self, txn: txn)) }
    }

    func write<R>(_ body: (any PluginTransaction) throws -> R) throws -> R {
        try environment.write { txn in try body(LMDBPluginTransaction(store: self, txn: txn)) }
    }

    func commit<R: Sendable>(_ body: @escaping @Sendable (any PluginTransaction) throws -> R) async throws -> R {
        try await environment.commit { [self] txn in try body(LMDBPluginTransaction(store: self, txn: txn)) }
    }
}

/// A plugin's view of one LMDB transaction.
final class LMDBPluginTransaction: PluginTransaction {
    let store: LMDBPluginStore
    let txn: Transaction

    init(store: LMDBPluginStore, txn: Transaction) {
        self.store = store
        self.txn = txn
    }

    private func key(_ collection: String, _ key: String) throws -> [UInt8] {
        guard !collection.isEmpty, !collection.utf8.contains(0), !key.utf8.contains(0) else {
            throw PluginError.badRequest("集合名或键无效", field: nil)
        }
        let bytes = Array(collection.utf8) + [0] + Array(key.utf8)
        guard bytes.count <= 511 else { throw PluginError.badRequest("键过长 (最多 511 字节)", field: nil) }
        return bytes
    }

    func getData(_ collection: String, _ key: String) throws -> Data? {
        try txn.withValue(store.database, try self.key(collection, key)) { Data($0) }
    }

    func putData(_ collection: String, _ key: String, _ value: Data) throws {
        try txn.put(store.database, try self.key(collection, key), Array(value))
    }

    @discardableResult
    func delete(_ collection: String, _ key: String) throws -> Bool {
        try txn.delete(store.database, try self.key(collection, key))
    }

    func scan(_ collection: String, prefix: String, _ body: (String, Data) throws -> Bool) throws {
        let head = Array(collection.utf8) + [0]
        try txn.scan(store.database, .prefix(head + Array(prefix.utf8))) { k, v in
            try body(String(decoding: k[head.count...], as: UTF8.self), Data(v))
        }
    }

    var records: any RecordAccess { store.events.records.access(txn, caller: store.caller) }
    var systemRecords: any RecordAccess { store.events.records.access(txn, caller: nil) }

    func emit(_ event: PluginEvent) throws {
        try store.events.dispatch(event, from: store.plugin, txn: txn)
    }
}
