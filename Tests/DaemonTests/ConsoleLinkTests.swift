import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// docs/plugins.md "Links and buttons on a kind's screens": the example's plugin, registered as the
/// document shows it — a print page on a record and an import above the list.
struct PermitPlugin: Plugin {
    static let id: PluginID = "permit"
    static let version: PluginVersion = "1.0.0"
    static let label = LocalizedText("离校许可", en: "leave permits")
    static let dependencies: [PluginID] = ["source-info"]
    let configuration: EmptyConfiguration
    init(configuration: EmptyConfiguration) { self.configuration = configuration }

    func register(into context: RegistrationContext) throws {
        context.codeTable(CodeTable(id: "permit-kind", label: LocalizedText("类型"), entries: [CodeEntry("paper", "纸质"), CodeEntry("online", "网上")]))
        context.recordKind(RecordKindSpec(
            id: "permit", label: Self.label,
            fields: [FieldSpec("kind", LocalizedText("类型"), .code(table: "permit-kind"), editableBy: .staff)],
            process: .review(ReviewPipeline(stages: [ReviewStage(.school)])), cardinality: .many))
        context.route(RouteSpec(method: .get, path: ":id/print", roles: Role.staff, summary: LocalizedText("打印许可"),
                                input: nil, output: .described(.text, "text/html")) { request in
            let page = "<!doctype html><html lang=\"zh-CN\"><head><title>许可</title><style>h1 { text-align: center; }</style></head>"
                + "<body><h1>离校许可 \(request.parameters["id"] ?? "")</h1></body></html>"
            return RouteResponse(contentType: "text/html; charset=utf-8", bytes: Data(page.utf8))
        })
        context.route(RouteSpec(method: .post, path: "import", roles: [.school], summary: LocalizedText("导入许可"),
                                input: nil, output: .object([("message", .text)])) { request in
            RouteResponse(status: 200, body: ["message": .string("收到 \(request.body.count) 字节"), "problems": ["第 2 行：示例"]])
        })
        // The links and buttons, as docs/plugins.md shows them.
        context.consoleLink(.page("print", kind: "permit", label: LocalizedText("打印许可", en: "print"), route: ":id/print",
                                  roles: Role.staff, states: ["approved"], conditions: [FieldCondition("kind", in: ["paper"])]))
        context.consoleLink(.button("import", kind: "permit", label: LocalizedText("导入许可", en: "import"), route: "import",
                                    input: .file, placement: .list, roles: [.school]))
    }
}

/// A plugin whose link names a route it never declared.
struct BrokenLinkPlugin: Plugin {
    static let id: PluginID = "broken-link"
    static let version: PluginVersion = "1.0.0"
    static let label = LocalizedText("坏链接", en: "broken link")
    let configuration: EmptyConfiguration
    init(configuration: EmptyConfiguration) { self.configuration = configuration }

    func register(into context: RegistrationContext) throws {
        context.recordKind(RecordKindSpec(id: "broken", label: Self.label, fields: [FieldSpec("note", LocalizedText("备注"), .text(maxLength: 20))],
                                          process: .none))
        context.consoleLink(.page("print", kind: "broken", label: LocalizedText("打印"), route: ":id/print", roles: Role.staff))
    }
}

@Suite("Console links and buttons plugins add")
struct ConsoleLinkTests {
    static let config = "plugins:\n  source-info: {}\n  permit: {}\n"

    @Test("a probe plugin's link and button are in the schema of the roles they are for, with their paths, states, conditions and input")
    func schema() async throws {
        try await TestDaemon.with(.inProcess, plugins: [PermitPlugin.self], config: Self.config, seedDemo: true) { d in
            let school = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("school", Demo.password)).json
            let counselor = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("counselor-se", Demo.password)).json
            let links = try ConsoleSchemaTests.kind(school, "permit")["links"]?.arrayValue ?? []
            #expect(links.count == 2)
            let print = try #require(links.first { $0["id"] == "print" })
            #expect(print["method"] == "GET" && print["path"] == "/api/v1/permit/:id/print" && print["placement"] == "record")
            #expect(print["states"] == ["approved"] && print["conditions"] == [["codes": ["paper"], "field": "kind"]])
            let upload = try #require(links.first { $0["id"] == "import" })
            #expect(upload["method"] == "POST" && upload["input"] == "file" && upload["placement"] == "list" && upload["label"] == "导入许可")
            let theirs = try ConsoleSchemaTests.kind(counselor, "permit")["links"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(theirs == ["print"], "the import is the school's only")
        }
    }

    @Test("a link naming a route the plugin did not declare stops the plugin set from loading, with the reason")
    func undeclaredRoute() throws {
        let text = "plugins:\n  broken-link: {}\n"
        #expect(throws: (any Error).self) {
            _ = try PluginSet.load(text: text, file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all + [BrokenLinkPlugin.self]))
        }
        do {
            _ = try PluginSet.load(text: text, file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all + [BrokenLinkPlugin.self]))
        } catch {
            #expect("\(error)".contains("names no GET route \":id/print\""), "\(error)")
        }
    }

    @Test("a plugin's HTML page is styled by its own <style> only: the policy allows that text's hash, no 'unsafe-inline', and stays sandboxed")
    func pagePolicy() async throws {
        try await TestDaemon.with(.inProcess, plugins: [PermitPlugin.self], config: Self.config, seedDemo: true) { d in
            let page = try await d.request(.get, "/api/v1/permit/x1/print", token: try await d.login("school", Demo.password))
            let policy = page.headers["content-security-policy"] ?? ""
            #expect(page.status == 200)
            #expect(policy.contains("style-src 'sha256-IqnU3IysOfz0IUXxC7RDZACr0f/orEOVJSby0yPsfdc='"), "\(policy)")
            #expect(!policy.contains("unsafe-inline") && policy.contains("default-src 'none'") && policy.contains("sandbox"))
            #expect(!policy.contains("script-src"))
        }
        #expect(PluginPagePolicy.styles(in: "<style>a{}</style><p><style>b{}</style>") == ["a{}", "b{}"])
        #expect(!PluginPagePolicy.policy(html: Data("<p>no style</p>".utf8)).contains("style-src"))
    }
}
