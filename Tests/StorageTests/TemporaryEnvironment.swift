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

struct Student: JSONStorable, Equatable {
    var name: String
    var college: String
    var cohort: UInt16
}
