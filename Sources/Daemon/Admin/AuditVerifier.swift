import Foundation
import PluginAPI
import Storage

/// Recomputes every history chain: each entry's hash under its scheme (keyed: HMAC bound to the
/// kind and record; legacy: unkeyed, accepted only up to the head sealed when keying began),
/// consecutive sequence numbers, and the head the record itself remembers.
enum AuditVerifier {
    struct Problem: Equatable {
        var kind: String
        var record: String
        var seq: UInt32
        var problem: String
    }
    /// Which schemes a record's chain uses.
    enum ChainScheme: String, CaseIterable {
        case keyed, legacy, legacyThenKeyed = "legacy-then-keyed", empty
    }
    struct Report {
        var records = 0
        var entries = 0
        var problems: [Problem] = []
        var chains: [(kind: String, record: String, scheme: ChainScheme)] = []
        func count(_ s: ChainScheme) -> Int { chains.filter { $0.scheme == s }.count }
    }

    static func verify(_ txn: Transaction, kinds: [RecordTables]) throws -> Report {
        var report = Report()
        for kind in kinds {
            try kind.records.primary.scan(txn) { id, record in
                report.records += 1
                let entries = try kind.entries(txn, of: id)
                report.entries += entries.count
                let (problems, scheme) = try check(txn, kind, id, record, entries)
                report.problems += problems
                report.chains.append((kind.spec.id, id, scheme))
                return true
            }
        }
        return report
    }

    private static func check(_ txn: Transaction, _ kind: RecordTables, _ id: String, _ record: StoredRecord,
                              _ entries: [HistoryEntry]) throws -> ([Problem], ChainScheme) {
        var problems: [Problem] = []
        func problem(_ seq: UInt32, _ text: String) { problems.append(Problem(kind: kind.spec.id, record: id, seq: seq, problem: text)) }
        var prev: [UInt8] = []
        var expected: UInt32 = 1
        var lastLegacy: HistoryEntry?
        var keyed = false
        for e in entries {
            if e.seq != expected {
                problem(expected, "entry missing")
                expected = e.seq
            }
            if e.prev != prev { problem(e.seq, "chain broken before this entry") }
            if e.computedHash(key: kind.historyKey, kind: kind.spec.id, record: id) != e.hash { problem(e.seq, "entry altered") }
            switch e.scheme {
            case .keyed: keyed = true
            case .legacy:
                if keyed { problem(e.seq, "unkeyed entry after keyed ones") }
                lastLegacy = e
            }
            prev = e.hash
            expected += 1
        }
        if expected - 1 != record.historyCount || prev != record.historyHead { problem(record.historyCount, "latest entries missing") }
        if let last = lastLegacy,
           try kind.legacySeals.get(txn, id) != HistorySeal.seal(kind.historyKey, kind: kind.spec.id, record: id, head: last.hash) {
            problem(last.seq, "unkeyed entries not sealed when the history key was made (rewritten since)")
        }
        let scheme: ChainScheme = entries.isEmpty ? .empty : (lastLegacy == nil ? .keyed : (keyed ? .legacyThenKeyed : .legacy))
        return (problems, scheme)
    }
}
