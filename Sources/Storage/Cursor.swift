import CLMDB

/// A cursor over one database, valid inside ``Transaction/withCursor(_:_:)`` only.
public struct Cursor {
    let handle: OpaquePointer
    let database: Database
    unowned let transaction: Transaction

    /// A key and value as borrowed bytes; copy them out before the transaction ends.
    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    /// Moves the cursor and returns the entry it lands on, or nil past either end.
    func move(_ op: MDB_cursor_op, key: [UInt8]? = nil, value: [UInt8]? = nil) throws -> Entry? {
        var k = MDB_val()
        var v = MDB_val()
        let rc: Int32
        if let key, let value {
            rc = try key.withMDBVal { kv in
                try value.withMDBVal { vv in
                    k = kv
                    v = vv
                    return mdb_cursor_get(handle, &k, &v, op)
                }
            }
        } else if let key {
            rc = try key.withMDBVal { kv in
                k = kv
                return mdb_cursor_get(handle, &k, &v, op)
            }
        } else {
            rc = mdb_cursor_get(handle, &k, &v, op)
        }
        if rc == MDB_NOTFOUND { return nil }
        guard rc == MDB_SUCCESS else { throw transaction.noteFailure(rc, "mdb_cursor_get \(database.name)") }
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// First entry whose key is ≥ `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? { try move(MDB_SET_RANGE, key: key) }
    /// The first entry.
    public func first() throws -> Entry? { try move(MDB_FIRST) }
    /// The last entry.
    public func last() throws -> Entry? { try move(MDB_LAST) }
    /// The next entry (the next duplicate first, in a duplicate-sorted database).
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    /// The previous entry.
    public func previous() throws -> Entry? { try move(MDB_PREV) }
    /// Positions on exactly `key`; nil when absent.
    public func find(_ key: [UInt8]) throws -> Entry? { try move(MDB_SET_KEY, key: key) }
    /// The next value of the current key, in a duplicate-sorted database.
    public func nextDuplicate() throws -> Entry? { try move(MDB_NEXT_DUP) }

    /// How many values the current key holds (duplicate-sorted databases).
    public func duplicateCount() throws -> Int {
        var n: Int = 0
        let rc = mdb_cursor_count(handle, &n)
        guard rc == MDB_SUCCESS else { throw transaction.noteFailure(rc, "mdb_cursor_count") }
        return n
    }
}

/// Which keys a scan visits.
public struct KeyRange: Sendable, Hashable {
    /// Inclusive lower bound; nil starts at the first key.
    public var lower: [UInt8]?
    /// Exclusive upper bound; nil runs to the last key.
    public var upper: [UInt8]?

    /// Keys in `[lower, upper)`.
    public init(from lower: [UInt8]?, to upper: [UInt8]?) {
        self.lower = lower
        self.upper = upper
    }

    /// Every key.
    public static let all = KeyRange(from: nil, to: nil)

    /// Every key that starts with `prefix` (an empty prefix means every key).
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        prefix.isEmpty ? .all : KeyRange(from: prefix, to: successor(of: prefix))
    }

    /// The smallest key greater than every key with this prefix; nil if the prefix is all 0xFF.
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var s = prefix
        while let last = s.last {
            if last < 0xFF {
                s[s.count - 1] = last + 1
                return s
            }
            s.removeLast()
        }
        return nil
    }

    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        if let lower, compare(key, lower) < 0 { return false }
        if let upper, compare(key, upper) >= 0 { return false }
        return true
    }
}

/// Lexicographic byte comparison, as LMDB orders keys by default.
func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n where a[i] != b[i] {
        return a[i] < b[i] ? -1 : 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

extension Transaction {
    /// Visits the entries of `db` within `range` in key order (or reverse order), until `body`
    /// returns false. In a duplicate-sorted database every value of a key is visited.
    public func scan(
        _ db: Database,
        _ range: KeyRange = .all,
        reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try withCursor(db) { cursor in
            var entry: Cursor.Entry?
            if !reverse {
                entry = try range.lower.map { try cursor.seek(atLeast: $0) } ?? cursor.first()
            } else if let upper = range.upper {
                // Land on the first key ≥ upper, then step back once into the range.
                entry = try cursor.seek(atLeast: upper) != nil ? cursor.previous() : cursor.last()
            } else {
                entry = try cursor.last()
            }
            while let e = entry, range.contains(e.key) {
                guard try body(e.key, e.value) else { return }
                entry = try reverse ? cursor.previous() : cursor.next()
            }
        }
    }

    /// Visits the values stored under `key` in a duplicate-sorted database in sorted order (or
    /// reverse), only those past `after` when given (greater, or smaller in reverse), until
    /// `body` returns false. Nothing is copied: a list page reads its 20 ids of an index term
    /// in place, however many the term holds.
    public func scanDuplicates(
        _ db: Database, _ key: [UInt8], after: [UInt8]? = nil, reverse: Bool = false,
        _ body: (_ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try withCursor(db) { cursor in
            // The first value ≥ `after` (nil when every value is smaller, or the key is absent).
            let atLeast = try after.flatMap { try cursor.move(MDB_GET_BOTH_RANGE, key: key, value: $0) }
            var entry: Cursor.Entry?
            if !reverse {
                entry = after == nil ? try cursor.find(key) : atLeast
                if let e = entry, let after, compare(e.value, after) == 0 { entry = try cursor.nextDuplicate() }
            } else if atLeast != nil {
                entry = try cursor.move(MDB_PREV_DUP)
            } else {
                entry = try cursor.find(key) != nil ? cursor.move(MDB_LAST_DUP) : nil
            }
            while let e = entry {
                guard try body(e.value) else { return }
                entry = try reverse ? cursor.move(MDB_PREV_DUP) : cursor.nextDuplicate()
            }
        }
    }

    /// Every value stored under `key` in a duplicate-sorted database, in sorted order.
    public func duplicates(_ db: Database, _ key: [UInt8]) throws -> [[UInt8]] {
        try withCursor(db) { cursor in
            var out: [[UInt8]] = []
            var entry = try cursor.find(key)
            while let e = entry {
                out.append(Array(e.value))
                entry = try cursor.nextDuplicate()
            }
            return out
        }
    }
}
