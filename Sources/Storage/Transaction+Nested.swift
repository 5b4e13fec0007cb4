import CLMDB

extension Transaction {
    /// Runs `body` in a write transaction nested in this one (LMDB's child transactions): what
    /// it writes joins this transaction when it returns and is undone when it throws, while this
    /// transaction goes on. A batch runs each item this way, so an item refused halfway — by a
    /// plugin's hook after the record was written — leaves nothing of itself behind.
    ///
    /// While `body` runs, use only the transaction it receives: LMDB refuses the parent's
    /// handle until the child ends.
    public func nested<R>(_ body: (Transaction) throws -> R) throws -> R {
        precondition(!readOnly, "a read-only snapshot has no nested transactions")
        var child: OpaquePointer?
        let rc = mdb_txn_begin(mdb_txn_env(handle), handle, 0, &child)
        guard rc == MDB_SUCCESS, let child else {
            if rc == MDB_MAP_FULL { mapFull = true }
            throw StorageError.lmdb(code: rc, operation: "mdb_txn_begin (nested)")
        }
        let txn = Transaction(handle: child, readOnly: false)
        let value: R
        do {
            value = try body(txn)
        } catch {
            mdb_txn_abort(child)
            if txn.mapFull { mapFull = true }
            throw error
        }
        // mdb_txn_commit frees the child whether it succeeds or not.
        let done = mdb_txn_commit(child)
        guard done == MDB_SUCCESS else {
            if done == MDB_MAP_FULL { mapFull = true }
            throw StorageError.commitFailure(done)
        }
        touched.formUnion(txn.touched)
        // Counter changes live beside the transaction until commit: the child's join ours only now.
        for db in txn.cleared { pendingCounts[db] = nil }
        cleared.formUnion(txn.cleared)
        for (db, deltas) in txn.pendingCounts {
            for (counter, delta) in deltas { pendingCounts[db, default: [:]][counter, default: 0] += delta }
        }
        return value
    }
}
