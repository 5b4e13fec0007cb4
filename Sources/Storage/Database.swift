import CLMDB

/// A named database inside the environment. The handle stays valid for the environment's life.
public struct Database: Sendable, Hashable {
    /// The name given at open.
    public let name: String
    let dbi: MDB_dbi
    /// Whether keys hold several sorted values (`MDB_DUPSORT`), as secondary indexes do.
    public let duplicateSort: Bool

    // The handle alone tells databases of one environment apart; hashing it is cheaper than the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(dbi) }
}

/// How a named database is opened.
public struct DatabaseOptions: Sendable, Hashable {
    /// Keys carry several sorted values (`MDB_DUPSORT`).
    public var duplicateSort: Bool
    /// Create plain key → value storage, or a duplicate-sorted index.
    public init(duplicateSort: Bool = false) {
        self.duplicateSort = duplicateSort
    }
    /// Plain key → value storage.
    public static let plain = DatabaseOptions()
    /// A duplicate-sorted database, one key → many sorted values.
    public static let duplicates = DatabaseOptions(duplicateSort: true)
}
