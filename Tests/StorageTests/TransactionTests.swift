import Foundation
import Testing
@testable import Storage

@Suite("Transactions")
struct TransactionTests {
    @Test("a write commits when its closure returns")
    func commit() throws {
        try withEnvironment { env, _ in
            let table = try Table<String, String>(env, name: "t")
            try env.write { try table.put($0, "2026001", "张三") }
            #expect(try env.read { try table.get($0, "2026001") } == "张三")
        }
    }

    @Test("a write that throws leaves nothing behind")
    func abort() throws {
        try withEnvironment { env, _ in
            let table = try Table<String, String>(env, name: "t")
            #expect(throws: Boom.self) {
                try env.write { txn throws in
                    try table.put(txn, "2026001", "张三")
                    throw Boom()
                }
            }
            #expect(try env.read { try table.get($0, "2026001") } == nil)
            #expect(try env.read { try table.count($0) } == 0)
        }
    }

    @Test("a reader keeps its snapshot while a writer commits")
    func snapshot() throws {
        try withEnvironment { env, _ in
            let table = try Table<String, String>(env, name: "t")
            try env.write { try table.put($0, "k", "old") }
            try env.read { reader throws in
                // A second thread commits while this snapshot is open: readers never block writers.
                let done = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    try! env.write { try table.put($0, "k", "new") }
                    done.signal()
                }
                done.wait()
                #expect(try table.get(reader, "k") == "old")
            }
            #expect(try env.read { try table.get($0, "k") } == "new")
        }
    }

    @Test("insert refuses an existing key")
    func insertRefusesDuplicates() throws {
        try withEnvironment { env, _ in
            let table = try Table<UInt64, String>(env, name: "t")
            #expect(try env.write { try table.insert($0, 1, "a") } == true)
            #expect(try env.write { try table.insert($0, 1, "b") } == false)
            #expect(try env.read { try table.get($0, 1) } == "a")
        }
    }

    @Test("codable values round-trip")
    func codable() throws {
        try withEnvironment { env, _ in
            let table = try Table<String, Student>(env, name: "students")
            let s = Student(name: "李四", college: "计算机学院", cohort: 2026)
            try env.write { try table.put($0, "2026002", s) }
            #expect(try env.read { try table.get($0, "2026002") } == s)
        }
    }
}
