import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// The example of docs/plugins.md ("Statistics with a drill-down, record panels and modules"): a
/// plugin contributing one page of each sort, as the built-in ones do.
struct PageProbePlugin: Plugin {
    static let id: PluginID = "page-probe"
    static let version: PluginVersion = "1.0.0"
    static let label = LocalizedText("页面探针", en: "page probe")
    /// The escape hatch's module: it draws with the API object it is given, text only.
    static let module = "export default function draw(api) { api.container.append(api.h('p#hatch', '模块绘制的页面')); }\n"

    init(configuration: EmptyConfiguration) {}

    func register(into context: RegistrationContext) throws {
        context.recordKind(RecordKindSpec(id: "page-probe", label: "探针记录",
                                          fields: [FieldSpec("note", "备注", .text(maxLength: 40))], process: .none, cardinality: .many))
        // A figure per unit and 学历, and the people behind a figure.
        context.route(RouteSpec(method: .get, path: "counts", roles: Role.staff, summary: "计数", input: nil, output: .any) { _ in
            RouteResponse(status: 200, body: ["rows": [["unit": 7, "name": "计算机学院", "level": "31", "people": 2]]])
        })
        context.route(RouteSpec(method: .get, path: "counts/people", roles: Role.staff, summary: "计数明细", input: nil, output: .any) { request in
            let asked = ["unit", "level", "figure"].map { request.query[$0] ?? "" }.joined(separator: "/")
            return RouteResponse(status: 200, body: ["people": [["who": .string(asked)]], "next": .null])
        })
        context.route(RouteSpec(method: .get, path: ":id/facts", roles: Role.staff, summary: "记录旁注", input: nil, output: .any) { request in
            RouteResponse(status: 200, body: ["id": .string(request.parameters["id"] ?? ""), "history": []])
        })
        context.consolePage(ConsolePage(
            id: "counts", label: LocalizedText("人数统计"), roles: Role.staff, route: "counts",
            columns: [.init("name", LocalizedText("单位")), .init("level", LocalizedText("学历"), table: "education-level"),
                      .init("people", LocalizedText("人数"), drill: ["figure": "people"])],
            parameters: [.cohort, .group],
            drillDown: .init(route: "counts/people", rows: "people", columns: [.init("who", LocalizedText("学生"))],
                             from: ["unit": "unit", "level": "level"], next: "next")))
        context.consolePage(ConsolePage(id: "hatch", label: LocalizedText("模块页"), roles: [.school], module: ConsoleModule(source: Self.module)))
        context.consolePage(ConsolePage(record: "page-probe", id: "facts", label: LocalizedText("旁注"), roles: Role.staff, route: ":id/facts",
                                        columns: [.init("id", LocalizedText("编号")), .init("history", LocalizedText("记录"), format: .history)]))
    }
}

@Suite("Console pages from plugins")
struct ConsolePageTests {
    static let config = "plugins: {source-info: {}, page-probe: {}}"

    /// The `i`th element of an array value, or nil.
    static func item(_ v: JSONValue?, _ i: Int) -> JSONValue? { v?.arrayValue.flatMap { $0.indices.contains(i) ? $0[i] : nil } }

    static func text(_ v: JSONValue?) -> String { v?.stringValue ?? v?.intValue.map(String.init) ?? "" }

    @Test("a statistics page declares its code labels and drill-down; following the schema reaches the rows behind a figure")
    func drillDown() async throws {
        try await TestDaemon.with(.inProcess, plugins: [PageProbePlugin.self], config: Self.config, seedDemo: true) { d in
            let school = try await d.login("school", Demo.password)
            let schema = try await d.request(.get, "/api/v1/console/schema", token: school).json
            let page = try #require(schema["pages"]?.arrayValue?.first { $0["id"] == "counts" })
            #expect(Self.item(page["columns"], 1)?["table"] == "education-level")
            #expect(Self.item(page["columns"], 2)?["drill"]?["figure"] == "people" && Self.item(page["columns"], 0)?["drill"] == nil)
            let drill = try #require(page["drillDown"])
            #expect(drill["path"] == "/api/v1/page-probe/counts/people" && drill["rows"] == "people" && drill["next"] == "next")
            // What the console does: the row's values at `from`, the column's own parameters.
            let rows = try await d.request(.get, try #require(page["path"]?.stringValue), token: school).json["rows"]
            let row = try #require(Self.item(rows, 0))
            var query = (drill["from"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.text(row[$0.value.stringValue ?? ""]))" }
            query.append("figure=people")
            let people = try await d.request(.get, "\(drill["path"]!.stringValue!)?\(query.joined(separator: "&"))", token: school).json
            #expect(Self.item(people["people"], 0)?["who"] == "7/31/people")
        }
    }

    @Test("a record panel goes with its kind, not the menu; a module page only to its roles")
    func panelsAndModules() async throws {
        try await TestDaemon.with(.inProcess, plugins: [PageProbePlugin.self], config: Self.config, seedDemo: true) { d in
            let school = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("school", Demo.password)).json
            let counselor = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("counselor-se", Demo.password)).json
            let pages = school["pages"]?.arrayValue ?? []
            #expect(!pages.contains { $0["id"] == "facts" })
            let kind = try #require(school["kinds"]?.arrayValue?.first { $0["id"] == "page-probe" })
            let panel = try #require(Self.item(kind["panels"], 0))
            #expect(panel["id"] == "facts" && panel["path"] == "/api/v1/page-probe/:id/facts" && Self.item(panel["columns"], 1)?["format"] == "history")
            #expect(pages.first { $0["id"] == "hatch" }?["module"] == "/console/plugins/page-probe/hatch.js")
            #expect(counselor["pages"]?.arrayValue?.contains { $0["id"] == "hatch" } == false)
            #expect(counselor["pages"]?.arrayValue?.contains { $0["id"] == "counts" } == true)
        }
    }

    @Test("a plugin's module is served under /console/ as JavaScript with the console's policy; nothing else is")
    func moduleServed() async throws {
        try await TestDaemon.with(.inProcess, plugins: [PageProbePlugin.self], config: Self.config) { d in
            let module = try await d.request(.get, "/console/plugins/page-probe/hatch.js")
            #expect(module.status == 200 && String(decoding: module.body, as: UTF8.self) == PageProbePlugin.module)
            #expect(module.headers["content-type"] == "text/javascript; charset=utf-8")
            let csp = module.headers["content-security-policy"] ?? ""
            for part in ["script-src 'self'", "require-trusted-types-for 'script'", "trusted-types 'none'"] { #expect(csp.contains(part), "\(csp)") }
            #expect(!csp.contains("unsafe") && module.headers["x-content-type-options"] == "nosniff")
            let again = try await d.request(.get, "/console/plugins/page-probe/hatch.js", headers: ["If-None-Match": module.headers["etag"] ?? ""])
            #expect(again.status == 304)
            for path in ["/console/plugins/page-probe/counts.js", "/console/plugins/page-probe/hatch", "/console/plugins/nobody/hatch.js"] {
                #expect(try await d.request(.get, path).status == 404, "\(path)")
            }
            // The console's own files are still there beside the plugins' folder.
            #expect(try await d.request(.get, "/console/app.js").status == 200)
        }
    }

    @Test("the built-in plugins contribute only by declaration: 简历统计 and its drill-down, the students' pages, 解约's panel and 导出材料")
    func builtins() async throws {
        try await TestDaemon.with(.inProcess, config: "plugins: {source-info: {}, agreements: {}, termination: {}, resume-library: {}}", seedDemo: true) { d in
            let school = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("school", Demo.password)).json
            let student = try await d.request(.get, "/api/v1/console/schema", token: try await d.login(Demo.student, Demo.studentPassword)).json
            let stats = try #require(school["pages"]?.arrayValue?.first { $0["plugin"] == "resume-library" && $0["id"] == "stats" })
            #expect(stats["drillDown"]?["path"] == "/api/v1/resume-library/stats/students")
            #expect(stats["columns"]?.arrayValue?.contains { $0["table"] == "education-level" } == true)
            let kinds = school["kinds"]?.arrayValue ?? []
            let resume = try #require(kinds.first { $0["id"] == "resume" })
            #expect([JSONValue.int(70), .double(70)].contains(resume["staffVisibility"]?["atLeast"]) && resume["deletable"] == true)
            let termination = try #require(kinds.first { $0["id"] == "termination" })
            #expect(Self.item(termination["panels"], 0)?["path"] == "/api/v1/termination/:id/detail")
            #expect(termination["batchActions"]?.arrayValue?.contains { $0["download"] == "records/termination/materials/export" } == true)
            let modules = Set((student["pages"]?.arrayValue ?? []).compactMap { $0["module"]?.stringValue })
            #expect(modules == ["/console/plugins/termination/apply.js", "/console/plugins/resume-library/mine.js"])
            for path in modules { #expect(try await d.request(.get, path).status == 200) }
            #expect(school["pages"]?.arrayValue?.contains { $0["module"] != nil && $0["module"] != .null } == false)
        }
    }
}

/// Pages that would fail only in the browser: loading refuses each with what is wrong.
struct BrokenPagesPlugin: Plugin {
    static let id: PluginID = "broken-pages"
    static let version: PluginVersion = "1.0.0"
    static let label = LocalizedText("坏页面")

    init(configuration: EmptyConfiguration) {}

    func register(into context: RegistrationContext) throws {
        context.route(RouteSpec(method: .get, path: "rows", roles: Role.staff, summary: "行", input: nil, output: .any) { _ in .init(body: [:]) })
        context.consolePage(ConsolePage(id: "a", label: "甲", roles: Role.staff, route: "nowhere",
                                        columns: [.init("level", "学历", table: "no-such-table")],
                                        drillDown: .init(route: "rows/missing", columns: [], from: [:])))
        context.consolePage(ConsolePage(id: "a", label: "重复", roles: Role.staff, route: "rows", columns: [.init("x", "X", record: "no-kind")]))
        context.consolePage(ConsolePage(record: "no-kind", id: "panel", label: "旁注", roles: Role.staff, route: "rows", columns: []))
    }
}

@Suite("Console pages refused at load")
struct ConsolePageRefusalTests {
    @Test("a page on a route the plugin lacks, an unknown table, kind or drill route, a panel without :id, a repeated id")
    func refused() throws {
        let catalog = PluginCatalog(BuiltinPlugins.all + [BrokenPagesPlugin.self])
        var messages: [String] = []
        do {
            _ = try PluginSet.load(text: "plugins: {source-info: {}, broken-pages: {}}", file: "plugins.yaml", catalog: catalog)
        } catch let e as ConfigErrors {
            messages = e.errors.map(\.message)
        }
        for expected in ["no GET route \"nowhere\"", "unknown code table \"no-such-table\"", "no GET route \"rows/missing\" for its drill-down",
                         "console page \"a\" is declared twice", "links to unknown kind \"no-kind\"", "no record kind \"no-kind\"",
                         "a record panel's route needs an :id parameter"] {
            #expect(messages.contains { $0.contains(expected) }, "\(expected) not in \(messages)")
        }
        // The built-in plugins' pages pass the same checks.
        _ = try PluginSet.load(text: "plugins: {source-info: {}, employment-info: {}, agreements: {}, termination: {}, resume-library: {}}",
                               file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all))
    }
}
