import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors raised by the storage layer. Every LMDB return code that is not success becomes one of these.
public enum StorageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An LMDB call failed; `code` is the raw return code, `operation` names the call.
    case lmdb(code: Int32, operation: String)
    /// The data file was written by a newer jiuyed than this one.
    case schemaTooNew(found: UInt32, supported: UInt32)
    /// A schema migration is missing for a version step.
    case missingMigration(from: UInt32)
    /// The backup target already holds a data file.
    case backupTargetNotEmpty(path: String)
    /// A key or value could not be decoded.
    case corrupt(String)
    /// A key was empty or longer than LMDB allows.
    case invalidKey(String)
    /// The map cannot grow past the configured ceiling.
    case mapCeilingReached(bytes: Int)
    /// A database was opened from inside a write transaction: open databases first.
    case databaseOpenedInWrite(String)
    /// The file system refused the commit's pages (ENOSPC, EDQUOT, or EIO, which is what LMDB
    /// reports for the short write of a full disk). The transaction was rolled back; the
    /// environment stays usable and later writes succeed once space is freed.
    case diskFull(code: Int32, operation: String)
    /// A write was handed to an environment that is closing or closed.
    case closed

    public var description: String {
        switch self {
        case .lmdb(let code, let operation):
            return "\(operation): \(String(cString: mdb_strerror(code))) (\(code))"
        case .schemaTooNew(let found, let supported):
            return "the data file has schema version \(found), newer than this jiuyed supports (\(supported)); run a newer jiuyed or restore a backup"
        case .missingMigration(let from):
            return "no migration from schema version \(from)"
        case .backupTargetNotEmpty(let path):
            return "backup target \(path) already holds data.mdb; choose an empty directory"
        case .corrupt(let what):
            return "corrupt data: \(what)"
        case .invalidKey(let what):
            return "invalid key: \(what)"
        case .mapCeilingReached(let bytes):
            return "the LMDB map reached its ceiling of \(bytes) bytes"
        case .databaseOpenedInWrite(let name):
            return "database \(name) opened inside a write transaction; open it before"
        case .closed:
            return "the data environment is closed"
        case .diskFull(let code, let operation):
            return "\(operation): the data file could not be written (\(String(cString: mdb_strerror(code)))); is the disk full?"
        }
    }

    /// True when the data file could not grow: the disk is full, or the map is at its ceiling.
    public var isOutOfSpace: Bool {
        switch self {
        case .diskFull, .mapCeilingReached: return true
        default: return false
        }
    }

    /// True for `MDB_MAP_FULL`, which the write path answers by growing the map.
    public var isMapFull: Bool {
        if case .lmdb(let code, _) = self { return code == MDB_MAP_FULL }
        return false
    }
}

extension StorageError {
    /// The error for a failed `mdb_txn_commit` (LMDB has already freed the transaction).
    static func commitFailure(_ rc: Int32) -> StorageError {
        rc == ENOSPC || rc == EDQUOT || rc == EIO ? .diskFull(code: rc, operation: "mdb_txn_commit") : .lmdb(code: rc, operation: "mdb_txn_commit")
    }
}

@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws {
    if rc != MDB_SUCCESS { throw StorageError.lmdb(code: rc, operation: operation()) }
}
