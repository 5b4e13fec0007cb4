import Foundation
import Testing

/// The admin socket's two locks: the file mode, and the peer's uid checked with SO_PEERCRED.
@Suite("Admin socket permissions", .serialized)
struct AdminSocketPermissionTests {
    static let isRoot = getuid() == 0

    /// `jiuyectl` copied where another user can run it, run as uid/gid 65534 (nobody).
    func asNobody(_ socket: String, _ words: [String]) throws -> Finished {
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-nobody-" + UUID().uuidString.prefix(6)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Binaries.jiuyectl, toPath: dir + "/jiuyectl")
        chmod(dir + "/jiuyectl", 0o755)
        return try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", dir + "/jiuyectl", "--socket", socket] + words)
    }

    @Test("the socket is created with mode 0600")
    func mode() throws {
        let d = try ServedDaemon()
        var st = stat()
        #expect(stat(d.socket, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(st.st_mode & S_IFMT == S_IFSOCK)
    }

    @Test("another user is refused by the file mode", .enabled(if: isRoot, "needs root to switch users"))
    func otherUserByMode() throws {
        let d = try ServedDaemon(socketInDataDir: false)
        let r = try asNobody(d.socket, ["status"])
        #expect(r.status == 4)
        #expect(r.stderr.contains("permission denied"))
    }

    @Test("another user is refused by SO_PEERCRED even when the mode lets them connect", .enabled(if: isRoot, "needs root to switch users"))
    func otherUserByPeerCredentials() throws {
        let source = try String(contentsOfFile: Binaries.repository + "/plugins.yaml", encoding: .utf8)
        let open = source.replacingOccurrences(of: "socketMode: \"0600\"", with: "socketMode: \"0666\"")
        #expect(open != source)
        let d = try ServedDaemon(config: open, socketInDataDir: false)
        let r = try asNobody(d.socket, ["status"])
        #expect(r.status == 4)
        #expect(r.stderr.contains("uid 65534 may not use the admin socket"))
        #expect(d.logText.contains("refused peer") && d.logText.contains("uid=65534"))
        // Root (the daemon's own user here) still gets in.
        #expect(try d.ctl("status").status == 0)
    }
}
