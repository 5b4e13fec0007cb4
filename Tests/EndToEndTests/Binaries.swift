import Foundation

/// The built `jiuyed` and `jiuyectl`, beside the test bundle (or in `$JIUYE_BIN_DIR`).
enum Binaries {
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["JIUYE_BIN_DIR"] { return dir }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the tests run from `<bin>/jiuyePackageTests.xctest`; on macOS from inside a bundle.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("jiuyed").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }()
    static var jiuyed: String { directory + "/jiuyed" }
    static var jiuyectl: String { directory + "/jiuyectl" }

    /// The repository root (for the default plugins.yaml).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// A finished command: its exit status and what it printed.
struct Finished {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion.
func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> Finished {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    // Files, not pipes: a chatty child can never block on a full pipe.
    let base = FileManager.default.temporaryDirectory.path + "/jiuye-run-" + UUID().uuidString.prefix(8)
    FileManager.default.createFile(atPath: base + ".out", contents: nil)
    FileManager.default.createFile(atPath: base + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    p.standardOutput = FileHandle(forWritingAtPath: base + ".out")
    p.standardError = FileHandle(forWritingAtPath: base + ".err")
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning { p.terminate() }
    p.waitUntilExit()
    return Finished(status: p.terminationStatus,
                    stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                    stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// A `jiuyed serve` child process on a free port and a temporary data directory.
final class ServedDaemon {
    let process = Process()
    let directory: String
    let port: Int
    let socket: String
    let config: String
    let log: String

    /// Whether the directory goes when this object does (not when a second daemon takes it over).
    var removesDirectory = true

    init(config text: String? = nil, socketInDataDir: Bool = true, demo: Bool = false, directory existing: String? = nil, port fixedPort: Int? = nil) throws {
        directory = existing ?? FileManager.default.temporaryDirectory.path + "/jiuye-e2e-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        config = directory + "/plugins.yaml"
        let source = try String(contentsOfFile: Binaries.repository + "/plugins.yaml", encoding: .utf8)
        try (text ?? source).write(toFile: config, atomically: true, encoding: .utf8)
        port = fixedPort ?? Self.freePort()
        socket = socketInDataDir ? directory + "/data/admin.sock" : directory + "/admin.sock"
        log = directory + "/jiuyed-\(UUID().uuidString.prefix(4)).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: Binaries.jiuyed)
        process.arguments = ["serve", "--config", config, "--data", directory + "/data",
                             "--listen", "127.0.0.1:\(port)", "--socket", socket] + (demo ? ["--demo"] : [])
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        try waitUntilHealthy()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func freePort() -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    func waitUntilHealthy() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !process.isRunning { throw E2EError.exited(logText) }
            if (try? get("/api/v1/health"))?.status == 200, FileManager.default.fileExists(atPath: socket) { return }
            usleep(50_000)
        }
        throw E2EError.notReady(logText)
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// A blocking GET over a plain socket: status and body.
    func get(_ path: String) throws -> (status: Int, body: String) {
        let r = try run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func ctl(_ words: String...) throws -> Finished {
        try run(Binaries.jiuyectl, ["--socket", socket] + words)
    }
}

enum E2EError: Error {
    case exited(String)
    case notReady(String)
}

extension ServedDaemon {
    /// GETs with a bearer token.
    func get(_ path: String, token: String) throws -> (status: Int, body: String) {
        let r = try run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10", "-H", "Authorization: Bearer \(token)",
                                          "http://127.0.0.1:\(port)\(path)"])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// POSTs JSON with a bearer token.
    func post(_ path: String, json: String, token: String) throws -> (status: Int, body: String) {
        let r = try run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10", "-X", "POST", "-H", "Authorization: Bearer \(token)",
                                          "-H", "Content-Type: application/json", "-d", json, "http://127.0.0.1:\(port)\(path)"])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// POSTs JSON and answers the status and body.
    func post(_ path: String, json: String) throws -> (status: Int, body: String) {
        let r = try run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10", "-X", "POST",
                                          "-H", "Content-Type: application/json", "-d", json, "http://127.0.0.1:\(port)\(path)"])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
