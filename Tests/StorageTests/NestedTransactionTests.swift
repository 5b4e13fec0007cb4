import Testing
@testable import Storage

@Suite("Nested transactions")
struct NestedTransactionTests {
    func students(_ env: Environment) throws -> IndexedTable<String, Student> { try studentsByCollege(env, counted: true) }

    @Test("a nested write that throws is undone with its index entries and counts; the outer one goes on and commits")
    func undoOne() throws {
        try withEnvironment { env, _ in
            let table = try students(env)
            let counter = table.counters[0].table
            try env.write { txn throws in
                try txn.nested { try table.put($0, "1", Student(name: "甲", college: "数学学院", cohort: 2026)) }
                #expect(throws: Boom.self) {
                    try txn.nested { child throws in
                        try table.put(child, "2", Student(name: "乙", college: "数学学院", cohort: 2026))
                        throw Boom()
                    }
                }
                try txn.nested { try table.put($0, "3", Student(name: "丙", college: "物理学院", cohort: 2026)) }
            }
            try env.read { txn throws in
                #expect(try table.get(txn, "1") != nil && table.get(txn, "2") == nil && table.get(txn, "3") != nil)
                #expect(try table.indexes[0].keys(txn, matching: "数学学院") == ["1"])
                #expect(try counter.get(txn, RawKey("数学学院".keyBytes)) == 1)
                #expect(try counter.get(txn, RawKey("物理学院".keyBytes)) == 1)
            }
        }
    }

    @Test("what nested writes joined is undone with the outer transaction")
    func outerAbort() throws {
        try withEnvironment { env, _ in
            let table = try students(env)
            #expect(throws: Boom.self) {
                try env.write { txn throws in
                    try txn.nested { try table.put($0, "1", Student(name: "甲", college: "数学学院", cohort: 2026)) }
                    throw Boom()
                }
            }
            #expect(try env.read { try table.primary.count($0) } == 0)
            #expect(try env.read { try $0.count(table.counters[0].table.database) } == 0)
        }
    }

    @Test("a full map inside nested writes whose errors the caller swallowed still grows the map and replays the whole write")
    func swallowedMapFull() throws {
        try withEnvironment(mapSize: 1 << 20) { env, _ in
            let table = try Table<UInt64, Student>(env, name: "rec/student")
            var runs = 0, swallowed = 0
            try env.write { txn throws in
                runs += 1
                for id in UInt64(0)..<20_000 {
                    // Each item in its own child, its failure reported and passed over, as a batch does.
                    do {
                        try txn.nested { try table.put($0, id, Student(name: "学生\(id)", college: "学院", cohort: 2026)) }
                    } catch {
                        swallowed += 1
                    }
                }
            }
            #expect(runs > 1 && swallowed > 0, "the map filled and the write ran again")
            #expect(env.mapSize > 1 << 20)
            #expect(try env.read { try table.count($0) } == 20_000, "nothing lost: the replay wrote every item")
        }
    }
}
