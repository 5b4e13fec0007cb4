extension Environment {
    /// Runs `body` in a write transaction shared with the writes that arrive at the same time:
    /// group commit. Returns once the transaction holding it is committed and durable.
    ///
    /// Each write stays all or nothing for itself: in a group it runs nested in the shared
    /// transaction, so when `body` throws only its own changes are taken back and the others
    /// commit. Should the shared commit fail (a full disk, the map's ceiling), every write of the
    /// group is tried again alone, so one write's failure never fails its neighbours. As with
    /// ``write(_:)``, `body` may be run more than once (a full map) and must have no effects
    /// outside the transaction.
    ///
    /// The wait happens on a thread of the environment's own, never on the caller's: an async
    /// caller holds no thread while its commit is on the disk.
    public func commit<R: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { (answer: CheckedContinuation<R, Error>) in
            // Written by the one thread that runs the job, read by `finish` on the same thread.
            nonisolated(unsafe) var value: R?
            let job = GroupCommit.Job(
                run: { value = try body($0) },
                finish: { error in
                    if let error { answer.resume(throwing: error) } else { answer.resume(returning: value!) }
                })
            if !groupCommit.submit(job, for: self) { answer.resume(throwing: StorageError.closed) }
        }
    }

    /// Group commits since the environment opened, and the writes they held: writes ÷ groups is
    /// how many requests shared an fsync on average.
    public var groupCommitStatistics: (groups: UInt64, writes: UInt64) { groupCommit.statistics }

    /// Writes handed to ``commit(_:)`` that wait for the next group.
    public var writesWaiting: Int { groupCommit.waiting }

    /// Runs one group: alone, a write is a transaction of its own; together, each runs nested in
    /// the group's transaction and the group commits once. If that commit fails, each is tried
    /// again alone.
    func runGroup(_ jobs: [GroupCommit.Job]) {
        if jobs.count == 1 {
            jobs[0].finish(Result { try write(jobs[0].run) }.failure)
            return
        }
        var errors = [Error?](repeating: nil, count: jobs.count)
        do {
            try write { txn in
                // A full map runs this again from the start: every outcome is decided anew.
                for (i, job) in jobs.enumerated() {
                    errors[i] = Result { try txn.nested(job.run) }.failure
                }
            }
        } catch {
            for job in jobs { job.finish(Result { try write(job.run) }.failure) }
            return
        }
        for (job, error) in zip(jobs, errors) { job.finish(error) }
    }
}

extension Result where Failure == Error {
    /// The error, or nil on success.
    var failure: Error? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
