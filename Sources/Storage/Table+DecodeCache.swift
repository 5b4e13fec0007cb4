/// Decoded values kept by their stored bytes: a read compares the bytes in LMDB's page with the
/// ones it decoded last time and reuses the value when they match, so a hot value (a session, an
/// account checked on every request) is decoded once, and a changed one is never served stale.
public final class DecodeCache<Value: StorageValue & Sendable>: @unchecked Sendable {
    private let lock = Mutex()
    private var entries: [[UInt8]: (bytes: [UInt8], value: Value)] = [:]
    private let capacity: Int

    /// A cache of at most `capacity` values (emptied when full: simple, and hot values come back at once).
    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func value(key: [UInt8], raw: UnsafeRawBufferPointer) throws -> Value {
        if let hit = lock.withLock({ entries[key] }), hit.bytes.elementsEqual(raw) { return hit.value }
        let value = try Value(decodingValue: raw)
        let bytes = Array(raw)
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (bytes, value)
        }
        return value
    }
}

extension Table where Value: Sendable {
    /// The value for `key`, decoded at most once while its stored bytes stay the same.
    public func get(_ txn: Transaction, _ key: Key, cache: DecodeCache<Value>) throws -> Value? {
        let k = key.keyBytes
        return try txn.withValue(database, k) { raw in try cache.value(key: k, raw: raw) }
    }
}
