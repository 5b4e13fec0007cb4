import AdminProtocol
import Foundation
import NIOPosix
import PluginAPI
import Storage

/// What `status` reports about the running daemon.
final class RuntimeInfo: Sendable {
    let started = Date()
    let pid = ProcessInfo.processInfo.processIdentifier
    let socketPath: String
    private let listenBox = LockedBox<String>("")
    var listen: String {
        get { listenBox.value }
        set { listenBox.value = newValue }
    }
    init(socketPath: String) { self.socketPath = socketPath }
}

/// The core's verbs: status, plugin list|reload, db stats|backup|reader-check, help.
enum CoreAdminCommands {
    static func make(host: PluginHost, info: RuntimeInfo, table: @escaping @Sendable () -> AdminCommandTable?) -> [AdminCommandSpec] {
        [help(table: table), status(host: host, info: info), pluginList(host: host), pluginReload(host: host),
         dbStats(host: host), dbBackup(host: host), dbVerify(host: host), dbReaderCheck(host: host)]
    }

    /// `help`: every command, the core's and the plugins'.
    static func help(table: @escaping @Sendable () -> AdminCommandTable?) -> AdminCommandSpec {
        AdminCommandSpec(words: ["help"], summary: "list the commands", changesState: false) { _ in
            let rows = (table()?.all() ?? []).map { entry in
                [(entry.spec.words + [entry.spec.usage]).joined(separator: " ").trimmingCharacters(in: .whitespaces),
                 entry.plugin?.rawValue ?? "core", entry.spec.summary]
            }
            return AdminReply(result: .array(rows.map { .array($0.map(JSONValue.string)) }),
                              columns: ["COMMAND", "FROM", "WHAT"], rows: rows)
        }
    }

    /// `status`: the running daemon at a glance.
    static func status(host: PluginHost, info: RuntimeInfo) -> AdminCommandSpec {
        let env = host.store.environment
        return AdminCommandSpec(words: ["status"], summary: "daemon version, uptime, plugins, listen address, database use", changesState: false) { _ in
            let set = host.current
            let stats = env.stats()
            let uptime = Int(Date().timeIntervalSince(info.started))
            let result: JSONValue = [
                "status": "running", "version": .string(JiuyeVersion.current), "pid": .int(Int(info.pid)),
                "uptimeSeconds": .int(uptime), "listen": .string(info.listen), "socket": .string(info.socketPath),
                "config": .string(set.source), "data": .string(host.store.dataDirectory),
                "institution": .string(set.settings.institution.name),
                "plugins": .array(set.pluginIDs.map { .string($0.rawValue) }),
                "mapSizeBytes": .int(stats.mapSize), "usedBytes": .int(stats.usedBytes),
            ]
            let rows = [
                ["status", "running"], ["version", JiuyeVersion.current], ["pid", "\(info.pid)"],
                ["uptime", "\(uptime) s"], ["listen", info.listen], ["socket", info.socketPath],
                ["config", set.source], ["data", host.store.dataDirectory], ["institution", set.settings.institution.name],
                ["plugins", set.pluginIDs.map(\.rawValue).joined(separator: ", ")],
                ["database", "\(stats.usedBytes >> 20) MiB used of a \(stats.mapSize >> 20) MiB map"],
            ]
            return AdminReply(result: result, columns: ["KEY", "VALUE"], rows: rows)
        }
    }

    /// A backup that fails verification, naming what is missing or damaged.
    static func verifyFailure(_ check: DataBackup.Verification) -> AdminFailure {
        var lines = ["\(check.path): backup incomplete (\(check.materials) materials referenced)"]
        lines += check.missing.map { "missing material \($0)" }
        lines += check.corrupt.map { "damaged material \($0) (bytes do not match the hash)" }
        if !check.historyKey { lines.append("missing \(HistoryKey.fileName): jiuyed will not start on this copy without the history key") }
        return AdminFailure(code: .failed, message: lines.joined(separator: "\n"))
    }
}
