import Foundation
import Testing
@testable import Storage

@Suite("Environment")
struct EnvironmentTests {
    @Test("100 000 writes from a 1 MiB map grow the map and lose nothing")
    func mapGrowth() throws {
        try withEnvironment(mapSize: 1 << 20) { env, _ in
            let table = try Table<UInt64, Student>(env, name: "rec/student")
            #expect(env.mapSize == 1 << 20)
            // Batches of 1000 per transaction, plus one large transaction that fills the map
            // part-way and must be replayed whole after the resize.
            for batch in 0..<90 {
                try env.write { txn throws in
                    for i in 0..<1000 {
                        let id = UInt64(batch * 1000 + i)
                        try table.put(txn, id, Student(name: "学生\(id)", college: "学院\(id % 20)", cohort: 2026))
                    }
                }
            }
            try env.write { txn throws in
                for id in UInt64(90_000)..<100_000 {
                    try table.put(txn, id, Student(name: "学生\(id)", college: "学院\(id % 20)", cohort: 2026))
                }
            }
            #expect(env.mapSize > 1 << 20)
            try env.read { txn throws in
                #expect(try table.count(txn) == 100_000)
                for id in [UInt64(0), 12_345, 89_999, 90_000, 99_999] {
                    #expect(try table.get(txn, id)?.name == "学生\(id)")
                }
            }
        }
    }

    @Test("a hot backup opens and holds the same data")
    func backup() throws {
        try withEnvironment { env, dir in
            let table = try Table<String, String>(env, name: "t")
            try env.write { txn in for i in 0..<500 { try table.put(txn, "k\(i)", "v\(i)") } }
            let bytes = try env.backup(to: dir + "/backup")
            #expect(bytes > 0)
            #expect(throws: StorageError.backupTargetNotEmpty(path: dir + "/backup")) { try env.backup(to: dir + "/backup") }

            let copy = try Environment(path: dir + "/backup", options: EnvironmentOptions(mapSize: 16 << 20))
            defer { copy.close() }
            let copied = try Table<String, String>(copy, name: "t")
            try copy.read { txn throws in
                #expect(try copied.count(txn) == 500)
                #expect(try copied.get(txn, "k499") == "v499")
            }
        }
    }

    @Test("schema migrations run in order and a newer data file is refused")
    func schemaVersions() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let env = try Environment(path: dir + "/db")
            #expect(try env.migrateSchema(to: 1, migrations: []) == nil)
            #expect(try env.schemaVersion() == 1)
            let marks = try Table<String, String>(env, name: "marks")
            let step = SchemaMigration(from: 1) { txn in try marks.put(txn, "migrated", "1→2") }
            #expect(try env.migrateSchema(to: 2, migrations: [step]) == 1)
            #expect(try env.read { try marks.get($0, "migrated") } == "1→2")
            env.close()
        }
        let older = try Environment(path: dir + "/db")
        defer { older.close() }
        #expect(throws: StorageError.schemaTooNew(found: 2, supported: 1)) {
            try older.migrateSchema(to: 1, migrations: [])
        }
        #expect(throws: StorageError.missingMigration(from: 2)) {
            try older.migrateSchema(to: 3, migrations: [])
        }
        #expect("\(StorageError.schemaTooNew(found: 2, supported: 1))".contains("newer than this jiuyed supports"))
    }

    @Test("reader check and stats answer on a live environment")
    func stats() throws {
        try withEnvironment { env, _ in
            let table = try Table<String, String>(env, name: "t")
            try env.write { try table.put($0, "a", "b") }
            #expect(try env.readerCheck() == 0)
            let stats = env.stats()
            #expect(stats.mapSize == 16 << 20)
            #expect(stats.usedBytes > 0)
            #expect(try env.databaseNames().contains("t"))
        }
    }
}

@Suite("Environment misuse")
struct EnvironmentMisuseTests {
    @Test("opening a database inside a write transaction fails instead of deadlocking")
    func openInsideWrite() throws {
        try withEnvironment { env, _ in
            #expect(throws: StorageError.databaseOpenedInWrite("late")) {
                try env.write { _ in _ = try env.database("late") }
            }
            let late = try env.database("late")
            #expect(late.name == "late", "outside a transaction it opens")
        }
    }
}
