import CLMDB

/// What the environment reports about itself.
public struct EnvironmentStats: Sendable, Codable {
    /// The map size in bytes (how far the file may grow before the next resize).
    public var mapSize: Int
    /// Bytes in use: last used page × page size.
    public var usedBytes: Int
    /// The page size in bytes.
    public var pageSize: Int
    /// The last committed transaction id.
    public var lastTransactionID: Int
    /// Reader slots in the lock table.
    public var maxReaders: Int
    /// Reader slots in use.
    public var readersInUse: Int
    /// B-tree depth of the main database.
    public var depth: Int
    /// Entries in the main database (the named databases).
    public var entries: Int
}

extension Environment {
    /// Map, page and reader figures.
    public func stats() -> EnvironmentStats {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var st = MDB_stat()
        mdb_env_stat(handle, &st)
        return EnvironmentStats(
            mapSize: info.me_mapsize,
            usedBytes: (info.me_last_pgno + 1) * Int(st.ms_psize),
            pageSize: Int(st.ms_psize),
            lastTransactionID: info.me_last_txnid,
            maxReaders: Int(info.me_maxreaders),
            readersInUse: Int(info.me_numreaders),
            depth: Int(st.ms_depth),
            entries: st.ms_entries
        )
    }

    /// Clears reader slots left by processes that died. - Returns: how many were cleared.
    public func readerCheck() throws -> Int {
        var dead: Int32 = 0
        try check(mdb_reader_check(handle, &dead), "mdb_reader_check")
        return Int(dead)
    }

    /// The names of the named databases, read from the main database.
    public func databaseNames() throws -> [String] {
        try read { txn in
            var names: [String] = []
            var main: MDB_dbi = 0
            try check(mdb_dbi_open(txn.handle, nil, 0, &main), "mdb_dbi_open main")
            let db = Database(name: "", dbi: main, duplicateSort: false)
            try txn.scan(db) { k, _ in
                names.append(String(decoding: k, as: UTF8.self))
                return true
            }
            return names
        }
    }

    /// Entry count of one named database.
    public func entryCount(_ db: Database) throws -> Int {
        try read { try $0.count(db) }
    }
}
