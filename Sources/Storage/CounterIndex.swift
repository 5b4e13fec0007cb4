/// Live counts kept by ``IndexedTable`` in the write transaction: each value contributes 1 to the
/// counter under each of its terms, so a statistics query reads counters instead of records.
public struct CounterIndex<Value: StorageValue>: Sendable {
    /// The counters' database: term → count.
    public let table: Table<RawKey, UInt64>
    /// The counter keys a value contributes to.
    let terms: @Sendable (Value) -> [[UInt8]]

    /// Opens (creating if needed) a counter index.
    public init(_ environment: Environment, name: String, terms: @escaping @Sendable (Value) -> [[UInt8]]) throws {
        table = try Table(environment, name: name)
        self.terms = terms
    }

    /// Moves the counts from `old`'s terms to `new`'s (written when the transaction commits).
    func update(_ txn: Transaction, old: Value?, new: Value?) throws {
        let before = old.map(terms) ?? [], after = new.map(terms) ?? []
        if before.count == after.count {
            // Terms come in the same order when the value keeps its shape: pairwise, only the
            // changed ones move (the net change is the same as the set difference's).
            for (b, a) in zip(before, after) where b != a {
                txn.addCount(table.database, b, -1)
                txn.addCount(table.database, a, 1)
            }
            return
        }
        for t in before where !after.contains(t) { txn.addCount(table.database, t, -1) }
        for t in after where !before.contains(t) { txn.addCount(table.database, t, 1) }
    }

    /// Visits (counter key, count) for keys starting with `prefix`. In a write transaction, counts
    /// changed by it are not visible until it commits.
    public func scan(_ txn: Transaction, prefix: KeyPrefix, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Bool) throws {
        try txn.scan(table.database, prefix.range) { k, v in try body(k, try UInt64(decodingValue: v)) }
    }
}
