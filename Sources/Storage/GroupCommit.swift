import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The queue behind ``Environment/commit(_:)``: writes handed over from async code wait here, and
/// one thread of its own takes everything that arrived while the last group was committing and
/// runs it as the next group — one transaction, one fsync. The thread, not the caller, waits for
/// the disk, so a request waiting for its commit holds no thread of Swift's small cooperative pool.
final class GroupCommit: @unchecked Sendable {
    /// One write: `run` does its work in the transaction it is given (the group's, or a nested
    /// one of it); `finish` answers its caller once the outcome is durable, or with the error.
    struct Job {
        let run: (Transaction) throws -> Void
        let finish: (Error?) -> Void
    }

    /// The most writes one group takes: a longer queue is served over several commits, so a
    /// burst never makes one transaction (and the first write's wait) unboundedly long.
    static let groupLimit = 256

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [Job] = []
    private var running = false
    private var stopping = false
    /// The committing thread, while it runs.
    private var committer: pthread_t?
    private var counts = (groups: UInt64(0), writes: UInt64(0))

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(finished, nil)
    }

    deinit {
        pthread_cond_destroy(finished)
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        finished.deallocate()
        wake.deallocate()
        mutex.deallocate()
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Queues `job`, starting the committing thread on first use; false once ``stop()`` was called.
    func submit(_ job: Job, for environment: Environment) -> Bool {
        let (accepted, start): (Bool, Bool) = locked {
            guard !stopping else { return (false, false) }
            queue.append(job)
            if running {
                pthread_cond_signal(wake)
                return (true, false)
            }
            running = true
            return (true, true)
        }
        if start {
            // Held weakly: the thread never keeps an environment alive that its owner let go.
            let thread = Thread { [weak environment, self] in self.serve { environment } }
            thread.name = "jiuye-commit"
            thread.start()
        }
        return accepted
    }

    /// Commits what is queued, then ends the thread; later submissions are refused. Returns once
    /// the thread is gone, so the environment can be closed under it.
    func stop() {
        locked {
            stopping = true
            pthread_cond_signal(wake)
            // From the committing thread itself (the environment's last reference was let go there,
            // after a group): waiting for it would wait forever; it ends once this returns.
            if let committer, pthread_equal(committer, pthread_self()) != 0 { return }
            while running { pthread_cond_wait(finished, mutex) }
        }
    }

    /// Whether the committing thread is running.
    var isRunning: Bool { locked { running } }

    /// Groups committed and writes they held, since the environment opened.
    var statistics: (groups: UInt64, writes: UInt64) { locked { counts } }

    /// Writes waiting for the next group.
    var waiting: Int { locked { queue.count } }

    private func serve(_ environment: () -> Environment?) {
        locked { committer = pthread_self() }
        while true {
            let jobs: [Job] = locked {
                while queue.isEmpty && !stopping { pthread_cond_wait(wake, mutex) }
                let taken = Array(queue.prefix(Self.groupLimit))
                queue.removeFirst(taken.count)
                if taken.isEmpty {
                    running = false
                    committer = nil
                    pthread_cond_broadcast(finished)
                } else {
                    counts.groups += 1
                    counts.writes += UInt64(taken.count)
                }
                return taken
            }
            guard !jobs.isEmpty else { return }
            if let environment = environment() {
                environment.runGroup(jobs)
            } else {
                jobs.forEach { $0.finish(StorageError.closed) }
            }
        }
    }
}

