/// A secondary index: a duplicate-sorted database from a term (a field value) to primary keys.
///
/// Indexes are kept by ``IndexedTable``, which updates them in the same transaction as the
/// record, so an aborted write leaves neither the record nor its index entries.
public struct SecondaryIndex<Key: StorageKey, Value: StorageValue>: Sendable {
    /// The index's name, e.g. `idx/source-info/college`.
    public let name: String
    /// The duplicate-sorted database underneath.
    public let database: Database
    /// The encoded terms a value is filed under (none, one, or several).
    let terms: @Sendable (Value) -> [[UInt8]]
    /// Whether two values are filed under the same terms, compared without encoding them
    /// (indexes on one typed term): a write that leaves the term alone skips the index.
    let sameTerms: (@Sendable (Value, Value) -> Bool)?

    /// Opens (creating if needed) an index.
    /// - Parameters:
    ///   - name: the database name.
    ///   - terms: the encoded terms of a value; return `[]` to leave a value out of the index.
    public init(_ environment: Environment, name: String, terms: @escaping @Sendable (Value) -> [[UInt8]]) throws {
        try self.init(environment, name: name, terms: terms, sameTerms: nil)
    }

    /// An index on one typed term per value (nil leaves the value out). Inlinable, so the term
    /// comparison is specialised for the caller's types instead of going through generic metadata.
    @inlinable
    public init<Term: StorageKey & Equatable>(_ environment: Environment, name: String, term: @escaping @Sendable (Value) -> Term?) throws {
        try self.init(environment, name: name, terms: { value in term(value).map { [$0.keyBytes] } ?? [] },
                      sameTerms: { a, b in term(a) == term(b) })
    }

    @usableFromInline
    init(_ environment: Environment, name: String, terms: @escaping @Sendable (Value) -> [[UInt8]],
                 sameTerms: (@Sendable (Value, Value) -> Bool)?) throws {
        self.name = name
        self.database = try environment.database(name, options: .duplicates)
        self.terms = terms
        self.sameTerms = sameTerms
    }

    /// Primary keys filed under `term`, in key order.
    public func keys(_ txn: Transaction, matching term: some StorageKey) throws -> [Key] {
        try txn.duplicates(database, term.keyBytes).map { bytes in
            try bytes.withUnsafeBytes { try Key(keyBytes: $0) }
        }
    }

    /// How many primary keys are filed under `term`.
    public func count(_ txn: Transaction, matching term: some StorageKey) throws -> Int {
        try txn.withCursor(database) { c in try c.find(term.keyBytes) == nil ? 0 : c.duplicateCount() }
    }

    /// Visits (term, primary key) pairs whose term starts with `prefix`, until `body` returns false.
    public func scan(_ txn: Transaction, prefix: KeyPrefix, _ body: (UnsafeRawBufferPointer, Key) throws -> Bool) throws {
        try txn.scan(database, prefix.range) { term, key in try body(term, try Key(keyBytes: key)) }
    }
}

/// A table whose secondary indexes follow every write, in the same transaction.
public struct IndexedTable<Key: StorageKey, Value: StorageValue>: Sendable {
    /// The primary table.
    public let primary: Table<Key, Value>
    /// The indexes kept alongside.
    public let indexes: [SecondaryIndex<Key, Value>]
    /// Live counters kept alongside.
    public let counters: [CounterIndex<Value>]

    /// Combines a primary table with its indexes and counters.
    public init(primary: Table<Key, Value>, indexes: [SecondaryIndex<Key, Value>], counters: [CounterIndex<Value>] = []) {
        self.primary = primary
        self.indexes = indexes
        self.counters = counters
    }

    /// The value for `key`, or nil.
    public func get(_ txn: Transaction, _ key: Key) throws -> Value? { try primary.get(txn, key) }

    /// Stores `value` and moves its index entries from the old value's terms to the new ones.
    public func put(_ txn: Transaction, _ key: Key, _ value: Value) throws {
        try put(txn, key, value, replacing: try primary.get(txn, key))
    }

    /// Stores `value` when the caller already holds the stored value (`old`, nil when new),
    /// saving a read.
    public func put(_ txn: Transaction, _ key: Key, _ value: Value, replacing old: Value?) throws {
        let keyBytes = key.keyBytes
        guard let old else {
            for index in indexes {
                for term in index.terms(value) { try txn.put(index.database, term, keyBytes) }
            }
            for counter in counters { counter.update(txn, old: nil, new: value) }
            return try primary.put(txn, key, value)
        }
        for index in indexes {
            if let same = index.sameTerms, same(old, value) { continue }
            let before = index.terms(old), after = index.terms(value)
            for term in before where !after.contains(term) {
                try txn.delete(index.database, term, value: keyBytes)
            }
            for term in after where !before.contains(term) {
                try txn.put(index.database, term, keyBytes)
            }
        }
        for counter in counters { counter.update(txn, old: old, new: value) }
        try primary.put(txn, key, value)
    }

    /// Deletes `key` and its index entries. - Returns: whether it was there.
    @discardableResult
    public func delete(_ txn: Transaction, _ key: Key) throws -> Bool {
        guard let old = try primary.get(txn, key) else { return false }
        let keyBytes = key.keyBytes
        for index in indexes {
            for term in index.terms(old) { try txn.delete(index.database, term, value: keyBytes) }
        }
        for counter in counters { counter.update(txn, old: old, new: nil) }
        return try primary.delete(txn, key)
    }
}
