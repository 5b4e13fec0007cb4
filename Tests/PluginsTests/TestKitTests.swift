import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JiuyeTesting
import PluginAPI
import Plugins
import Testing

/// The test kit plugin authors use.
@Suite("The test kit")
struct TestKitTests {
    struct Failed: Error {}

    @Test("TestDaemon.with stops the daemon when the body returns and when it throws")
    func closureScoped() async throws {
        let config = "plugins: {source-info: {}}"
        let (port, directory) = try await TestDaemon.with(builtins: BuiltinPlugins.all, config: config) { d throws -> (Int, String) in
            #expect(try await d.request(.get, "/api/v1/health").status == 200)
            return (d.port, d.directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "its directory is removed")
        #expect(await Self.refused(port), "nothing listens any more")

        var seen: (Int, String)?
        await #expect(throws: Failed.self) {
            try await TestDaemon.with(builtins: BuiltinPlugins.all, config: config) { d throws -> Void in
                seen = (d.port, d.directory)
                throw Failed()
            }
        }
        let (thrownPort, thrownDirectory) = try #require(seen)
        #expect(!FileManager.default.fileExists(atPath: thrownDirectory))
        #expect(await Self.refused(thrownPort))
    }

    /// Whether a connection to the port on loopback is refused.
    static func refused(_ port: Int) async -> Bool {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/health")!)
        request.timeoutInterval = 2
        do {
            _ = try await URLSession.shared.data(for: request)
            return false
        } catch {
            return true
        }
    }
}
