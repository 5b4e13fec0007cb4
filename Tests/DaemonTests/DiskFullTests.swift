import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A full disk under the data file: the daemon keeps running, answers 507, serves reads, and
/// picks up again once space is freed, losing nothing it acknowledged.
@Suite("A full disk", .serialized)
struct DiskFullTests {
    static let config = InternshipConfig.yaml(kind: """
        fields:
          - {key: company, label: 实习单位, type: text, required: true}
        """, rest: """
        storage: {mapSizeMiB: 64}
        """)

    @Test("a commit refused by a full tmpfs answers 507, reads go on, writes resume, nothing acknowledged is lost")
    func fullDisk() async throws {
        guard let mount = try SmallFileSystem(megabytes: 12) else { return }
        defer { mount.remove() }
        let dataDirectory = mount.path + "/data"
        // The map (64 MiB) is larger than the file system (12 MiB): the commit fails on a short
        // write, not on MDB_MAP_FULL.
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config, seedDemo: true, dataDirectory: dataDirectory)
        let school = try await d.login("school", Demo.password)
        let students = try await studentNumbers(d, token: school)
        let filler = try mount.fill()

        var acknowledged: [String: String] = [:]
        var refusal: TestResponse?
        for (i, number) in students.enumerated() {
            let company = "公司\(i)-" + String(repeating: "满", count: 6000)
            let r = try await d.request(.post, "/api/v1/records/internship", body: ["student": .string(number), "values": ["company": .string(company)]], token: school)
            if r.status == 201 || r.status == 200 { acknowledged[number] = company; continue }
            refusal = r
            break
        }
        let refused = try #require(refusal, "the file system never filled up")
        #expect(refused.status == 507)
        #expect(refused.errorCode == "insufficient_storage")
        #expect(try refused.json["error"]?["message"]?.stringValue?.contains("存储空间不足") == true)

        // Reads keep working while the disk is full.
        #expect(try await d.request(.get, "/api/v1/health").status == 200)
        for (number, company) in acknowledged {
            let r = try await d.request(.get, "/api/v1/records/internship/\(number)", token: school)
            #expect(try r.status == 200 && r.json["values"]?["company"]?.stringValue == company)
        }

        // Space comes back: writes resume.
        try FileManager.default.removeItem(atPath: filler)
        let next = try #require(students.first { acknowledged[$0] == nil })
        let resumed = try await d.request(.post, "/api/v1/records/internship", body: ["student": .string(next), "values": ["company": "恢复后"]], token: school)
        #expect(resumed.status == 201 || resumed.status == 200)
        acknowledged[next] = "恢复后"
        try await d.stop()

        // A fresh daemon on the same data file sees every acknowledged write.
        let again = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config, dataDirectory: dataDirectory)
        let token = try await again.login("school", Demo.password)
        for (number, company) in acknowledged {
            let r = try await again.request(.get, "/api/v1/records/internship/\(number)", token: token)
            #expect(try r.status == 200 && r.json["values"]?["company"]?.stringValue == company, "record of \(number)")
        }
        try await again.stop()
    }

    func studentNumbers(_ d: TestDaemon, token: String) async throws -> [String] {
        let list = try await d.request(.get, "/api/v1/students?limit=200", token: token)
        let items = try list.json["students"]?.arrayValue ?? []
        return items.compactMap { $0["number"]?.stringValue }
    }
}

/// A tmpfs of a few megabytes mounted in a temporary directory (needs root, as in CI).
struct SmallFileSystem {
    let path: String

    /// Nil, with the reason printed, where mounting is impossible (not root, no CAP_SYS_ADMIN).
    init?(megabytes: Int) throws {
        path = FileManager.default.temporaryDirectory.path + "/jiuye-tmpfs-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        p.standardError = FileHandle.nullDevice
        do { try p.run(); p.waitUntilExit() } catch {}
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            print("skipped: cannot mount a tmpfs at \(path) (needs root with CAP_SYS_ADMIN)")
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    /// Writes a file until the file system refuses; returns its path.
    func fill() throws -> String {
        let file = path + "/filler"
        let fd = open(file, O_CREAT | O_WRONLY, 0o600)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xAB, count: 64 << 10)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return file
    }

    func remove() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = ["-l", path]
        try? p.run()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }
}
