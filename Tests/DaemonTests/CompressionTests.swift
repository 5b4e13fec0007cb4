import CompressNIO
import Foundation
import JiuyeTesting
import NIOCore
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// Big text answers travel gzipped when the client accepts it, and unzip to the very bytes the
/// identity answer carries.
@Suite("Compressed answers")
struct CompressionTests {
    static func gunzip(_ data: Data) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        var out = try buffer.decompress(with: .gzip)
        return Data(out.readBytes(length: out.readableBytes) ?? [])
    }

    @Test("a page of 200, a search of 2000 and the console's script go gzipped when accepted, at least 5× smaller; small answers and refusals of gzip go plain")
    func gzip() async throws {
        try await TestDaemon.with(.inProcess, builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}", seedDemo: true) { d in
            #expect(try await d.admin("seed", "records", "source-info", "--count", "200").ok)
            let school = try await d.login("school", Demo.password)
            let gzip = ["Accept-Encoding": "br;q=1, gzip;q=0.8"]
            let page = "/api/v1/records/source-info?size=200&labels=1"
            let plain = try await d.request(.get, page, token: school)
            let zipped = try await d.request(.get, page, token: school, headers: gzip)
            #expect(plain.headers["content-encoding"] == nil && zipped.headers["content-encoding"] == "gzip")
            #expect(zipped.headers["vary"]?.contains("Accept-Encoding") == true)
            #expect(try Self.gunzip(zipped.body) == plain.body)
            #expect(plain.body.count > 100_000 && zipped.body.count * 5 <= plain.body.count, "\(plain.body.count) → \(zipped.body.count)")

            let numbers = try JSONSerialization.jsonObject(with: plain.body) as? [String: Any]
            let students = (numbers?["records"] as? [[String: Any]] ?? []).compactMap { $0["student"] as? String }
            let search: JSONValue = ["query": .string(students.joined(separator: "\n"))]
            let found = try await d.request(.post, "/api/v1/records/source-info/search", body: search, token: school, headers: gzip)
            #expect(found.headers["content-encoding"] == "gzip")
            let records = try JSONSerialization.jsonObject(with: try Self.gunzip(found.body)) as? [String: Any]
            #expect((records?["records"] as? [Any])?.count == 200)

            // Refused, absent or unknown codings, and answers too small to gain, are left alone.
            for header in ["gzip;q=0", "br", "identity", "*, gzip;q=0", "gzip;q= 0", "GZIP; Q=0.000"] {
                let r = try await d.request(.get, page, token: school, headers: ["Accept-Encoding": header])
                #expect(r.headers["content-encoding"] == nil && r.body == plain.body, "\(header)")
            }
            let health = try await d.request(.get, "/api/v1/health", headers: gzip)
            #expect(health.status == 200 && health.headers["content-encoding"] == nil)

            // The console's files: gzipped with a weak tag that still revalidates.
            let script = try await d.request(.get, "/console/app.js", headers: gzip)
            let tag = try #require(script.headers["etag"])
            #expect(script.headers["content-encoding"] == "gzip" && tag.hasPrefix("W/\""))
            #expect(try Self.gunzip(script.body) == (try await d.request(.get, "/console/app.js")).body)
            let again = try await d.request(.get, "/console/app.js", headers: gzip.merging(["If-None-Match": tag]) { $1 })
            #expect(again.status == 304 && again.body.isEmpty && again.headers["etag"] == tag)
            // Each representation revalidates with its own tag, and caches key on Accept-Encoding.
            let plainScript = try await d.request(.get, "/console/app.js")
            let plainTag = try #require(plainScript.headers["etag"])
            #expect(!plainTag.hasPrefix("W/") && plainScript.headers["vary"] == "Accept-Encoding" && again.headers["vary"] == "Accept-Encoding")
            #expect(try await d.request(.get, "/console/app.js", headers: ["If-None-Match": tag]).status == 200)
            #expect(try await d.request(.get, "/console/app.js", headers: gzip.merging(["If-None-Match": plainTag]) { $1 }).status == 200)
            #expect(try await d.request(.get, "/console/app.js", headers: ["If-None-Match": plainTag]).status == 304)
            #expect(try await d.request(.get, "/console/app.js", headers: ["Accept-Encoding": "*"]).headers["content-encoding"] == "gzip")
        }
    }
}
