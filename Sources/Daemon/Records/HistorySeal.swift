import Crypto
import Foundation
import Storage

/// Chains begun before the history key existed stay unkeyed, and anyone can recompute an unkeyed
/// chain. So the first time a kind is opened with the key, the head of every unkeyed chain is
/// sealed with it; `audit verify` accepts unkeyed entries only up to a sealed head. A chain
/// rewritten as unkeyed afterwards (a downgrade) has no seal that fits.
enum HistorySeal {
    static func metaKey(_ kind: String) -> String { "history-sealed/\(kind)" }

    /// HMAC of record `id`'s unkeyed head, under the key.
    static func seal(_ key: HistoryKey, kind: String, record id: String, head: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + kind.utf8.count + id.utf8.count)
        w.string("jiuye legacy seal"); w.string(kind); w.string(id); w.blob(head)
        return Array(HMAC<SHA256>.authenticationCode(for: w.bytes, using: key.key))
    }

    /// Seals the unkeyed chains of `kind`, once: the meta entry says it is done.
    static func sealLegacyChains(_ kind: RecordTables, environment: Environment, meta: Table<String, UInt32>) throws {
        guard try environment.read({ try meta.get($0, metaKey(kind.spec.id)) }) == nil else { return }
        try environment.write { txn in
            try kind.records.primary.scan(txn) { id, record in
                guard record.historyCount > 0, let last = try kind.history.get(txn, KeyPair(id, record.historyCount)),
                      last.scheme == .legacy else { return true }
                try kind.legacySeals.put(txn, id, seal(kind.historyKey, kind: kind.spec.id, record: id, head: last.hash))
                return true
            }
            try meta.put(txn, metaKey(kind.spec.id), 1)
        }
    }
}
