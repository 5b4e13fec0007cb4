import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Token buckets in memory, one per key (a client address, an account name).
final class RateLimiter: @unchecked Sendable {
    private let lock = NIOLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    /// Buckets kept before the full ones are forgotten (a flood of made-up names must not grow memory).
    private let maxBuckets: Int

    init(maxBuckets: Int = 100_000) { self.maxBuckets = maxBuckets }

    /// Takes one token from `key`'s bucket: nil when admitted, else the seconds until a token is back.
    func take(_ key: String, burst: Int, perMinute: Int, now: Double) -> Int? {
        lock.withLock {
            let rate = Double(perMinute) / 60
            var b = buckets[key] ?? (Double(burst), now)
            b.tokens = min(Double(burst), b.tokens + max(0, now - b.at) * rate)
            b.at = now
            defer {
                buckets[key] = b
                if buckets.count > maxBuckets { prune(now: now, rate: rate, burst: Double(burst)) }
            }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        }
    }

    /// Drops the buckets that have refilled (they hold nothing a new bucket would not); if every
    /// bucket is in use, all go: better to forget than to grow without bound.
    private func prune(now: Double, rate: Double, burst: Double) {
        buckets = buckets.filter { $0.value.tokens + (now - $0.value.at) * rate < burst }
        if buckets.count > maxBuckets { buckets = [:] }
    }
}

/// Bounds the argon2 work: a few hashes at once; other attempts wait briefly in per-client
/// queues, the client with the least recent hashing served first, and one client address never
/// holds every slot, so a flood cannot push everyone else back. An attempt that cannot get a slot in time is refused
/// (429) instead of piling up.
final class HashGate: @unchecked Sendable {
    /// No slot came free in time, or the queue was full.
    struct Busy: Error { let retryAfter: Int }

    private typealias Waiter = (id: UInt64, continuation: CheckedContinuation<Void, Error>)
    private let lock = NIOLock()
    private var running = 0
    private var runningBy: [String: Int] = [:]
    private var queues: [String: [Waiter]] = [:]
    /// Clients with someone waiting, in the order they are served.
    private var turn: [String] = []
    private var waiting = 0
    private var nextID: UInt64 = 0
    /// Recent hashing per client, for who goes first.
    private var recent: [String: (score: Double, at: Double)] = [:]

    /// Runs `work` on the thread pool once a slot is free.
    func run<T: Sendable>(client: String, limits: LoginLimitSettings, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire(client: client, limits: limits)
        defer { release(client: client, limits: limits) }
        return try await NIOThreadPool.singleton.runIfActive(work)
    }

    private func acquire(client: String, limits: LoginLimitSettings) async throws {
        let retry = max(1, Int(limits.queueSeconds.rounded(.up)))
        let perClient = max(1, limits.queueLength / 8)
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            // Queued and dispatched under one lock, so a release in between cannot be missed.
            let (queued, ready): (UInt64?, [Waiter]) = lock.withLock {
                guard waiting < limits.queueLength, (queues[client]?.count ?? 0) < perClient else { return (nil, []) }
                nextID += 1
                if queues[client] == nil { turn.append(client) }
                queues[client, default: []].append((nextID, c))
                waiting += 1
                return (nextID, dispatch(limits))
            }
            guard let id = queued else { return c.resume(throwing: Busy(retryAfter: retry)) }
            for w in ready { w.continuation.resume() }
            Task {
                try? await Task.sleep(for: .seconds(limits.queueSeconds))
                self.expire(client: client, id: id, retryAfter: retry)
            }
        }
    }

    /// Starts waiters while slots are free. The client that has used the least hashing lately
    /// goes first (ties in turn), so someone new is served next even when many addresses flood;
    /// and a client may hold all but one slot (when there are several), so someone else can
    /// always start at once.
    private func dispatch(_ limits: LoginLimitSettings) -> [Waiter] {
        let slots = limits.hashSlots
        let cap = slots > 1 ? slots - 1 : 1
        let now = Date().timeIntervalSince1970
        var ready: [Waiter] = []
        while running < slots {
            var best: (index: Int, score: Double)?
            for (i, client) in turn.enumerated() where runningBy[client, default: 0] < cap {
                let score = usage(client, now: now)
                if best == nil || score < best!.score { best = (i, score) }
            }
            guard let (index, _) = best else { break }
            let client = turn.remove(at: index)
            guard var q = queues[client], !q.isEmpty else { continue }
            ready.append(q.removeFirst())
            waiting -= 1
            running += 1
            runningBy[client, default: 0] += 1
            recent[client] = (usage(client, now: now) + 1, now)
            if q.isEmpty { queues[client] = nil } else {
                queues[client] = q
                turn.append(client)
            }
        }
        if recent.count > 10_000 { recent = recent.filter { usage($0.key, now: now) > 0.05 } }
        return ready
    }

    /// Hashes started for `client`, each fading with a one-minute time constant.
    private func usage(_ client: String, now: Double) -> Double {
        guard let r = recent[client] else { return 0 }
        return r.score * exp(-(now - r.at) / 60)
    }

    /// A waiter still queued after its time is refused.
    private func expire(client: String, id: UInt64, retryAfter: Int) {
        let expired: Waiter? = lock.withLock {
            guard var q = queues[client], let i = q.firstIndex(where: { $0.id == id }) else { return nil }
            let w = q.remove(at: i)
            waiting -= 1
            if q.isEmpty {
                queues[client] = nil
                turn.removeAll { $0 == client }
            } else {
                queues[client] = q
            }
            return w
        }
        expired?.continuation.resume(throwing: Busy(retryAfter: retryAfter))
    }

    /// Frees the slot and starts whoever may go next.
    private func release(client: String, limits: LoginLimitSettings) {
        let ready: [Waiter] = lock.withLock {
            running -= 1
            runningBy[client, default: 1] -= 1
            if runningBy[client] == 0 { runningBy[client] = nil }
            return dispatch(limits)
        }
        for w in ready { w.continuation.resume() }
    }
}
