import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Environment {
    /// Writes a compacted, consistent copy of the environment into `directory` while it serves.
    ///
    /// The directory is created if missing and must not already hold a `data.mdb`.
    /// - Returns: the size of the copy in bytes.
    @discardableResult
    public func backup(to directory: String) throws -> Int {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw StorageError.lmdb(code: errno, operation: "mkdir \(directory)")
        }
        let target = directory + "/data.mdb"
        if access(target, F_OK) == 0 { throw StorageError.backupTargetNotEmpty(path: directory) }
        try check(mdb_env_copy2(handle, directory, UInt32(MDB_CP_COMPACT)), "mdb_env_copy2 \(directory)")
        // The copy holds every record: readable by the daemon's user only, whatever the umask.
        chmod(target, 0o600)
        var st = stat()
        guard stat(target, &st) == 0 else { return 0 }
        return Int(st.st_size)
    }
}
