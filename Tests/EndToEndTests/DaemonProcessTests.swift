import Foundation
import Storage
import Testing

/// The real binaries: `jiuyed serve` as a child process, `jiuyectl` against its socket, curl for HTTP.
@Suite("jiuyed and jiuyectl as processes", .serialized)
struct DaemonProcessTests {
    @Test("the daemon comes up: health answers, jiuyectl status answers, a backup opens")
    func upStatusBackup() throws {
        let d = try ServedDaemon()
        #expect(try d.get("/api/v1/health").status == 200)
        let status = try d.ctl("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("running") && status.stdout.contains("127.0.0.1:\(d.port)"))
        let json = try d.ctl("--json", "plugin", "list")
        #expect(json.status == 0 && json.stdout.contains("\"source-info\""))

        let backup = d.directory + "/backup"
        let r = try d.ctl("db", "backup", backup)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("records") && r.stdout.contains("materials"))
        let copy = try Environment(path: backup + "/db")
        defer { copy.close() }
        #expect(try copy.schemaVersion() == 1)
        #expect(try copy.databaseNames().contains("meta"))
        // A second backup into the same directory is refused, with a reason and exit 1.
        let again = try d.ctl("db", "backup", backup)
        #expect(again.status == 1 && again.stderr.contains("is not empty"))
        #expect(d.logText.contains("command=db backup"))
    }

    @Test("SIGTERM stops the daemon with status 0 within 2 s, and the data reopens clean")
    func sigterm() throws {
        let d = try ServedDaemon()
        let start = Date()
        d.process.terminate()   // SIGTERM
        d.process.waitUntilExit()
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(d.process.terminationReason == .exit && d.process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))
        let env = try Environment(path: d.directory + "/data/db")
        defer { env.close() }
        #expect(try env.readerCheck() == 0)
        #expect(try env.schemaVersion() == 1)
    }

    @Test("jiuyectl says so, with exit 3, when no daemon runs")
    func notRunning() throws {
        let r = try run(Binaries.jiuyectl, ["--socket", "/tmp/jiuye-no-such.sock", "status"])
        #expect(r.status == 3)
        #expect(r.stderr.hasPrefix("jiuyectl: jiuyed is not running"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test("an unknown command exits 2 with a hint")
    func usage() throws {
        let d = try ServedDaemon()
        let r = try d.ctl("frobnicate")
        #expect(r.status == 2 && r.stderr.contains("jiuyectl help"))
    }

    @Test("plugin reload: a broken file is refused with its line and the old set serves; a good file shows in /api/v1/plugins")
    func reload() throws {
        let d = try ServedDaemon()
        try "plugins:\n  source-info: {}\n  termination: {}\n".write(toFile: d.config, atomically: true, encoding: .utf8)
        let broken = try d.ctl("plugin", "reload")
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("plugins.yaml:3:3: plugins.termination: depends on \"agreements\""))
        let before = try d.get("/api/v1/plugins").body
        #expect(before.contains("\"resume-library\""))

        try "plugins:\n  source-info: {}\n  agreements: {}\n".write(toFile: d.config, atomically: true, encoding: .utf8)
        let good = try d.ctl("plugin", "reload")
        #expect(good.status == 0, "\(good.stderr)")
        let after = try d.get("/api/v1/plugins").body
        #expect(after.contains("\"agreements\"") && !after.contains("\"resume-library\""))
        #expect(d.logText.contains("command=plugin reload"))
    }

    @Test("jiuyed check accepts the default file and refuses a bad one with file:line:column")
    func check() throws {
        let good = try run(Binaries.jiuyed, ["check", "--config", Binaries.repository + "/plugins.yaml"])
        #expect(good.status == 0 && good.stdout.contains("ok"))
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-check-" + UUID().uuidString.prefix(6)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/plugins.yaml"
        try "storage:\n  mapSizeMiB: big\nplugins:\n  termination: {}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try run(Binaries.jiuyed, ["check", "--config", bad])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(bad):2:15: storage.mapSizeMiB: expected a whole number"))
        #expect(r.stderr.contains("\(bad):4:3: plugins.termination: depends on \"agreements\""))
    }

    @Test("the daemon refuses to start on a bad configuration, saying where")
    func badStart() throws {
        #expect(throws: E2EError.self) { _ = try ServedDaemon(config: "plugins:\n  nosuch: {}\n") }
    }

    @Test("--help tells a newcomer what the programs do")
    func help() throws {
        let d = try run(Binaries.jiuyed, ["--help"])
        #expect(d.stdout.contains("check") && d.stdout.contains("serve") && d.stdout.contains("plugins.yaml"))
        let c = try run(Binaries.jiuyectl, ["--help"])
        #expect(c.stdout.contains("--socket") && c.stdout.contains("--json") && c.stdout.contains("--timeout") && c.stdout.contains("Exit codes"))
    }
}
