import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an environment is opened.
public struct EnvironmentOptions: Sendable {
    /// Initial map size in bytes. The map doubles on `MDB_MAP_FULL`, so this only sets where it starts.
    public var mapSize: Int
    /// The map never grows past this many bytes.
    public var maxMapSize: Int
    /// How many named databases may exist.
    public var maxDatabases: Int
    /// How many read transactions may be open at once, across processes.
    public var maxReaders: Int
    /// Skip `fsync` on commit. Only for tests and benchmarks that measure something else.
    public var noSync: Bool

    /// - Parameters:
    ///   - mapSize: starting map size in bytes (default 64 MiB).
    ///   - maxMapSize: the ceiling for growth (default 1 TiB).
    ///   - maxDatabases: named databases (default 512).
    ///   - maxReaders: reader slots (default 256).
    ///   - noSync: skip fsync on commit.
    public init(
        mapSize: Int = 64 << 20,
        maxMapSize: Int = 1 << 40,
        maxDatabases: Int = 512,
        maxReaders: Int = 256,
        noSync: Bool = false
    ) {
        self.mapSize = mapSize
        self.maxMapSize = maxMapSize
        self.maxDatabases = maxDatabases
        self.maxReaders = maxReaders
        self.noSync = noSync
    }
}

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// Transactions are closure-scoped: ``read(_:)`` and ``write(_:)`` open one, run the body and
/// end it; a write commits when the body returns and aborts when it throws. The bodies are
/// synchronous on purpose: a transaction can never be held across an `await`.
public final class Environment: @unchecked Sendable {
    let handle: OpaquePointer
    /// The directory the environment lives in.
    public let path: String
    public let options: EnvironmentOptions
    /// Transactions hold this shared; a map resize holds it exclusively.
    private let resizeLock = ReadWriteLock()
    /// One writer at a time inside this process (LMDB would block anyway; this keeps the
    /// resize logic simple and keeps a blocked writer off the resize lock).
    private let writerLock = Mutex()
    private let databasesLock = Mutex()
    /// The queue and thread behind ``commit(_:)``.
    let groupCommit = GroupCommit()
    private var databases: [String: Database] = [:]
    /// The thread inside `write`, so opening a database from within one fails instead of deadlocking.
    private var writerThread: pthread_t?
    private let writerThreadLock = Mutex()
    private var closed = false
    /// How many committed transactions wrote each database, by dbi (see ``generation(of:)``).
    private var generations: [UInt32: UInt64] = [:]
    private let generationsLock = Mutex()
    /// Stale reader slots cleared when the environment was opened.
    public let staleReadersCleared: Int

    /// Opens (creating if needed) the environment in `path`.
    ///
    /// Stale reader slots left by dead processes are cleared here (`mdb_reader_check`).
    /// - Parameters:
    ///   - path: a directory; created with mode 0700 if missing.
    ///   - options: map size, limits and sync behaviour.
    public init(path: String, options: EnvironmentOptions = .init()) throws {
        self.path = path
        self.options = options
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw StorageError.lmdb(code: errno, operation: "mkdir \(path)")
        }
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw StorageError.lmdb(code: -1, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, UInt32(options.maxReaders)), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            // NOTLS: read transactions are not tied to a thread, so Swift concurrency may run
            // the closure on whichever thread it likes.
            var flags = UInt32(MDB_NOTLS)
            if options.noSync { flags |= UInt32(MDB_NOSYNC) }
            try check(mdb_env_open(env, path, flags, 0o600), "mdb_env_open \(path)")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "mdb_reader_check")
            staleReadersCleared = Int(dead)
        } catch {
            mdb_env_close(env)
            throw error
        }
        handle = env
    }

    deinit { close() }

    /// Flushes and closes the environment. Further use is a programming error.
    public func close() {
        // Queued writes commit first; none is accepted after.
        groupCommit.stop()
        resizeLock.withExclusive {
            guard !closed else { return }
            closed = true
            mdb_env_sync(handle, 1)
            mdb_env_close(handle)
        }
    }

    /// Opens a named database, creating it if missing. Handles are cached: opening twice is cheap.
    public func database(_ name: String, options: DatabaseOptions = .plain) throws -> Database {
        try databasesLock.withLock {
            if let db = databases[name] { return db }
            if let writer = writerThreadLock.withLock({ writerThread }), pthread_equal(writer, pthread_self()) != 0 {
                throw StorageError.databaseOpenedInWrite(name)
            }
            var flags = UInt32(MDB_CREATE)
            if options.duplicateSort { flags |= UInt32(MDB_DUPSORT) }
            let db = try write { txn -> Database in
                var dbi: MDB_dbi = 0
                try check(mdb_dbi_open(txn.handle, name, flags, &dbi), "mdb_dbi_open \(name)")
                return Database(name: name, dbi: dbi, duplicateSort: options.duplicateSort)
            }
            databases[name] = db
            return db
        }
    }

    /// How many committed write transactions have changed `db` since the environment opened. A
    /// cache of something read from `db` stays good while this number stays the same: read it
    /// before the snapshot the cached value comes from.
    public func generation(of db: Database) -> UInt64 {
        generationsLock.withLock { generations[db.dbi] ?? 0 }
    }

    /// Runs `body` in a read-only transaction. The snapshot never blocks writers.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try resizeLock.withShared {
            let txn = try begin(readOnly: true)
            defer { mdb_txn_abort(txn.handle) }
            return try body(txn)
        }
    }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    ///
    /// When the map is full the transaction is aborted, the map doubled, and `body` run again
    /// from the start, so no write is lost. `body` must therefore have no effects outside the
    /// transaction until it returns.
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        try writerLock.withLock {
            writerThreadLock.withLock { writerThread = pthread_self() }
            defer { writerThreadLock.withLock { writerThread = nil } }
            while true {
                var grow = false
                let result: Result<R, Error> = resizeLock.withShared {
                    let txn: Transaction
                    do { txn = try begin(readOnly: false) } catch { return .failure(error) }
                    let value: R
                    do {
                        value = try body(txn)
                        try txn.flushCounts()
                    } catch {
                        mdb_txn_abort(txn.handle)
                        // The sticky flag catches MAP_FULL even if the body wrapped the error.
                        if txn.mapFull { grow = true }
                        return .failure(error)
                    }
                    // A full map the body caught and went on from (a batch item a hook reported
                    // as refused) must not commit what is left: grow and run it all again.
                    if txn.mapFull {
                        mdb_txn_abort(txn.handle)
                        grow = true
                        return .failure(StorageError.lmdb(code: MDB_MAP_FULL, operation: "write (map full, retried)"))
                    }
                    // mdb_txn_commit frees the transaction whether it succeeds or not: never
                    // abort it after this line (a full disk used to crash the process here).
                    let rc = mdb_txn_commit(txn.handle)
                    if rc == MDB_MAP_FULL { grow = true }
                    guard rc == MDB_SUCCESS else { return .failure(StorageError.commitFailure(rc)) }
                    // Moved only once the commit is done: a reader that saw the old number has
                    // at worst read the new data under it, never kept old data under the new one.
                    if !txn.touched.isEmpty {
                        generationsLock.withLock { for dbi in txn.touched { generations[dbi, default: 0] &+= 1 } }
                    }
                    return .success(value)
                }
                if grow {
                    try growMap()
                    continue
                }
                return try result.get()
            }
        }
    }

    /// The current map size in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    private func growMap() throws {
        try resizeLock.withExclusive {
            let current = mapSize
            guard current < options.maxMapSize else {
                throw StorageError.mapCeilingReached(bytes: options.maxMapSize)
            }
            let next = min(current * 2, options.maxMapSize)
            try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize")
        }
    }

    private func begin(readOnly: Bool) throws -> Transaction {
        var attempt = 0
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
            if rc == MDB_MAP_RESIZED && attempt == 0 {
                // Another process grew the map: adopt its size and try once more.
                attempt += 1
                mdb_env_set_mapsize(handle, 0)
                continue
            }
            try check(rc, "mdb_txn_begin")
            return Transaction(handle: txn!, readOnly: readOnly)
        }
    }
}
