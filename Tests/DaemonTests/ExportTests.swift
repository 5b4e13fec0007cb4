import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

@Suite("Exports")
struct ExportTests {
    /// Starts the demo with a 生源 record per student, one of them carrying a formula-like address.
    func start() async throws -> (TestDaemon, String) {
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}", seedDemo: true)
        #expect(try await d.admin("seed", "records", "source-info").ok)
        let school = try await d.login("school", Demo.password)
        let patch = try await d.request(.patch, "/api/v1/records/source-info/\(Demo.student)",
                                        body: ["values": ["homeAddress": "=HYPERLINK(\"http://x\",\"y\")"]], token: school)
        #expect(patch.status == 200)
        return (d, school)
    }

    func export(_ d: TestDaemon, _ token: String, _ body: JSONValue) async throws -> Data {
        let started = try await d.request(.post, "/api/v1/records/source-info/export", body: body, token: token)
        #expect(started.status == 202)
        let id = try #require(try started.json["id"]?.stringValue)
        for _ in 0..<200 {
            let job = try await d.request(.get, "/api/v1/jobs/\(id)", token: token).json
            if job["state"] == "done" { break }
            #expect(job["state"] != "failed", "\(job)")
            try await Task.sleep(for: .milliseconds(25))
        }
        let file = try await d.request(.get, "/api/v1/jobs/\(id)/download", token: token)
        #expect(file.status == 200)
        return file.body
    }

    @Test("a scoped caller's export job counts only the records they may see")
    func scopedTotal() async throws {
        let (d, _) = try await start()
        let counselor = try await d.login("counselor-se", Demo.password)
        func finished(_ body: JSONValue) async throws -> JSONValue {
            let id = try #require(try await d.request(.post, "/api/v1/records/source-info/export", body: body, token: counselor).json["id"]?.stringValue)
            var job: JSONValue = [:]
            for _ in 0..<200 {
                job = try await d.request(.get, "/api/v1/jobs/\(id)", token: counselor).json
                if job["state"] != "running" { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            return job
        }
        let all = try await finished(["format": "csv"])
        #expect(all["state"] == "done" && all["rows"] == 40)
        #expect(all["total"] == 40 && all["done"] == 40, "\(all)")
        // Chosen ids count only those in scope too: one of the counselor's, one of an accountant's.
        let chosen = try await finished(["format": "csv", "ids": [.string(Demo.student), .string(Demo.accountant)]])
        #expect(chosen["rows"] == 1 && chosen["total"] == 1, "\(chosen)")
        try await d.stop()
    }

    @Test("an export takes the list's filters: each level's status, any field, a saved view; a bad one is a 400 naming it")
    func listFilters() async throws {
        let (d, school) = try await start()
        #expect(try await d.admin("seed", "records", "source-info", "--count", "200", "--state", "pending:college").ok)
        let counselor = try await d.login("counselor-se", Demo.password)
        let approved = try TableReader.rows(from: try await export(d, counselor, ["format": "csv", "fields": ["name"],
                                                                                 "filters": ["level.counselor": "approved", "gender": "1"]]))
        let male = try await d.request(.get, "/api/v1/records/source-info?size=200&level.counselor=approved&gender=1", token: counselor)
        let listed = try male.json["records"]?.arrayValue?.count
        #expect(approved.count - 1 == listed && approved.count > 1, "the export is what the list shows")
        let unsubmitted = try TableReader.rows(from: try await export(d, school, ["format": "csv", "fields": ["name"], "filters": ["level.school": "unsubmitted"]]))
        #expect(unsubmitted.count == 1, "every record was submitted by the seed")
        let bad = try await d.request(.post, "/api/v1/records/source-info/export", body: ["format": "csv", "filters": ["colour": "red"]], token: school)
        try await d.stop()
        let field = try bad.json["error"]?["field"]
        #expect(bad.status == 400 && bad.errorCode == "unknown_filter" && field == "colour")
    }

    @Test("CSV: the national preset's columns in order, a BOM, every row in scope, formulas inert")
    func csv() async throws {
        let (d, school) = try await start()
        let data = try await export(d, school, ["format": "csv", "preset": "national"])
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let rows = try TableReader.rows(from: data)
        let kind = try d.daemon.services.kinds().kind("source-info")
        #expect(rows.first?.cells == ["学号", "姓名"] + kind.spec.nationalFields.map(\.label.zh))
        #expect(rows.count == 201)
        let mine = try #require(rows.first { $0.cells.first == Demo.student })
        let address = kind.spec.nationalFields.firstIndex { $0.key == "homeAddress" }! + 2
        #expect(mine.cells[address] == "'=HYPERLINK(\"http://x\",\"y\")")
        #expect(mine.cells[kind.spec.nationalFields.firstIndex { $0.key == "studentNumber" }! + 2] == Demo.student)

        let counselor = try await d.login("counselor-se", Demo.password)
        let scoped = try TableReader.rows(from: try await export(d, counselor, ["format": "csv", "fields": ["name", "className"]]))
        #expect(scoped.count == 41)
        #expect(scoped.dropFirst().allSatisfy { $0.cells[3].hasPrefix("软件") })
        let other = try await d.request(.get, "/api/v1/jobs/nosuch", token: counselor)
        #expect(other.status == 404)
        let badField = try await d.request(.post, "/api/v1/records/source-info/export", body: ["format": "csv", "fields": ["colour"]], token: school)
        #expect(badField.status == 400)
        try await d.stop()
    }

    @Test("XLSX: a real reader (openpyxl) finds the right rows and columns, and formula-like cells are text")
    func xlsx() async throws {
        let (d, school) = try await start()
        let data = try await export(d, school, ["format": "xlsx", "preset": "school", "cohort": 2026])
        let path = d.directory + "/export.xlsx"
        try data.write(to: URL(fileURLWithPath: path))
        let script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            rows = list(ws.iter_rows(values_only=True))
            cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and "HYPERLINK" in c.value]
            print(json.dumps({"rows": len(rows), "header": list(rows[0]), "formula": [c.value for c in cells], "types": [c.data_type for c in cells],
                              "first": list(rows[1])[:2]}, ensure_ascii=False))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let result = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openpyxl must be installed (scripts/deps does it)")
        let json = try JSONDecoder().decode(JSONValue.self, from: result)
        let kind = try d.daemon.services.kinds().kind("source-info")
        #expect(json["rows"] == 101)
        #expect(json["header"]?.arrayValue?.count == 2 + kind.spec.fields.count)
        #expect(json["header"]?.arrayValue?.first == "学号")
        #expect(json["formula"] == ["'=HYPERLINK(\"http://x\",\"y\")"])
        #expect(json["types"] == ["s"])
        #expect(json["first"]?.arrayValue?.first?.stringValue?.isEmpty == false)
        try await d.stop()
    }

    @Test("the flat JSON reader agrees with the general one")
    func flatJSON() throws {
        let v: JSONValue = ["a": "x\"y\\z\n", "b": 12, "c": true, "d": .null, "e": "汉字😀", "f": 2.5]
        let bytes = try v.jsonData()
        let parsed = try bytes.withUnsafeBytes { try FlatJSON.parse($0) }
        #expect(parsed["a"] == .string("x\"y\\z\n") && parsed["b"] == .number("12") && parsed["c"] == .bool(true))
        #expect(parsed["d"] == .null && parsed["e"] == .string("汉字😀") && parsed["f"] == .number("2.5"))
        let escaped = try Data(#"{"k":"\u6c49\ud83d\ude00"}"#.utf8).withUnsafeBytes { try FlatJSON.parse($0) }
        #expect(escaped["k"] == .string("汉😀"))
        // An export reads only its columns: the others are passed over unread, escapes and all,
        // and a key stored escaped is matched by its text.
        let stored = Data(#"{"skip":"a\"},{\\","b":12,"\u0063":"汉","x":true,"a":null}"#.utf8)
        let lookup = FieldProjection(["a", "b", "c"])
        var seen: [String: FlatJSON.Value] = [:]
        try stored.withUnsafeBytes { raw in
            try FlatJSON.visit(raw, want: { key, text in key.map { lookup.position(plain: $0) } ?? lookup.position(text()) }) { i, v in
                seen[lookup.keys[i]] = v
            }
        }
        #expect(seen == ["b": .number("12"), "c": .string("汉"), "a": .null])
    }
}
