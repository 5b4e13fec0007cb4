import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
import ZIPFoundation
@testable import Daemon

@Suite("Uploaded materials")
struct MaterialTests {
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46] + Array(repeating: 0x11, count: 3000))
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x22, count: 500))
    static let elf = Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01] + Array(repeating: 0, count: 500))

    func start(_ extra: String = "") async throws -> (TestDaemon, String) {
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}\n" + extra, seedDemo: true)
        #expect(try await d.admin("seed", "records", "source-info", "--count", "5").ok)
        return (d, try await d.login(Demo.student, Demo.studentPassword))
    }

    func blobs(_ d: TestDaemon) -> [String] {
        let root = d.directory + "/data/blobs"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") && $0.count > 3 }
    }

    @Test("an upload is stored by content, listed and downloaded within the record's scope")
    func uploadAndDownload() async throws {
        let (d, student) = try await start()
        let base = "/api/v1/records/source-info/\(Demo.student)/materials"
        let r = try await d.request(.post, base + "?name=offer%20letter.jpg", rawBody: Self.jpeg, token: student)
        #expect(r.status == 200)
        let sha = try #require(try r.json["sha256"]?.stringValue)
        #expect(try r.json["type"] == "image/jpeg" && r.json["name"] == "offer letter.jpg")
        #expect(try await d.request(.get, base, token: student).json["materials"]?.arrayValue?.count == 1)
        let download = try await d.request(.get, base + "/\(sha)", token: student)
        #expect(download.body == Self.jpeg && download.headers["content-type"] == "image/jpeg")
        let counselor = try await d.login("counselor-se", Demo.password)
        #expect(try await d.request(.get, base + "/\(sha)", token: counselor).body == Self.jpeg)
        let classmate = try await d.login(Demo.classmate, Demo.initialPassword(Demo.classmate))
        #expect(try await d.request(.get, base, token: classmate).status == 404)
        #expect(try await d.request(.get, base + "/\(sha)", token: classmate).status == 404)
        #expect(try await d.request(.post, base, rawBody: Self.png, token: classmate).status == 404)
        try await d.stop()
    }

    @Test("a renamed executable is refused by its bytes; a path as a name changes nothing on disk")
    func hostileFiles() async throws {
        let (d, student) = try await start()
        let base = "/api/v1/records/source-info/\(Demo.student)/materials"
        let exe = try await d.request(.post, base + "?name=photo.jpg", rawBody: Self.elf, token: student)
        #expect(exe.status == 415 && exe.errorCode == "unsupported_type")
        #expect(blobs(d).isEmpty)
        let traversal = try await d.request(.post, base + "?name=..%2F..%2Fetc%2Fpasswd", rawBody: Self.png, token: student)
        #expect(traversal.status == 200)
        #expect(try traversal.json["name"] == "passwd")
        let files = blobs(d)
        #expect(files.count == 1)
        #expect(files.allSatisfy { $0.split(separator: "/").last?.count == 64 })
        #expect(!FileManager.default.fileExists(atPath: d.directory + "/etc/passwd"))
        #expect(!FileManager.default.fileExists(atPath: d.directory + "/data/etc/passwd"))
        try await d.stop()
    }

    @Test("an oversize file is refused with the limit in the message")
    func oversize() async throws {
        let (d, student) = try await start("materials: {maxBytes: 2048}")
        let r = try await d.request(.post, "/api/v1/records/source-info/\(Demo.student)/materials", rawBody: Self.jpeg, token: student)
        #expect(r.status == 413 && r.errorCode == "file_too_large")
        #expect(try r.json["error"]?["message"]?.stringValue?.contains("2048") == true)
        try await d.stop()
    }

    @Test("materials export: one file as itself, several as one zip, within the scope")
    func archives() async throws {
        let (d, student) = try await start()
        let classmate = try await d.login(Demo.classmate, Demo.initialPassword(Demo.classmate))
        let a = "/api/v1/records/source-info/\(Demo.student)/materials"
        let b = "/api/v1/records/source-info/\(Demo.classmate)/materials"
        #expect(try await d.request(.post, a + "?name=offer.jpg", rawBody: Self.jpeg, token: student).status == 200)
        #expect(try await d.request(.post, a + "?name=contract.png", rawBody: Self.png, token: student).status == 200)
        #expect(try await d.request(.post, b + "?name=letter.png", rawBody: Self.png, token: classmate).status == 200)

        let single = try await d.request(.get, b + "/archive", token: classmate)
        #expect(single.body == Self.png && single.headers["content-type"] == "image/png")
        let zipped = try await d.request(.get, a + "/archive", token: student)
        #expect(zipped.headers["content-type"] == "application/zip")
        let archive = try Archive(data: zipped.body, accessMode: .read)
        #expect(Set(archive.map { $0.path.split(separator: "-").last.map(String.init) ?? "" }) == ["offer.jpg", "contract.png"])

        let counselor = try await d.login("counselor-se", Demo.password)
        let both = try await d.request(.post, "/api/v1/records/source-info/materials/export",
                                       body: ["ids": [.string(Demo.student), .string(Demo.classmate), .string(Demo.accountant)]], token: counselor)
        #expect(both.status == 200)
        let all = try Archive(data: both.body, accessMode: .read)
        let paths = all.map(\.path)
        #expect(paths.count == 3)
        #expect(Set(paths.map { String($0.split(separator: "/").first ?? "") }).count == 2)
        var extracted = Data()
        _ = try all.extract(all.first { $0.path.hasSuffix("offer.jpg") }!) { extracted.append($0) }
        #expect(extracted == Self.jpeg)
        try await d.stop()
    }
}
