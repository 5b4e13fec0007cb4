import Foundation
import Plugins
import PluginAPI
import Testing
@testable import Daemon

/// The core's route table is the one declaration of its routes; these check what the table itself
/// must hold (the router and the document are compared with it in `OpenAPICoverageTests`).
@Suite("Core route table")
struct CoreRouteTests {
    @Test("a handler that needs a caller has roles to check, and one that needs none is open")
    func handlersMatchRoles() {
        for route in CoreRoutes.all {
            #expect(route.handler.needsCaller == !route.roles.isEmpty, "\(route.method.rawValue) \(route.path)")
        }
    }

    @Test("no method and path is declared twice")
    func unique() {
        let keys = CoreRoutes.all.map { "\($0.method.rawValue) \($0.path)" }
        #expect(Set(keys).count == keys.count)
    }

    @Test("every first path segment of a core route is refused as a plugin id (employers too)")
    func corePathsCoverTable() throws {
        let segments = CoreRoutes.firstSegments
        #expect(segments.isSuperset(of: ["employers", "records", "auth", "openapi.json"]))
        for segment in segments.sorted() {
            do {
                _ = try PluginSet.load(text: "plugins:\n  \(segment): {}\n", file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all))
                Issue.record("\(segment) was accepted as a plugin id")
            } catch let e as ConfigErrors {
                #expect(e.errors.contains { $0.message.contains("is a core API path") }, "\(segment): \(e.errors)")
            }
        }
    }
}

@Suite("Error codes")
struct ErrorCodeTests {
    @Test("every code has a Chinese description, and the OpenAPI Error schema lists them all")
    func described() throws {
        for code in ErrorCode.allCases {
            #expect(ErrorCode.summaries[code]?.isEmpty == false, "\(code.rawValue) has no description")
        }
        #expect(ErrorCode.summaries.count == ErrorCode.allCases.count)
        let listed = try #require(OpenAPIDocument.errorSchema["properties"]?["error"]?["properties"]?["code"]?["x-codes"]?.objectValue)
        #expect(Set(listed.keys) == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test("the codes PluginAPI answers with by itself are in the list")
    func pluginAPICodes() {
        for error in [PluginError.badRequest(""), .notFound(), .conflict("")] {
            #expect(ErrorCode(rawValue: error.code) != nil, "\(error.code)")
        }
    }

    /// Every code string written in the core or PluginAPI (a `PluginError`, a field problem) is one
    /// of the list, so the document names every code the core can answer.
    @Test("no code string in Sources/Daemon or Sources/PluginAPI is missing from the list")
    func sourcesUseListedCodes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let pattern = try NSRegularExpression(pattern: #"(?:(?<![.\w])code: |fail\()"([a-z_]+)""#)
        var found = Set<String>()
        for folder in ["Sources/Daemon", "Sources/PluginAPI"] {
            let base = root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            for file in files {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    found.insert(String(text[Range(m.range(at: 1), in: text)!]))
                }
            }
        }
        #expect(found.count > 5)
        let unlisted = found.filter { ErrorCode(rawValue: $0) == nil }
        #expect(unlisted.isEmpty, "codes not in HTTP/ErrorCode.swift: \(unlisted.sorted())")
    }
}
