import AdminProtocol
import Foundation
import NIOPosix
import PluginAPI
import Storage

/// The `db` verbs: use, backups and their check, stale readers.
extension CoreAdminCommands {
    /// `db stats`.
    static func dbStats(host: PluginHost) -> AdminCommandSpec {
        let env = host.store.environment
        return AdminCommandSpec(words: ["db", "stats"], summary: "map size, use, readers and entries per database", changesState: false) { _ in
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
        }
    }

    /// `db backup DIR [--verify]`.
    static func dbBackup(host: PluginHost) -> AdminCommandSpec {
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
        }
    }

    /// `db verify DIR`.
    static func dbVerify(host: PluginHost) -> AdminCommandSpec {
        AdminCommandSpec(words: ["db", "verify"], usage: "DIR", summary: "open a backup and check every material it references: present, with its hash",
                         changesState: false) { request in
            guard request.arguments.count == 1, let dir = request.arguments.first else {
                throw AdminFailure(code: .usage, message: "usage: db verify DIR")
            }
            let check = try DataBackup.verify(request.resolvePath(dir), liveData: host.store.dataDirectory)
            guard check.ok else { throw Self.verifyFailure(check) }
            return AdminReply(result: try JSONValue(encoding: check),
                              message: "\(check.path): \(check.records) records, \(check.materials) materials, every one present with its hash")
        }
    }

    /// `db reader-check`.
    static func dbReaderCheck(host: PluginHost) -> AdminCommandSpec {
        let env = host.store.environment
        return AdminCommandSpec(words: ["db", "reader-check"], summary: "clear reader slots left by dead processes", changesState: true) { _ in
            let n = try env.readerCheck()
            return AdminReply(result: ["cleared": .int(n)], message: "cleared \(n) stale reader slot(s)")
        }
    }
}
