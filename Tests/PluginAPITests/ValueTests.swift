import Foundation
import Testing
@testable import PluginAPI

@Suite("Values, ids and tables")
struct ValueTests {
    @Test("JSON keeps the order objects were built in and escapes what it must")
    func jsonSerialization() throws {
        let v: JSONValue = ["z": 1, "a": ["姓名": "张\"三\n"], "m": [true, .null, 2.5, 3.0]]
        #expect(v.jsonString() == #"{"z":1,"a":{"姓名":"张\"三\n"},"m":[true,null,2.5,3]}"#)
        let back = try JSONDecoder().decode(JSONValue.self, from: try v.jsonData())
        #expect(back["a"]?["姓名"]?.stringValue == "张\"三\n")
        #expect(back["m"]?.arrayValue?.count == 4)
    }

    @Test("plugin ids are lowercase words joined by single hyphens", arguments: [
        ("source-info", true), ("resume-library", true), ("a1-b2", true),
        ("Source-Info", false), ("-x", false), ("x-", false), ("a--b", false), ("", false), ("1abc", false), ("生源", false),
    ])
    func pluginIDs(text: String, valid: Bool) {
        #expect(PluginID.isValid(text) == valid)
    }

    @Test("versions compare numerically")
    func versions() {
        #expect(PluginVersion("1.10.0") > PluginVersion("1.9.3"))
        #expect(PluginVersion("2") == PluginVersion(2, 0, 0))
        #expect(PluginVersion("0.1.0").description == "0.1.0")
    }

    @Test("the built-in code tables hold DOMAIN.md's codes")
    func builtinTables() throws {
        let ethnicity = try #require(CodeTable.builtin["ethnicity"])
        #expect(ethnicity.entries.count == 58)
        #expect(ethnicity.entry("01")?.name == "汉族")
        #expect(ethnicity.entry("56")?.name == "基诺族")
        #expect(ethnicity.entry("98")?.name == "外国血统中国籍人士")
        let destination = try #require(CodeTable.builtin["destination"])
        #expect(destination.children(of: "50").map(\.code) == ["501", "502", "503"])
        #expect(destination.entry("85")?.name == "境外留学")
        #expect(CodeTable.builtin["political-status"]?.entry("13")?.name == "群众")
        #expect(CodeTable.builtin["industry"]?.entries.count == 21)
        #expect(CodeTable.builtin["job-category"]?.entry("24")?.name == "教学人员")
    }

    @Test("admin arguments split into positionals, options and flags")
    func adminParsing() throws {
        let spec = AdminCommandSpec(words: ["stats", "placement"], summary: "", changesState: false, valueOptions: ["cohort"]) { _ in AdminReply() }
        let parsed = try #require(spec.parse(["--cohort", "2026", "--json-lines", "--college=计算机学院", "FILE", "--", "--literal"]))
        #expect(parsed.arguments == ["FILE", "--literal"])
        #expect(parsed.options == ["cohort": "2026", "college": "计算机学院"])
        #expect(parsed.flags == ["json-lines"])
        #expect(spec.parse(["--cohort"]) == nil)
    }

    @Test("a record kind lists its national fields in national order")
    func nationalOrder() {
        let kind = RecordKindSpec(id: "k", label: "K", fields: [
            FieldSpec("b", "乙", .text(), national: 2),
            FieldSpec("x", "无", .text()),
            FieldSpec("a", "甲", .text(), national: 1, indexed: true),
        ], process: .none)
        #expect(kind.nationalFields.map(\.key) == ["a", "b"])
        #expect(kind.indexedFields.map(\.key) == ["a"])
    }
}
