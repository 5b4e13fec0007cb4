import Foundation
import Testing
@testable import Storage

/// A commit that the file system refuses: LMDB frees the transaction itself, so it must not be
/// aborted again, and the environment must stay usable.
@Suite("A full disk under the environment")
struct StorageDiskFullTests {
    @Test("a refused commit throws diskFull, keeps earlier commits readable, and writing resumes when space returns")
    func refusedCommit() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-storage-tmpfs-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir]) else {
            print("skipped: cannot mount a tmpfs at \(dir) (needs root with CAP_SYS_ADMIN)")
            return
        }
        defer { _ = run("/bin/umount", ["-l", dir]) }
        // Space to give back later.
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: dir + "/reserve"))
        // The map (64 MiB) is far larger than the file system: the failure is the disk's.
        let env = try Environment(path: dir + "/db", options: EnvironmentOptions(mapSize: 64 << 20, noSync: true))
        defer { env.close() }
        let table = try Table<String, String>(env, name: "t")
        let value = String(repeating: "满", count: 20_000)
        var committed: [String] = []
        var refusal: StorageError?
        for i in 0..<1000 {
            do {
                try env.write { txn in try table.put(txn, "k\(i)", value) }
                committed.append("k\(i)")
            } catch let e as StorageError {
                refusal = e
                break
            }
        }
        let error = try #require(refusal, "the file system never filled up")
        #expect(error.isOutOfSpace, "\(error)")
        try env.read { txn throws in
            for key in committed { #expect(try table.get(txn, key) == value) }
        }
        try FileManager.default.removeItem(atPath: dir + "/reserve")
        try env.write { txn in try table.put(txn, "after", "恢复") }
        try env.read { txn throws in
            #expect(try table.get(txn, "after") == "恢复")
            #expect(try table.count(txn) == committed.count + 1)
        }
    }

    private func run(_ tool: String, _ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationReason == .exit && p.terminationStatus == 0
    }
}
