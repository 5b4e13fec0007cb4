import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// `audit verify` and `outbox list`: the records' histories and notifications from the socket.
enum RecordAdminCommands {
    static let verbs: Set<String> = ["audit verify", "outbox list"]

    static func make(services: CoreServices) -> [AdminCommandSpec] {
        [
            AdminCommandSpec(words: ["audit", "verify"], usage: "[KIND]",
                             summary: "check every record's hash-chained history; report altered or missing entries", changesState: false) { request in
                let kinds = try services.kinds()
                let chosen = try request.arguments.first.map { [try kinds.kind($0)] } ?? kinds.tables.values.sorted { $0.spec.id < $1.spec.id }
                let report = try services.directory.environment.read { txn in try AuditVerifier.verify(txn, kinds: chosen) }
                let rows = report.problems.map { [$0.kind, $0.record, "\($0.seq)", $0.problem] }
                let result: JSONValue = ["records": .int(report.records), "entries": .int(report.entries),
                                         "problems": .array(report.problems.map { ["kind": .string($0.kind), "record": .string($0.record), "seq": .int(Int($0.seq)), "problem": .string($0.problem)] })]
                guard report.problems.isEmpty else {
                    throw AdminFailure(code: .failed, message: "history verification FAILED: \(report.problems.count) problem(s)\n"
                                       + rows.map { $0.joined(separator: "  ") }.joined(separator: "\n"))
                }
                return AdminReply(result: result, message: "history intact: \(report.records) records, \(report.entries) entries")
            },
            AdminCommandSpec(words: ["outbox", "list"], usage: "[--limit N]", summary: "notifications waiting to be sent, oldest first",
                             changesState: false, valueOptions: ["limit"]) { request in
                let limit = request.options["limit"].flatMap(Int.init) ?? 50
                let pending = try services.directory.environment.read { try services.outbox.pending($0, limit: limit) }
                return AdminReply(result: .array(pending.map(\.1)), columns: ["SEQ", "EVENT", "TO", "RECORD"],
                                  rows: pending.map { ["\($0.0)", $0.1["event"]?.stringValue ?? "", $0.1["to"]?.stringValue ?? "", $0.1["record"]?.stringValue ?? ""] })
            },
        ]
    }
}

/// Recomputes every history chain: each entry's hash over its content and its predecessor's hash,
/// consecutive sequence numbers, and the head the record itself remembers.
enum AuditVerifier {
    struct Problem: Equatable {
        var kind: String
        var record: String
        var seq: UInt32
        var problem: String
    }
    struct Report {
        var records = 0
        var entries = 0
        var problems: [Problem] = []
    }

    static func verify(_ txn: Transaction, kinds: [RecordTables]) throws -> Report {
        var report = Report()
        for kind in kinds {
            try kind.records.primary.scan(txn) { id, record in
                report.records += 1
                var prev: [UInt8] = []
                var expected: UInt32 = 1
                for e in try kind.entries(txn, of: id) {
                    report.entries += 1
                    if e.seq != expected {
                        report.problems.append(Problem(kind: kind.spec.id, record: id, seq: expected, problem: "entry missing"))
                        expected = e.seq
                    }
                    if e.prev != prev {
                        report.problems.append(Problem(kind: kind.spec.id, record: id, seq: e.seq, problem: "chain broken before this entry"))
                    }
                    if e.computedHash() != e.hash {
                        report.problems.append(Problem(kind: kind.spec.id, record: id, seq: e.seq, problem: "entry altered"))
                    }
                    prev = e.hash
                    expected += 1
                }
                if expected - 1 != record.historyCount || prev != record.historyHead {
                    report.problems.append(Problem(kind: kind.spec.id, record: id, seq: record.historyCount, problem: "latest entries missing"))
                }
                return true
            }
        }
        return report
    }
}
