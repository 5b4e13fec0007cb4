import Foundation
@testable import Storage

/// A fresh directory under the system temp dir, removed by `cleanup`.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.path + "/jiuye-storage-" + UUID().uuidString.prefix(8)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func withEnvironment<R>(mapSize: Int = 16 << 20, _ body: (Environment, String) throws -> R) throws -> R {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = try Environment(path: dir + "/db", options: EnvironmentOptions(mapSize: mapSize, noSync: true))
    defer { env.close() }
    return try body(env, dir)
}

struct Boom: Error {}

/// Students indexed by college; `counted` adds a live counter per college.
func studentsByCollege(_ env: Environment, counted: Bool = false) throws -> IndexedTable<String, Student> {
    let primary = try Table<String, Student>(env, name: "rec/student")
    let byCollege = try SecondaryIndex<String, Student>(env, name: "idx/student/college") { $0.college }
    let counters = counted ? [try CounterIndex<Student>(env, name: "cnt/student") { [$0.college] }] : []
    return IndexedTable(primary: primary, indexes: [byCollege], counters: counters)
}

struct Student: JSONStorable, Equatable {
    var name: String
    var college: String
    var cohort: UInt16
}
