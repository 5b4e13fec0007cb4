import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// The `outbox` verbs: the queued notifications, seen, retried, purged.
extension RecordAdminCommands {
    /// `outbox list`: the queued (or dead-lettered) notifications.
    static func outboxList(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["outbox", "list"], usage: "[--dead] [--limit N]", summary: "notifications waiting to be sent (or dead-lettered), oldest first",
                         changesState: false, valueOptions: ["limit"]) { request in
            let limit = request.options["limit"].flatMap(Int.init) ?? 50
            let dead = request.flags.contains("dead")
            let pending = try services.directory.environment.read { try services.outbox.pending($0, limit: Int.max) }
                .filter { ($0.1["status"]?.stringValue == "dead") == dead }.prefix(limit)
            return AdminReply(result: .array(pending.map(\.1)), columns: ["SEQ", "EVENT", "TO", "RECORD", "TRIES", "LAST ERROR"],
                              rows: pending.map { seq, m in
                                  ["\(seq)", m["event"]?.stringValue ?? "", m["to"]?.stringValue ?? "", m["record"]?.stringValue ?? "",
                                   "\(m["attempts"]?.objectValue?.map { $0.value.intValue ?? 0 }.max() ?? 0)", m["lastError"]?.stringValue ?? ""]
                              })
        }
    }

    /// `outbox retry [SEQ…]`: dead-lettered notifications queued again.
    static func outboxRetry(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["outbox", "retry"], usage: "[SEQ…]", summary: "send dead-lettered notifications again (all, or those named)",
                         changesState: true) { request in
            let chosen = Set(request.arguments.compactMap(UInt64.init))
            let n = try services.directory.environment.write { txn -> Int in
                var revived = 0
                for (seq, message) in try services.outbox.pending(txn, limit: Int.max) where chosen.isEmpty || chosen.contains(seq) {
                    guard var m = message.objectValue, m["status"]?.stringValue == "dead" else { continue }
                    m["status"] = nil; m["attempts"] = nil; m["nextAttempt"] = nil
                    try services.outbox.table.put(txn, seq, Array(try JSONValue.object(m).jsonData()))
                    revived += 1
                }
                return revived
            }
            return AdminReply(result: ["retried": .int(n)], message: "\(n) notification(s) queued again")
        }
    }

    /// `outbox purge [--all]`.
    static func outboxPurge(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["outbox", "purge"], usage: "[--all]", summary: "delete dead-lettered notifications (--all: every queued one)",
                         changesState: true) { request in
            let all = request.flags.contains("all")
            let n = try services.directory.environment.write { txn -> Int in
                var removed = 0
                for (seq, m) in try services.outbox.pending(txn, limit: Int.max) where all || m["status"]?.stringValue == "dead" {
                    try services.outbox.table.delete(txn, seq)
                    removed += 1
                }
                return removed
            }
            return AdminReply(result: ["purged": .int(n)], message: "\(n) notification(s) deleted")
        }
    }
}
