import Testing
@testable import Storage

@Suite("Keys and scans")
struct ScanTests {
    typealias CohortCollegeID = KeyPair<UInt16, KeyPair<String, UInt64>>

    @Test("a prefix scan over a big-endian composite key walks one cohort, then one college, in order")
    func compositePrefix() throws {
        try withEnvironment { env, _ in
            let table = try Table<CohortCollegeID, String>(env, name: "by-cohort")
            try env.write { txn throws in
                for (cohort, college, id) in [(2026, "数学学院", 300), (2025, "数学学院", 1), (2026, "数学学院", 2),
                                              (2026, "数学", 7), (2026, "物理学院", 5), (2027, "数学学院", 4)] as [(UInt16, String, UInt64)] {
                    try table.put(txn, KeyPair(cohort, KeyPair(college, id)), "\(id)")
                }
            }
            try env.read { txn throws in
                var seen: [String] = []
                try table.scan(txn, prefix: KeyPrefix(UInt16(2026))) { _, v in seen.append(v); return true }
                // 数学 sorts before 数学学院 because the string part ends with a 0 byte.
                #expect(seen == ["7", "2", "300", "5"])
                seen = []
                try table.scan(txn, prefix: KeyPrefix(UInt16(2026), "数学学院")) { k, v in
                    #expect(k.first == 2026 && k.second.first == "数学学院")
                    seen.append(v)
                    return true
                }
                #expect(seen == ["2", "300"])
                seen = []
                try table.scan(txn, prefix: KeyPrefix(UInt16(2026), "数学学院"), reverse: true) { _, v in seen.append(v); return true }
                #expect(seen == ["300", "2"])
            }
        }
    }

    @Test("range scans are half-open and stop when asked")
    func ranges() throws {
        try withEnvironment { env, _ in
            let table = try Table<UInt64, UInt64>(env, name: "seq")
            try env.write { txn in for i in UInt64(1)...100 { try table.put(txn, i, i * i) } }
            try env.read { txn throws in
                var keys: [UInt64] = []
                try table.scan(txn, range: KeyRange(from: UInt64(10).keyBytes, to: UInt64(15).keyBytes)) { k, _ in keys.append(k); return true }
                #expect(keys == [10, 11, 12, 13, 14])
                keys = []
                try table.scan(txn, range: .all, reverse: true) { k, _ in keys.append(k); return keys.count < 3 }
                #expect(keys == [100, 99, 98])
                #expect(try table.lastKey(txn) == 100)
            }
        }
    }

    @Test("a term's ids are read in place from any cursor, both ways, and agree with the collected list")
    func duplicatesFromCursor() throws {
        try withEnvironment { env, _ in
            let db = try env.database("idx/dups", options: .duplicates)
            let ids = ["1", "10", "2", "20", "200", "3"].sorted()
            try env.write { txn in
                for id in ids { _ = try txn.put(db, "甲".keyBytes, id.keyBytes) }
                _ = try txn.put(db, "乙".keyBytes, "15".keyBytes)   // a neighbouring term is never read
            }
            try env.read { txn throws in
                func read(after: String?, reverse: Bool, stop: Int = .max) throws -> [String] {
                    var out: [String] = []
                    try txn.scanDuplicates(db, "甲".keyBytes, after: after?.keyBytes, reverse: reverse) { v in
                        out.append(try String(keyBytes: v))
                        return out.count < stop
                    }
                    return out
                }
                #expect(try read(after: nil, reverse: false) == ids)
                #expect(try read(after: nil, reverse: true) == ids.reversed())
                #expect(try read(after: nil, reverse: false, stop: 2) == ["1", "10"])
                // Cursors on a stored id, between two, before the first and past the last.
                for after in ids + ["0", "15", "25", "9"] {
                    #expect(try read(after: after, reverse: false) == ids.filter { $0 > after }, "after \(after)")
                    #expect(try read(after: after, reverse: true) == ids.filter { $0 < after }.reversed(), "before \(after)")
                }
                var none = 0
                try txn.scanDuplicates(db, "丙".keyBytes, after: "1".keyBytes, reverse: true) { _ in none += 1; return true }
                try txn.scanDuplicates(db, "丙".keyBytes) { _ in none += 1; return true }
                #expect(none == 0)
            }
        }
    }

    @Test("signed integers sort numerically")
    func signedOrder() {
        let values: [Int64] = [-5_000_000_000, -1, 0, 1, 42, Int64.max]
        let encoded = values.map(\.keyBytes)
        #expect(encoded == encoded.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
