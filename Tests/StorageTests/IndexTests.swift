import Testing
@testable import Storage

@Suite("Secondary indexes")
struct IndexTests {
    func studentTable(_ env: Environment) throws -> IndexedTable<String, Student> { try studentsByCollege(env) }

    @Test("an aborted write leaves no index entry")
    func abortedWriteLeavesNoIndexEntry() throws {
        try withEnvironment { env, _ in
            let students = try studentTable(env)
            #expect(throws: Boom.self) {
                try env.write { txn throws in
                    try students.put(txn, "2026001", Student(name: "张三", college: "计算机学院", cohort: 2026))
                    #expect(try students.indexes[0].keys(txn, matching: "计算机学院") == ["2026001"])
                    throw Boom()
                }
            }
            try env.read { txn throws in
                #expect(try students.indexes[0].keys(txn, matching: "计算机学院").isEmpty)
                #expect(try txn.count(students.indexes[0].database) == 0)
            }
        }
    }

    @Test("the index follows updates and deletes in the same transaction")
    func followsUpdates() throws {
        try withEnvironment { env, _ in
            let students = try studentTable(env)
            let index = students.indexes[0]
            try env.write { txn throws in
                try students.put(txn, "1", Student(name: "甲", college: "数学学院", cohort: 2026))
                try students.put(txn, "2", Student(name: "乙", college: "数学学院", cohort: 2026))
            }
            try env.write { try students.put($0, "1", Student(name: "甲", college: "物理学院", cohort: 2026)) }
            try env.read { txn throws in
                #expect(try index.keys(txn, matching: "数学学院") == ["2"])
                #expect(try index.keys(txn, matching: "物理学院") == ["1"])
                #expect(try index.count(txn, matching: "数学学院") == 1)
            }
            try env.write { txn throws in #expect(try students.delete(txn, "2")) }
            try env.read { txn throws in
                #expect(try index.keys(txn, matching: "数学学院").isEmpty)
                #expect(try txn.count(index.database) == 1)
            }
        }
    }
}
