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
        let env = host.store.environment
        return [
            AdminCommandSpec(words: ["help"], summary: "list the commands", changesState: false) { _ in
                let rows = (table()?.all() ?? []).map { entry in
                    [(entry.spec.words + [entry.spec.usage]).joined(separator: " ").trimmingCharacters(in: .whitespaces),
                     entry.plugin?.rawValue ?? "core", entry.spec.summary]
                }
                return AdminReply(result: .array(rows.map { .array($0.map(JSONValue.string)) }),
                                  columns: ["COMMAND", "FROM", "WHAT"], rows: rows)
            },
            AdminCommandSpec(words: ["status"], summary: "daemon version, uptime, plugins, listen address, database use", changesState: false) { _ in
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
            },
            AdminCommandSpec(words: ["plugin", "list"], summary: "the enabled plugins in start order", changesState: false) { _ in
                let set = host.current
                let rows = set.plugins.map { p in
                    [p.id.rawValue, p.version.description, p.label.zh, p.dependencies.map(\.rawValue).joined(separator: ","),
                     p.kinds.map(\.id).joined(separator: ","), "\(p.routes.count)"]
                }
                return AdminReply(result: set.describe, columns: ["ID", "VERSION", "NAME", "DEPENDS", "KINDS", "ROUTES"], rows: rows)
            },
            AdminCommandSpec(words: ["plugin", "reload"], summary: "re-read plugins.yaml; all or nothing: on error the old set keeps serving",
                             changesState: true) { _ in
                do {
                    let reloaded = try await host.reload()
                    let set = reloaded.set
                    let changes = reloaded.recordChanges
                    return AdminReply(result: ["plugins": .array(set.pluginIDs.map { .string($0.rawValue) }),
                                               "recordChanges": .array(changes.map(JSONValue.string))],
                                      message: (["reloaded \(set.source): \(set.pluginIDs.map(\.rawValue).joined(separator: ", "))"] + changes)
                                          .joined(separator: "\n"))
                } catch {
                    throw AdminFailure(code: .failed, message: "reload refused, the old plugin set keeps serving:\n\(error)")
                }
            },
            AdminCommandSpec(words: ["db", "stats"], summary: "map size, use, readers and entries per database", changesState: false) { _ in
                let stats = env.stats()
                var rows: [[String]] = []
                var perDB = JSONObject()
                for name in try env.databaseNames() {
                    let db = try env.database(name, options: name.hasPrefix("idx/") ? .duplicates : .plain)
                    let n = try env.entryCount(db)
                    perDB[name] = .int(n)
                    rows.append([name, "\(n)"])
                }
                var result = try JSONValue(encoding: stats).objectValue ?? JSONObject()
                result["databases"] = .object(perDB)
                rows.insert(contentsOf: [
                    ["(map size)", "\(stats.mapSize)"], ["(used bytes)", "\(stats.usedBytes)"],
                    ["(readers)", "\(stats.readersInUse)/\(stats.maxReaders)"], ["(last txn)", "\(stats.lastTransactionID)"],
                ], at: 0)
                return AdminReply(result: .object(result), columns: ["DATABASE", "ENTRIES"], rows: rows)
            },
            AdminCommandSpec(words: ["db", "backup"], usage: "DIR [--verify]",
                             summary: "hot, consistent copy of the database and every material it references into an empty directory",
                             changesState: true) { request in
                guard request.arguments.count == 1, let dir = request.arguments.first else {
                    throw AdminFailure(code: .usage, message: "usage: db backup DIR [--verify]")
                }
                // Off the concurrency pool: copying gigabytes must not hold one of its threads.
                let target = request.resolvePath(dir)
                let report = try await NIOThreadPool.singleton.runIfActive { try DataBackup.write(host.store, to: target) }
                var result = try JSONValue(encoding: report).objectValue ?? [:]
                var message = "backup written to \(report.path): \(report.records) records, \(report.materials) materials, \(report.bytes) bytes"
                if request.flags.contains("verify") {
                    let check = try DataBackup.verify(report.path, liveData: host.store.dataDirectory)
                    result["verified"] = .bool(check.ok)
                    guard check.ok else { throw Self.verifyFailure(check) }
                    message += "; verified: every material present with its hash"
                }
                return AdminReply(result: .object(result), message: message)
            },
            AdminCommandSpec(words: ["db", "verify"], usage: "DIR", summary: "open a backup and check every material it references: present, with its hash",
                             changesState: false) { request in
                guard request.arguments.count == 1, let dir = request.arguments.first else {
                    throw AdminFailure(code: .usage, message: "usage: db verify DIR")
                }
                let check = try DataBackup.verify(request.resolvePath(dir), liveData: host.store.dataDirectory)
                guard check.ok else { throw Self.verifyFailure(check) }
                return AdminReply(result: try JSONValue(encoding: check),
                                  message: "\(check.path): \(check.records) records, \(check.materials) materials, every one present with its hash")
            },
            AdminCommandSpec(words: ["db", "reader-check"], summary: "clear reader slots left by dead processes", changesState: true) { _ in
                let n = try env.readerCheck()
                return AdminReply(result: ["cleared": .int(n)], message: "cleared \(n) stale reader slot(s)")
            },
        ]
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
