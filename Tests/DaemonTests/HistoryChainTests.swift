import Crypto
import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Storage
import Testing
@testable import Daemon

/// History chains are keyed with `<data>/history.key` and bound to their record: whoever can
/// write LMDB but lacks the key cannot make a rewritten chain verify.
@Suite("History chain keys")
struct HistoryChainTests {
    /// The demo with a 生源 record per student, waiting for its counselor (one seeded entry each).
    func start() async throws -> (TestDaemon, RecordTables) {
        let d = try await Demo.start()
        #expect(try await d.admin("seed", "records", "source-info", "--state", "pending:counselor").ok)
        return (d, try d.daemon.services.kinds().kind("source-info"))
    }

    /// Rewrites `id`'s chain with `change` applied to each entry, relinked and rehashed the way
    /// someone without the key would (plain SHA-256), and moves the record's head to match.
    func rewrite(_ d: TestDaemon, _ kind: RecordTables, _ id: String, as scheme: HistoryEntry.Scheme,
                 _ change: (inout HistoryEntry) -> Void = { _ in }) throws {
        try d.daemon.directory.environment.write { txn in
            var prev: [UInt8] = []
            for var e in try kind.entries(txn, of: id) {
                change(&e)
                e.prev = prev
                e.scheme = scheme
                e.hash = Array(SHA256.hash(data: e.body()))
                try kind.history.put(txn, KeyPair(id, e.seq), e)
                prev = e.hash
            }
            let old = try #require(try kind.records.get(txn, id))
            var r = old
            r.historyHead = prev
            try kind.records.put(txn, id, r, replacing: old)
        }
    }

    @Test("the key is a 0600 file in the data directory; a chain recomputed from scratch, or two records' chains swapped, fail audit verify; db backup copies the key")
    func keyedChains() async throws {
        let (d, kind) = try await start()
        do {
            let keyFile = d.directory + "/data/history.key"
            #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
            #expect(try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .newlines).count == 64)
            let intact = try await d.admin("audit", "verify")
            #expect(intact.ok && intact.reply?.message?.contains("200 keyed (HMAC-SHA256), 0 legacy") == true, "\(intact.reply?.message ?? "")")

            // Recomputed from scratch: a note changed and every hash redone without the key.
            try rewrite(d, kind, Demo.student, as: .keyed) { $0.note = "改过" }
            let recomputed = try await d.admin("audit", "verify")
            #expect(!recomputed.ok && recomputed.error?.message.contains("source-info  \(Demo.student)  1  entry altered") == true)
            // Swapped: each record given the other's chain, entries and head both.
            let other = Demo.accountant
            try d.daemon.directory.environment.write { txn in
                let a = try kind.entries(txn, of: Demo.classmate), b = try kind.entries(txn, of: other)
                for e in a { try kind.history.put(txn, KeyPair(other, e.seq), e) }
                for e in b { try kind.history.put(txn, KeyPair(Demo.classmate, e.seq), e) }
                let ra = try #require(try kind.records.get(txn, Demo.classmate)), rb = try #require(try kind.records.get(txn, other))
                var na = ra, nb = rb
                (na.historyHead, nb.historyHead) = (rb.historyHead, ra.historyHead)
                try kind.records.put(txn, Demo.classmate, na, replacing: ra)
                try kind.records.put(txn, other, nb, replacing: rb)
            }
            let swapped = try await d.admin("audit", "verify", "source-info")
            let message = swapped.error?.message ?? ""
            #expect(message.contains("source-info  \(Demo.classmate)  1  entry altered") && message.contains("source-info  \(other)  1  entry altered"), "\(message)")

            let backup = d.directory + "/backup"
            #expect(try await d.admin("db", "backup", backup).ok)
            #expect(try Data(contentsOf: URL(fileURLWithPath: backup + "/history.key")) == Data(contentsOf: URL(fileURLWithPath: keyFile)))
            #expect(try FileManager.default.attributesOfItem(atPath: backup + "/history.key")[.posixPermissions] as? Int == 0o600)
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
    }

    @Test("chains written before the key are read, sealed when keying begins and named legacy; one downgraded afterwards fails")
    func legacyChains() async throws {
        let (d, kind) = try await start()
        do {
            // As a database from before the key: the record's chain unkeyed, the kind never sealed.
            try rewrite(d, kind, Demo.student, as: .legacy)
            try d.daemon.directory.environment.write { txn in
                try d.daemon.host.store.meta.delete(txn, HistorySeal.metaKey("source-info"))
            }
            #expect(try await d.admin("plugin", "reload").ok)   // a new set opens the kinds again: the seal is made
            let sealed = try await d.admin("audit", "verify", "--chains")
            #expect(sealed.ok, "\(sealed.error?.message ?? "")")
            #expect(sealed.reply?.message?.contains("199 keyed (HMAC-SHA256), 1 legacy (unkeyed SHA-256)") == true)
            #expect(sealed.reply?.rows?.contains(["source-info", Demo.student, "legacy"]) == true)

            // The engine carries on with keyed entries after the legacy ones.
            let counselor = try await d.login("counselor-se", Demo.password)
            let approved = try await d.request(.post, "/api/v1/records/source-info/\(Demo.student)/review", body: ["action": "approve"], token: counselor)
            #expect(approved.status == 200, "\(String(decoding: approved.body, as: UTF8.self))")
            let mixed = try await d.admin("audit", "verify", "--chains")
            #expect(mixed.ok && mixed.reply?.rows?.contains(["source-info", Demo.student, "legacy-then-keyed"]) == true)

            // A keyed chain rewritten as legacy after keying began has no seal that fits.
            try rewrite(d, kind, Demo.classmate, as: .legacy) { $0.note = "改过" }
            let downgraded = try await d.admin("audit", "verify")
            let refusal = downgraded.error?.message ?? ""
            #expect(refusal.split(separator: "\n").contains { $0.hasPrefix("source-info  \(Demo.classmate)  ") && $0.hasSuffix("unkeyed entries not sealed when the history key was made (rewritten since)") },
                    "\(downgraded.error?.message.debugDescription ?? "")")
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
    }

    @Test("a data directory whose key file went missing, or was replaced, is refused at start")
    func missingKey() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-key-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CoreStoreHandle.open(dir)?.close()
        let key = dir + "/history.key"
        let original = try Data(contentsOf: URL(fileURLWithPath: key))
        try FileManager.default.removeItem(atPath: key)
        #expect(throws: HistoryKey.Failure.self) { try CoreStore(dataDirectory: dir, settings: StorageSettings(), noSync: true) }
        try Data(String(repeating: "ab", count: 32).utf8).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        #expect(throws: HistoryKey.Failure.self) { try CoreStore(dataDirectory: dir, settings: StorageSettings(), noSync: true) }
        try original.write(to: URL(fileURLWithPath: key))
        chmod(key, 0o644)
        #expect(throws: HistoryKey.Failure.self) { try CoreStore(dataDirectory: dir, settings: StorageSettings(), noSync: true) }
        chmod(key, 0o600)
        try CoreStore(dataDirectory: dir, settings: StorageSettings(), noSync: true).close()
    }
}

/// A CoreStore opened and closed in one go.
enum CoreStoreHandle {
    static func open(_ dir: String) -> CoreStore? {
        try? CoreStore(dataDirectory: dir, settings: StorageSettings(), noSync: true)
    }
}
