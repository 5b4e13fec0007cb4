import AdminProtocol
import Daemon
import Foundation
import PluginAPI

extension TestDaemon {
    /// Replaces `plugins.yaml` (then call ``admin(_:)`` with `plugin reload`).
    public func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends an admin command: over the real socket, or in process straight to the verb.
    public func admin(_ words: String...) async throws -> AdminResponse {
        try await send(words)
    }

    /// The blocking socket client runs on a thread of its own: blocking one of the few threads
    /// of the concurrency pool could starve the daemon that must answer it.
    private func send(_ words: [String], timeout: Double = 60) async throws -> AdminResponse {
        if case .inProcess(let daemon) = transport { return await daemon.admin(words) }
        let path = socketPath
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try AdminClient(path: path, timeout: timeout).send(words) })
            }
        }
    }

    /// The store of one plugin, to check what its routes and hooks wrote.
    public func store(of plugin: PluginID) throws -> any PluginStore {
        try daemon.host.pluginStore(plugin)
    }

    /// Creates a staff or employer account as an admin command.
    /// - Parameters:
    ///   - id: the login name (an employer's credit code).
    ///   - roles: e.g. `[.counselor]`.
    ///   - password: at least 8 characters.
    ///   - college: a college officer's college, by name.
    ///   - classes: a counselor's classes, by name.
    public func addAccount(_ id: String, name: String? = nil, roles: [Role], password: String = "password-123",
                           college: String? = nil, classes: [String] = []) async throws {
        var words = ["user", "add", id, "--name", name ?? id, "--role", roles.map(\.rawValue).joined(separator: ","), "--password", password]
        if let college { words += ["--college", college] }
        if !classes.isEmpty { words += ["--classes", classes.joined(separator: ",")] }
        let reply = try await send(words)
        guard reply.ok else { throw TestDaemonError.adminFailed(reply.error?.message ?? "") }
    }

    /// Imports a registry export given as CSV text, as an admin command.
    @discardableResult
    public func importStudents(csv: String, skipInvalid: Bool = false) async throws -> AdminResponse {
        let file = directory + "/import-\(UUID().uuidString.prefix(6)).csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        return try await send(["import", "students", file] + (skipInvalid ? ["--skip-invalid"] : []))
    }
}
