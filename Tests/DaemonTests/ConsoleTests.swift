import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// The console's files: served from the binary under a strict policy, never stale, within budget.
@Suite("Console assets")
struct ConsoleAssetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("console")

    @Test("the embedded files are the files under console/ as scripts/console-assets ships them (run it after a change)")
    func notStale() throws {
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: Self.root.path)
            .filter { !$0.hasPrefix("test/") && ConsoleAssets.contentType(of: $0) != nil }.sorted()
        #expect(ConsoleAssets.paths == onDisk, "run scripts/console-assets")
        // The files ship minified: the script itself says whether the embedded copy is what it
        // would write now.
        let check = Process()
        check.executableURL = Self.root.deletingLastPathComponent().appendingPathComponent("scripts/console-assets")
        check.arguments = ["--check"]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "run scripts/console-assets")
        // Minified, never rewritten: the served scripts keep the sources' tokens (the script
        // re-reads its own output), so they differ from the files only in spacing.
        let disk = ConsoleAssets(directory: Self.root), embedded = ConsoleAssets()
        for path in onDisk where path.hasSuffix(".js") {
            let shipped = try #require(embedded.asset(path)?.bytes.readableBytes), source = try #require(disk.asset(path)?.bytes.readableBytes)
            #expect(shipped > 0 && shipped < source, "\(path)")
        }
    }

    @Test("all the console's files together stay within 100 KB")
    func budget() {
        let total = ConsoleAssets.paths.compactMap { ConsoleAssets().asset($0)?.bytes.readableBytes }.reduce(0, +)
        #expect(total > 10_000 && total <= 100 * 1024, "\(total) bytes")
    }

    @Test("/ leads to the console; its files carry the policy, types and validators; nothing else is served")
    func serving() async throws {
        let d = try await Demo.start()
        let root = try await d.request(.get, "/")
        let bare = try await d.request(.get, "/console")
        let index = try await d.request(.get, "/console/")
        let app = try await d.request(.get, "/console/app.js")
        let revalidated = try await d.request(.get, "/console/app.js", headers: ["If-None-Match": app.headers["etag"] ?? ""])
        let refused = [try await d.request(.get, "/console/../Package.swift"), try await d.request(.get, "/console/.hidden"),
                       try await d.request(.get, "/console/test/pure.test.js"), try await d.request(.get, "/console/nothing.js")]
        try await d.stop()
        #expect(root.status == 200 && root.body == index.body && bare.body == index.body, "/, /console and /console/ are the console")
        #expect(index.status == 200 && index.headers["content-type"] == "text/html; charset=utf-8")
        #expect(String(decoding: index.body, as: UTF8.self).contains(#"<script type="module" src="/console/app.js">"#))
        #expect(app.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(revalidated.status == 304)
        for r in [index, app] {
            let csp = r.headers["content-security-policy"] ?? ""
            for part in ["script-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'"] {
                #expect(csp.contains(part), "\(csp)")
            }
            #expect(!csp.contains("unsafe-inline"))
            #expect(r.headers["x-frame-options"] == "DENY")
        }
        for r in refused { #expect(r.status == 404) }
    }

    @Test("the index page has no inline script or style: the policy would refuse them")
    func noInline() throws {
        let html = try String(contentsOf: Self.root.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style") && !html.contains(" on"))
        for path in ConsoleAssets.paths where path.hasSuffix(".js") {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!text.contains(sink), "\(path) uses \(sink)")
            }
        }
    }
}

/// The console's session: an HttpOnly cookie, and writes that must prove they come from our page.
@Suite("Console session cookie and CSRF")
struct SessionCookieTests {
    @Test("a cookie login hides the token, reads with the cookie, and writes only with the CSRF token from our own origin")
    func cookieSession() async throws {
        // In process: the test sets every header itself (Foundation's URLSession on Linux keeps a
        // cookie jar shared by every test in the process, whatever the request asks).
        let d = try await TestDaemon.start(.inProcess, builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}", seedDemo: true)
        let login = try await d.request(.post, "/api/v1/auth/login", body: ["username": "school", "password": .string(Demo.password), "cookie": true])
        let setCookie = login.headers["set-cookie"] ?? ""
        let session = try #require(setCookie.split(separator: ";").first.map(String.init))
        let csrf = try #require(try login.json["csrfToken"]?.stringValue)
        let cookie = ["Cookie": session]
        let me = try await d.request(.get, "/api/v1/auth/me", headers: cookie)
        let student = "/api/v1/students/\(Demo.student)/unlock"
        let noToken = try await d.request(.post, student, headers: cookie)
        let wrongToken = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": (csrf.first == "0" ? "1" : "0") + csrf.dropFirst()]) { $1 })
        let crossSite = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"]) { $1 })
        let foreignOrigin = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": csrf, "Origin": "http://evil.example"]) { $1 })
        let sameOrigin = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin"]) { $1 })
        let loginFromElsewhere = try await d.request(.post, "/api/v1/auth/login", body: ["username": "school", "password": .string(Demo.password), "cookie": true],
                                                     headers: ["Sec-Fetch-Site": "cross-site"])
        // Behind a proxy the browser's Origin is the public name: Sec-Fetch-Site decides, or X-Forwarded-Host.
        let proxied = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin",
                                                                                      "Origin": "https://jiuye.example.edu.cn"]) { $1 })
        let oldBrowser = try await d.request(.post, student, headers: cookie.merging(["X-CSRF-Token": csrf, "Origin": "https://jiuye.example.edu.cn",
                                                                                         "X-Forwarded-Host": "jiuye.example.edu.cn"]) { $1 })
        // A cookie of the same name set by a sibling subdomain, sent first, locks nobody out.
        let tossed = try await d.request(.get, "/api/v1/auth/me", headers: ["Cookie": "jiuye_session=deadbeef; " + session])
        let bearer = try await d.login("school", Demo.password)
        let bearerWrite = try await d.request(.post, student, token: bearer)
        let logout = try await d.request(.post, "/api/v1/auth/logout", headers: cookie.merging(["X-CSRF-Token": csrf]) { $1 })
        let afterLogout = try await d.request(.get, "/api/v1/auth/me", headers: cookie)
        try await d.stop()

        let loginBody = try login.json, meBody = try me.json
        #expect(login.status == 200 && loginBody["token"] == nil, "the page never sees the session token")
        #expect(setCookie.hasPrefix("jiuye_session=") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
        #expect(me.status == 200 && meBody["csrfToken"]?.stringValue == csrf, "a reload gets the CSRF token back")
        for r in [noToken, wrongToken, crossSite, foreignOrigin, loginFromElsewhere] {
            #expect(r.status == 403 && r.errorCode == "csrf_refused", "\(r.status) \(String(decoding: r.body, as: UTF8.self))")
        }
        #expect(sameOrigin.status == 204, "\(String(decoding: sameOrigin.body, as: UTF8.self))")
        #expect(proxied.status == 204 && oldBrowser.status == 204)
        #expect(tossed.status == 200)
        #expect(bearerWrite.status == 204, "bearer clients need no CSRF token")
        #expect(logout.status == 204 && logout.headers["set-cookie"]?.contains("jiuye_session=; Path=/; Max-Age=0") == true)
        #expect(afterLogout.status == 401)
    }
}

/// What the console's screens are drawn from, per role.
@Suite("Console schema")
struct ConsoleSchemaTests {
    static func kind(_ schema: JSONValue, _ id: String) throws -> JSONValue {
        try #require(schema["kinds"]?.arrayValue?.first { $0["id"]?.stringValue == id })
    }
    static func strings(_ v: JSONValue?) -> [String] { v?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The demo institution with 生源 and 就业 and the plugins in `extra` (entries under `plugins:`).
    static func start(_ extra: String) async throws -> TestDaemon {
        try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins:\n  source-info: {}\n  employment-info: {}\n" + extra, seedDemo: true)
    }

    @Test("each role gets its waiting states and batch actions; the placement page is for staff; cohorts in scope come with the org")
    func perRole() async throws {
        let d = try await Self.start("")
        let counselor = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("counselor-se", Demo.password)).json
        let school = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("school", Demo.password)).json
        let studentToken = try await d.login(Demo.student, Demo.studentPassword)
        let student = try await d.request(.get, "/api/v1/console/schema", token: studentToken).json
        let org = try await d.request(.get, "/api/v1/org", token: try await d.login("counselor-se", Demo.password)).json
        try await d.stop()

        let c = try Self.kind(counselor, "source-info"), s = try Self.kind(school, "source-info")
        #expect(Self.strings(c["waiting"]) == ["pending:counselor"])
        #expect(Self.strings(s["waiting"]) == ["pending:school"])
        #expect(c["batchActions"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["approve", "notify"])
        #expect(s["batchActions"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
                == ["approve", "modify", "change-cohort", "notify", "reset-password", "unbind-wechat", "unlock"])
        #expect(Self.strings(c["columns"]).prefix(2) == ["studentNumber", "name"])
        #expect(!Self.strings(c["editable"]).contains("idNumber"), "registry data is nobody's to edit")
        #expect(Self.strings(c["registry"]).contains("idNumber"))
        #expect(counselor["pages"]?.arrayValue?.first?["path"]?.stringValue == "/api/v1/employment-info/placement")
        #expect(student["pages"]?.arrayValue?.isEmpty == true)
        #expect(try Self.kind(student, "source-info")["batchActions"]?.arrayValue?.isEmpty == true)
        #expect(org["cohorts"]?.arrayValue?.compactMap(\.intValue) == [2027, 2026], "软件2201 is of 2026, 软件2301 of 2027, newest first: \(String(describing: org["cohorts"]))")
    }

    @Test("a kind's submission rules are in the schema, and the engine refuses what they refuse: 10 needs the employer, 70 nothing")
    func submissionRules() async throws {
        let d = try await Self.start("")
        let token = try await d.login(Demo.student, Demo.studentPassword)
        let schema = try await d.request(.get, "/api/v1/console/schema", token: token).json
        let base = "/api/v1/records/employment-info"
        let created = try await d.request(.post, base, body: ["student": .string(Demo.student), "values": ["destination": "10"]], token: token)
        let id = try created.json["id"]?.stringValue ?? ""
        let employed = try await d.request(.post, "\(base)/\(id)/submit", body: [:], token: token)
        _ = try await d.request(.patch, "\(base)/\(id)", body: ["values": ["destination": "70"]], token: token)
        let unemployed = try await d.request(.post, "\(base)/\(id)/submit", body: [:], token: token)
        try await d.stop()

        let rules = try Self.kind(schema, "employment-info")["rules"]?.arrayValue ?? []
        let employer = try #require(rules.first { Self.strings($0["in"]).contains("10") })
        #expect(employer["when"]?.stringValue == "destination")
        #expect(Self.strings(employer["require"]).contains("employerCreditCode") && employer["materials"]?.intValue == 0)
        #expect(rules.contains { Self.strings($0["in"]) == ["12", "76"] && $0["materials"]?.intValue == 1 }, "\(rules)")
        #expect(!rules.contains { Self.strings($0["in"]).contains { $0.hasPrefix("7") && $0 != "76" } }, "no rule asks anything of 70–72")
        #expect(try Self.kind(schema, "source-info")["rules"]?.arrayValue == [], "a kind without rules has an empty list")
        #expect(created.status == 200 || created.status == 201, "\(created.status)")
        let refused = try employed.json["error"]?["field"]?.stringValue ?? ""
        #expect(employed.status == 400 && Self.strings(employer["require"]).contains(refused),
                "the engine names a field the schema's rule requires: \(employed.status) \(String(decoding: employed.body, as: UTF8.self))")
        #expect(unemployed.status == 200, "70 needs nothing more: \(String(decoding: unemployed.body, as: UTF8.self))")
    }

    @Test("a kind declared only in plugins.yaml gets its list layout and views from the file")
    func yamlKind() async throws {
        let yaml = InternshipConfig.yaml(kind: """
            fields:
              - {key: company, label: 实习单位, type: text, required: true, indexed: true}
              - {key: city, label: 实习城市, type: text, indexed: true}
              - {key: mentor, label: 指导老师, type: text, editableBy: staff}
            review: {stages: [counselor, school]}
            list: {columns: [company, mentor], filters: [city]}
            views: [{id: waiting, label: 待我审核, filters: {state: "pending:counselor"}}]
            """)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: yaml, seedDemo: true)
        let schema = try await d.request(.get, "/api/v1/console/schema", token: try await d.login("counselor-se", Demo.password)).json
        let view = try await d.request(.get, "/api/v1/records/internship?view=waiting", token: try await d.login("counselor-se", Demo.password))
        try await d.stop()
        let k = try Self.kind(schema, "internship")
        #expect(Self.strings(k["columns"]) == ["company", "mentor"])
        #expect(Self.strings(k["filters"]) == ["city"])
        #expect(k["views"]?.arrayValue?.first?["label"]?.stringValue == "待我审核")
        #expect(Self.strings(k["waiting"]) == ["pending:counselor"])
        #expect(view.status == 200)
    }

    @Test("views name the review levels plugins.yaml configures, and states and statuses that exist")
    func viewsFollowStages() throws {
        func load(_ kinds: String) throws -> PluginSet {
            try PluginSet.load(text: "plugins:\n  source-info:\n    kinds:\n      source-info:\n" + kinds, file: "plugins.yaml",
                               catalog: PluginCatalog(BuiltinPlugins.all))
        }
        _ = try load("        review: {stages: [college, school]}\n        views: [{id: a, label: A, filters: {level.college: pending}}]\n")
        for (views, named) in [("[{id: a, label: A, filters: {level.counselor: pending}}]", "level.counselor"),
                               ("[{id: a, label: A, filters: {state: \"pending:colege\"}}]", "pending:colege"),
                               ("[{id: a, label: A, filters: {level.college: waiting}}]", "unsubmitted, pending")] {
            let error = #expect(throws: (any Error).self) { try load("        review: {stages: [college, school]}\n        views: \(views)\n") }
            #expect(String(describing: error).contains(named), "\(String(describing: error))")
        }
    }

    @Test("a list column or view filter that names nothing is refused with its line")
    func badLayout() throws {
        let yaml = """
        plugins:
          source-info:
            kinds:
              source-info:
                list: {columns: [name, nosuchfield]}
                views: [{id: x, label: X, filters: {colour: red}}]
        """
        let error = #expect(throws: (any Error).self) { try PluginSet.load(text: yaml, file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all)) }
        let text = String(describing: error)
        #expect(text.contains("nosuchfield") && text.contains("plugins.yaml:5:"), "\(text)")
        #expect(text.contains("colour"), "\(text)")
    }
}
