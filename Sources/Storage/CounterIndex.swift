/// Live counts kept by ``IndexedTable`` in the write transaction: each value contributes 1 to the
/// counter under each of its terms, so a statistics query reads counters instead of records.
public struct CounterIndex<Value: StorageValue>: Sendable {
    /// The counters' database: term → count.
    public let table: Table<RawKey, UInt64>
    /// Moves the counts from one value's terms to another's (nil: no value).
    @usableFromInline
    let move: @Sendable (Transaction, Value?, Value?) -> Void

    /// Opens (creating if needed) a counter index whose keys are `terms` of each value, encoded.
    ///
    /// Terms are compared typed and only the changed ones encoded: a write moves a few of a
    /// record's dozen counters. Inlinable, so the comparison is specialised for `Term`.
    @inlinable
    public init<Term: StorageKey & Equatable>(_ environment: Environment, name: String, terms: @escaping @Sendable (Value) -> [Term]) throws {
        let table = try Table<RawKey, UInt64>(environment, name: name)
        self.init(table: table) { txn, old, new in
            let before = old.map(terms) ?? [], after = new.map(terms) ?? []
            // Pairwise, then the longer side's tail: every old term leaves and every new one
            // arrives, except pairs that are equal. Terms come in the same order while a value
            // keeps its shape, so only the changed ones move; where they shift, the extra moves
            // cancel in the transaction's per-key sums. Linear however the shapes differ.
            for (b, a) in zip(before, after) where b != a {
                txn.addCount(table.database, b.keyBytes, -1)
                txn.addCount(table.database, a.keyBytes, 1)
            }
            for t in before.dropFirst(after.count) { txn.addCount(table.database, t.keyBytes, -1) }
            for t in after.dropFirst(before.count) { txn.addCount(table.database, t.keyBytes, 1) }
        }
    }

    @usableFromInline
    init(table: Table<RawKey, UInt64>, move: @escaping @Sendable (Transaction, Value?, Value?) -> Void) {
        self.table = table
        self.move = move
    }

    /// Moves the counts from `old`'s terms to `new`'s (written when the transaction commits).
    func update(_ txn: Transaction, old: Value?, new: Value?) {
        move(txn, old, new)
    }

    /// Counts `value` once more: for rebuilding counters over data written before they existed.
    public func add(_ txn: Transaction, _ value: Value) {
        move(txn, nil, value)
    }

    /// Whether no counter exists yet.
    public func isEmpty(_ txn: Transaction) throws -> Bool {
        var empty = true
        try txn.scan(table.database, KeyRange(from: nil, to: nil)) { _, _ in empty = false; return false }
        return empty
    }

    /// Visits (counter key, count) for keys starting with `prefix`. In a write transaction, counts
    /// changed by it are not visible until it commits.
    public func scan(_ txn: Transaction, prefix: KeyPrefix, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Bool) throws {
        try txn.scan(table.database, prefix.range) { k, v in try body(k, try UInt64(decodingValue: v)) }
    }
}
