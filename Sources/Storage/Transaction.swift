import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One LMDB transaction, valid only inside the closure that received it.
///
/// Do not store it or pass it out of that closure: LMDB frees it when the closure ends.
public final class Transaction {
    let handle: OpaquePointer
    /// Whether this is a read-only snapshot.
    public let readOnly: Bool
    /// Sticky: set when any operation hit `MDB_MAP_FULL`, so the environment grows and retries
    /// even when the caller turned the error into another one.
    var mapFull = false
    /// Counter changes gathered during the transaction and written once before commit: a batch
    /// touching 10 000 records moves the same few counters thousands of times.
    var pendingCounts: [Database: [CounterKey: Int64]] = [:]
    /// Databases emptied in this transaction (a nested one tells its parent, whose gathered
    /// counter changes for them are void).
    var cleared: Set<Database> = []
    /// Databases this transaction wrote: their generations move on when it commits.
    var touched: Set<UInt32> = []

    init(handle: OpaquePointer, readOnly: Bool) {
        self.handle = handle
        self.readOnly = readOnly
    }

    private func fail(_ rc: Int32, _ op: String) -> StorageError {
        if rc == MDB_MAP_FULL { mapFull = true }
        // A large transaction spills dirty pages to the file before commit, so a full disk can
        // surface here too.
        if rc == ENOSPC || rc == EDQUOT || rc == EIO { return .diskFull(code: rc, operation: op) }
        return StorageError.lmdb(code: rc, operation: op)
    }

    /// Reads the value for `key`, or nil.
    public func get(_ db: Database, _ key: [UInt8]) throws -> [UInt8]? {
        try withValue(db, key) { Array($0) }
    }

    /// Calls `body` with the stored bytes for `key` without copying them; nil if absent.
    public func withValue<R>(_ db: Database, _ key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try key.withMDBVal { k in
            var k = k
            var v = MDB_val()
            let rc = mdb_get(handle, db.dbi, &k, &v)
            if rc == MDB_NOTFOUND { return nil }
            guard rc == MDB_SUCCESS else { throw fail(rc, "mdb_get \(db.name)") }
            return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
    }

    /// The same with the key as borrowed bytes (an id read in place from an index).
    public func withValue<R>(_ db: Database, rawKey key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, db.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        guard rc == MDB_SUCCESS else { throw fail(rc, "mdb_get \(db.name)") }
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// Whether `key` is present.
    public func contains(_ db: Database, _ key: [UInt8]) throws -> Bool {
        try withValue(db, key) { _ in true } ?? false
    }

    /// Stores `value` under `key`. In a duplicate-sorted database it adds one more value.
    /// - Parameters:
    ///   - noOverwrite: refuse when the key exists; returns false then.
    /// - Returns: true when written.
    @discardableResult
    public func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], noOverwrite: Bool = false) throws -> Bool {
        try key.withMDBVal { k in
            try value.withMDBVal { v in
                var k = k, v = v
                var flags: UInt32 = 0
                if noOverwrite { flags |= db.duplicateSort ? UInt32(MDB_NODUPDATA) : UInt32(MDB_NOOVERWRITE) }
                touched.insert(db.dbi)
                let rc = mdb_put(handle, db.dbi, &k, &v, flags)
                if rc == MDB_KEYEXIST { return false }
                guard rc == MDB_SUCCESS else { throw fail(rc, "mdb_put \(db.name)") }
                return true
            }
        }
    }

    /// Deletes `key` (and, in a duplicate-sorted database, only `value` when given).
    /// - Returns: whether anything was deleted.
    @discardableResult
    public func delete(_ db: Database, _ key: [UInt8], value: [UInt8]? = nil) throws -> Bool {
        touched.insert(db.dbi)
        return try key.withMDBVal { k in
            var k = k
            let rc: Int32
            if let value {
                rc = try value.withMDBVal { v in
                    var v = v
                    return mdb_del(handle, db.dbi, &k, &v)
                }
            } else {
                rc = mdb_del(handle, db.dbi, &k, nil)
            }
            if rc == MDB_NOTFOUND { return false }
            guard rc == MDB_SUCCESS else { throw fail(rc, "mdb_del \(db.name)") }
            return true
        }
    }

    /// Removes every entry of `db`, keeping the database itself.
    public func clear(_ db: Database) throws {
        touched.insert(db.dbi)
        let rc = mdb_drop(handle, db.dbi, 0)
        guard rc == MDB_SUCCESS else { throw fail(rc, "mdb_drop \(db.name)") }
        // Counter changes gathered for it so far concern entries that are gone.
        pendingCounts[db] = nil
        cleared.insert(db)
    }

    /// Number of entries (counting every duplicate) in `db`.
    public func count(_ db: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, db.dbi, &stat), "mdb_stat \(db.name)")
        return stat.ms_entries
    }

    /// Opens a cursor; it is closed when `body` returns.
    public func withCursor<R>(_ db: Database, _ body: (Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        let rc = mdb_cursor_open(handle, db.dbi, &cursor)
        guard rc == MDB_SUCCESS, let cursor else { throw fail(rc, "mdb_cursor_open \(db.name)") }
        defer { mdb_cursor_close(cursor) }
        return try body(Cursor(handle: cursor, database: db, transaction: self))
    }

    func noteFailure(_ rc: Int32, _ op: String) -> StorageError { fail(rc, op) }

    /// Adds `delta` to a counter, applied at commit.
    @usableFromInline
    func addCount(_ db: Database, _ key: [UInt8], _ delta: Int64) {
        pendingCounts[db, default: [:]][CounterKey(bytes: key), default: 0] += delta
    }

    /// A counter key hashed as one block of bytes (an array of bytes hashes byte by byte).
    struct CounterKey: Hashable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// Writes the gathered counter changes; a counter that reaches zero is removed.
    func flushCounts() throws {
        for (db, deltas) in pendingCounts {
            for (counter, delta) in deltas where delta != 0 {
                let key = counter.bytes
                let current = try withValue(db, key) { try UInt64(decodingValue: $0) } ?? 0
                let next = Int64(current) + delta
                if next <= 0 { try delete(db, key) } else { try put(db, key, try UInt64(next).encodeValue()) }
            }
        }
        pendingCounts = [:]
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    func withMDBVal<R>(_ body: (MDB_val) throws -> R) throws -> R {
        try withUnsafeBytes { raw in
            try body(MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
        }
    }
}
