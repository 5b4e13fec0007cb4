import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// A backup holds the database and every material it references; a daemon started on the
/// restored directory serves every download byte for byte; verify finds what is missing.
@Suite("备份与恢复")
struct BackupRestoreTests {
    typealias Actors = GraduateFlowTests.Actors
    static let student = GraduateFlowTests.student

    @Test("upload → backup → a second daemon on the restored directory serves the same bytes; a missing file fails verify")
    func backupRestore() async throws {
        let a = try await Actors.start()
        let base = "/api/v1/records/employment-info/\(Self.student)"
        _ = try await a.call(.post, "/records/employment-info", ["student": .string(Self.student), "values": ["destination": "76"]], a.student)
        let pdf = GraduateFlowTests.pdf
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 300))
        let first = try await a.d.request(.post, base + "/materials?name=statement.pdf", rawBody: pdf, token: a.student).json
        let second = try await a.d.request(.post, base + "/materials?name=photo.png", rawBody: png, token: a.student).json
        let shas = try [#require(first["sha256"]?.stringValue), #require(second["sha256"]?.stringValue)]

        let target = FileManager.default.temporaryDirectory.path + "/jiuye-backup-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: target) }
        let backup = try await a.d.admin("db", "backup", target + "/data", "--verify")
        #expect(backup.ok, "\(backup.error?.message ?? "")")
        #expect(backup.reply?.result["materials"] == 2 && backup.reply?.result["verified"] == true)
        #expect((backup.reply?.result["records"]?.intValue ?? 0) > 200)
        #expect((backup.reply?.result["bytes"]?.intValue ?? 0) > pdf.count + png.count)
        #expect(backup.reply?.message?.contains("2 materials") == true)
        let verified = try await a.d.admin("db", "verify", target + "/data")
        #expect(verified.ok, "\(verified.error?.message ?? "")")
        try await a.d.stop()

        // A daemon on the restored directory: the same bytes for every download.
        let text = try String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: text, directory: target)
        let school = try await d.login("school", GraduateFlowTests.password)
        #expect(try await d.request(.get, base + "/materials/\(shas[0])", token: school).body == pdf)
        #expect(try await d.request(.get, base + "/materials/\(shas[1])", token: school).body == png)

        // A blob gone from a backup is named by verify.
        let again = FileManager.default.temporaryDirectory.path + "/jiuye-backup-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: again) }
        #expect(try await d.admin("db", "backup", again).ok)
        try FileManager.default.removeItem(atPath: Materials.path(shas[1], blobs: again + "/blobs"))
        let broken = try await d.admin("db", "verify", again)
        #expect(!broken.ok && broken.error?.message.contains("missing material \(shas[1])") == true)
        #expect(try await d.admin("db", "backup", again).ok == false)   // not into a used directory
        try await d.stop(keepDirectory: true)
    }
}
