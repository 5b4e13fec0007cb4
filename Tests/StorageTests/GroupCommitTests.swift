import Foundation
import Testing
@testable import Storage

@Suite("Group commit")
struct GroupCommitTests {
    /// Holds the environment's writer until `release` is called, as a long commit would: writes
    /// handed over meanwhile queue up for the next group.
    final class HeldWriter: @unchecked Sendable {
        private let held = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        /// The write the committing thread took alone and waits with (see ``holding(_:first:)``).
        private(set) var first: Task<Void, Error>?

        /// Holds the writer, hands `first` to group commit and waits until the committing thread
        /// took it as a group of its own: whatever is handed over next queues for the group after.
        static func holding(_ env: Environment, first: @escaping @Sendable (Transaction) throws -> Void) async throws -> HeldWriter {
            let writer = HeldWriter(env)
            let groups = env.groupCommitStatistics.groups
            writer.first = Task { try await env.commit(first) }
            for _ in 0..<2000 where env.groupCommitStatistics.groups == groups { try await Task.sleep(for: .milliseconds(1)) }
            if env.groupCommitStatistics.groups != groups + 1 {
                writer.release()   // or closing the environment would wait for it forever
                try #require(Bool(false), "the committing thread never took the first write")
            }
            return writer
        }

        init(_ env: Environment) {
            Thread { [held, go, done] in
                try? env.write { _ in
                    held.signal()
                    go.wait()
                }
                done.signal()
            }.start()
            held.wait()
        }
        private var released = false
        /// Lets the writer commit (once; again is nothing) and waits until it has.
        func release() {
            guard !released else { return }
            released = true
            go.signal()
            done.wait()
        }
    }

    func open(_ dir: String, mapSize: Int = 16 << 20, maxMapSize: Int = 1 << 40) throws -> Environment {
        try Environment(path: dir + "/db", options: EnvironmentOptions(mapSize: mapSize, maxMapSize: maxMapSize, noSync: true))
    }

    /// Runs `body` on a fresh environment in a temporary directory, closed and removed after.
    func withOpen(mapSize: Int = 16 << 20, maxMapSize: Int = 1 << 40, _ body: (Environment) async throws -> Void) async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try open(dir, mapSize: mapSize, maxMapSize: maxMapSize)
        defer { env.close() }
        try await body(env)
    }

    /// Waits until `n` writes are queued behind the held writer.
    func waitUntilQueued(_ env: Environment, _ n: Int) async throws {
        for _ in 0..<2000 where env.writesWaiting < n { try await Task.sleep(for: .milliseconds(1)) }
        try #require(env.writesWaiting == n)
    }

    @Test("writes that arrive while a commit is under way share the next one; each is answered and all are there")
    func shared() async throws {
        try await withOpen { env in
            let table = try studentsByCollege(env, counted: true)
            // Alone, a write is a group of its own.
            try await env.commit { try table.put($0, "0", Student(name: "零", college: "数学学院", cohort: 2026)) }
            #expect(env.groupCommitStatistics == (1, 1))
            let writer = try await HeldWriter.holding(env) { try table.put($0, "1", Student(name: "学生1", college: "数学学院", cohort: 2026)) }
            defer { writer.release() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 2...40 {
                    group.addTask { try await env.commit { try table.put($0, "\(i)", Student(name: "学生\(i)", college: "数学学院", cohort: 2026)) } }
                }
                // The committing thread took "1" and waits for the writer; these queue behind it.
                try await waitUntilQueued(env, 39)
                writer.release()
                try await group.waitForAll()
            }
            try await writer.first?.value
            #expect(env.groupCommitStatistics == (3, 41))
            try env.read { txn throws in
                #expect(try table.primary.count(txn) == 41)
                #expect(try table.counters[0].table.get(txn, RawKey("数学学院".keyBytes)) == 41)
            }
        }
    }

    @Test("a write that throws in a group takes back only its own changes, index and counts; its neighbours commit")
    func oneFails() async throws {
        try await withOpen { env in
            let table = try studentsByCollege(env, counted: true)
            let writer = try await HeldWriter.holding(env) { try table.put($0, "0", Student(name: "零", college: "物理学院", cohort: 2026)) }
            defer { writer.release() }
            let a = Task { try await env.commit { try table.put($0, "1", Student(name: "甲", college: "数学学院", cohort: 2026)) } }
            let b = Task { try await env.commit { txn in
                try table.put(txn, "2", Student(name: "乙", college: "数学学院", cohort: 2026))
                throw Boom()
            } }
            let c = Task { try await env.commit { try table.put($0, "3", Student(name: "丙", college: "数学学院", cohort: 2026)) } }
            try await waitUntilQueued(env, 3)
            writer.release()
            try await writer.first?.value
            try await a.value
            await #expect(throws: Boom.self) { try await b.value }
            try await c.value
            #expect(env.groupCommitStatistics == (2, 4))
            try env.read { txn throws in
                #expect(try table.get(txn, "1") != nil && table.get(txn, "2") == nil && table.get(txn, "3") != nil)
                #expect(try table.indexes[0].keys(txn, matching: "数学学院") == ["1", "3"])
                #expect(try table.counters[0].table.get(txn, RawKey("数学学院".keyBytes)) == 2)
            }
        }
    }

    @Test("a group whose shared commit fails (the map at its ceiling) is tried write by write: only the one too big fails")
    func sharedCommitFails() async throws {
        try await withOpen(mapSize: 1 << 20, maxMapSize: 1 << 20) { env in
            let table = try Table<String, Student>(env, name: "rec/student")
            let writer = try await HeldWriter.holding(env) { try table.put($0, "0", Student(name: "零", college: "数学学院", cohort: 2026)) }
            defer { writer.release() }
            let small = Task { try await env.commit { try table.put($0, "small", Student(name: "甲", college: "数学学院", cohort: 2026)) } }
            let huge = Task { try await env.commit { txn in
                for i in 0..<20_000 { try table.put(txn, "huge\(i)", Student(name: "学生\(i)", college: "一个名字很长的学院" + String(repeating: "很", count: 40), cohort: 2026)) }
            } }
            let other = Task { try await env.commit { try table.put($0, "other", Student(name: "丙", college: "数学学院", cohort: 2026)) } }
            try await waitUntilQueued(env, 3)
            writer.release()
            try await writer.first?.value
            try await small.value
            await #expect(throws: StorageError.mapCeilingReached(bytes: 1 << 20)) { try await huge.value }
            try await other.value
            try env.read { txn throws in
                #expect(try table.get(txn, "small") != nil && table.get(txn, "other") != nil && table.get(txn, "huge0") == nil)
            }
        }
    }

    @Test("a full map inside a group grows it and runs the whole group again: nothing lost, nothing twice")
    func mapGrowsInGroup() async throws {
        try await withOpen(mapSize: 1 << 20) { env in
            let table = try studentsByCollege(env, counted: true)
            let rows: @Sendable (Transaction, Int) throws -> Void = { txn, w in
                for i in 0..<500 { try table.put(txn, "\(w)-\(i)", Student(name: "学生\(w)-\(i)", college: "学院\(w % 3)", cohort: 2026)) }
            }
            let writer = try await HeldWriter.holding(env) { try rows($0, 0) }
            defer { writer.release() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 1..<30 {
                    group.addTask { try await env.commit { try rows($0, w) } }
                }
                try await waitUntilQueued(env, 29)
                writer.release()
                try await group.waitForAll()
            }
            try await writer.first?.value
            #expect(env.mapSize > 1 << 20)
            try env.read { txn throws in
                #expect(try table.primary.count(txn) == 15_000)
                #expect(try table.counters[0].table.get(txn, RawKey("学院0".keyBytes)) == 5_000)
            }
        }
    }

    @Test("closing commits the writes already queued, then refuses new ones; they are there after reopening")
    func closeDrains() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try open(dir)
        let table = try Table<String, Student>(env, name: "rec/student")
        let writer = try await HeldWriter.holding(env) { try table.put($0, "0", Student(name: "学生0", college: "数学学院", cohort: 2026)) }
        defer { writer.release() }
        let writes = (1..<5).map { i in Task { try await env.commit { try table.put($0, "\(i)", Student(name: "学生\(i)", college: "数学学院", cohort: 2026)) } } }
        try await waitUntilQueued(env, 4)
        let closed = Task.detached {
            env.close()
        }
        try await Task.sleep(for: .milliseconds(20))
        writer.release()
        await closed.value
        try await writer.first?.value
        for w in writes { try await w.value }
        await #expect(throws: StorageError.closed) {
            try await env.commit { try table.put($0, "late", Student(name: "迟", college: "数学学院", cohort: 2026)) }
        }
        let again = try open(dir)
        defer { again.close() }
        let reopened = try Table<String, Student>(again, name: "rec/student")
        try again.read { txn throws in
            #expect(try (0..<5).allSatisfy { try reopened.get(txn, "\($0)") != nil })
            #expect(try reopened.get(txn, "late") == nil)
        }
    }

    @Test("an environment let go while a write of it runs is closed by the committing thread, which then ends")
    func droppedDuringWrite() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env: Environment? = try open(dir)
        weak let gone = env
        let queue = env!.groupCommit
        let table = try Table<String, Student>(env!, name: "rec/student")
        let running = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), answered = DispatchSemaphore(value: 0)
        // Only the write holds the environment once the test lets go: the committing thread drops
        // the last reference when the group is done, and the environment closes from there.
        do {
            let job = GroupCommit.Job(run: { [env] txn in
                _ = env
                running.signal()
                go.wait()
                try table.put(txn, "1", Student(name: "甲", college: "数学学院", cohort: 2026))
            }, finish: { _ in answered.signal() })
            #expect(queue.submit(job, for: env!))
        }
        running.wait()
        env = nil
        #expect(gone != nil, "the running write still holds it")
        go.signal()
        answered.wait()
        for _ in 0..<2000 where gone != nil || queue.isRunning { try await Task.sleep(for: .milliseconds(1)) }
        #expect(gone == nil && !queue.isRunning)
        let again = try open(dir)
        defer { again.close() }
        let reopened = try Table<String, Student>(again, name: "rec/student")
        #expect(try again.read { try reopened.get($0, "1") } != nil)
    }
}
