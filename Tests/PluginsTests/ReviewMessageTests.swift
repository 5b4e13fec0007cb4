import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// What people read: reasons by their labels, the latest rejection on the record, and the
/// screens' data (code tables, labels beside codes, filters on any field, batch by role).
@Suite("审核消息与界面数据")
struct ReviewMessageTests {
    typealias Actors = GraduateFlowTests.Actors
    static let student = GraduateFlowTests.student

    @Test("a rejection: the notice names the reason by its label; the record carries it for the student's page")
    func rejection() async throws {
        // The demo's log channel writes each notification's text: read it from the log.
        let logs = LogCapture()
        let text = try String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: text, seedDemo: true, logs: logs)
        let a = Actors(d: d, student: try await d.login(Self.student, GraduateFlowTests.studentPassword),
                       counselor: try await d.login("counselor-se", GraduateFlowTests.password), college: try await d.login("cs-college", GraduateFlowTests.password),
                       school: try await d.login("school", GraduateFlowTests.password))
        try await StageChangeTests.submit(a, Self.student, token: a.student)
        let note = "家庭住址请写到门牌号"
        _ = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "reject", "reason": "incorrect", "note": .string(note)], a.counselor)
        let r = try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.student).json
        let rejection = try #require(r["rejection"])
        #expect(rejection["reason"] == "incorrect" && rejection["reasonLabel"] == "信息有误" && rejection["note"] == .string(note))
        #expect(rejection["level"] == "counselor" && rejection["levelLabel"] == "辅导员" && rejection["time"]?.stringValue?.hasSuffix("Z") == true)
        var line: String?
        for _ in 0..<50 {
            line = logs.lines.first { $0.contains("未通过审核") }
            if line != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(line?.contains("您的生源信息未通过审核（信息有误）：\(note)") == true, "\(line ?? "no notification logged")")
        // Before any rejection: null.
        #expect(try await a.call(.get, "/records/source-info/202211002", nil, a.school).json["rejection"] == .null)
        try await a.d.stop()
    }

    @Test("code tables, stage and status labels, and labels beside codes")
    func screenData() async throws {
        let a = try await Actors.start()
        let tables = try await a.d.request(.get, "/api/v1/code-tables").json["codeTables"]?.arrayValue ?? []
        #expect(tables.contains { $0["id"] == "gender" })
        let gender = try await a.d.request(.get, "/api/v1/code-tables/gender").json
        #expect(gender["entries"]?.arrayValue?.contains { $0["code"] == "1" && $0["name"] == "男" } == true)
        let unknown = try await a.d.request(.get, "/api/v1/code-tables/nosuch")
        #expect(unknown.status == 404 && unknown.errorCode == "unknown_code_table")
        let plugins = try await a.d.request(.get, "/api/v1/plugins").json["plugins"]?.arrayValue ?? []
        let kind = try #require(plugins.flatMap { $0["kinds"]?.arrayValue ?? [] }.first { $0["id"] == "source-info" })
        #expect(kind["stageLabels"]?.arrayValue?.compactMap { $0["label"]?.stringValue } == ["辅导员", "学院", "学校"])
        #expect(kind["rejectReasons"]?.arrayValue?.contains { $0["code"] == "incorrect" && $0["label"] == "信息有误" } == true)
        #expect(kind["levelStatuses"]?.arrayValue?.contains { $0["status"] == "fixed" && $0["label"] == "未通过已修改" } == true)
        #expect(kind["labelEn"] == "source information" || kind["labelEn"]?.stringValue?.isEmpty == false)
        let termination = try #require(plugins.flatMap { $0["kinds"]?.arrayValue ?? [] }.first { $0["id"] == "termination" })
        #expect(termination["views"]?.arrayValue?.contains { $0["label"] == "解约记录" } == true)

        let labelled = try await a.call(.get, "/records/source-info/\(Self.student)?labels=1", nil, a.school).json
        #expect(labelled["values"]?["gender"] != nil && labelled["labels"]?["gender"] == .string(labelled["values"]?["gender"]?.stringValue == "2" ? "女" : "男"))
        #expect(try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.school).json["labels"] == nil)
        let page = try await a.call(.get, "/records/source-info?size=20&labels=1", nil, a.school).json
        #expect(page["records"]?.arrayValue?.allSatisfy { $0["labels"]?["gender"] != nil } == true)

        let preset = try await a.call(.post, "/records/source-info/export", ["format": "csv", "preset": "provincial"], a.school)
        #expect(try preset.status == 400 && preset.json["error"]?["field"] == "preset" && preset.errorCode == "unknown_preset")
        try await a.d.stop()
    }

    @Test("设置筛选字段: any field filters, indexed or not; an indexed field sorts; several states in one view")
    func filters() async throws {
        let a = try await Actors.start()
        try await StageChangeTests.submit(a, Self.student, token: a.student)
        #expect(try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve", "copyFill": true], a.counselor).status == 200)
        // homeAddress is neither indexed nor a code: checked on the candidates.
        let address = GraduateFlowTests.personal["homeAddress"]?.stringValue ?? ""
        let q = address.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let found = try await a.call(.get, "/records/source-info?cohort=2026&homeAddress=\(q)", nil, a.counselor).json["records"]?.arrayValue ?? []
        #expect(found.compactMap { $0["id"]?.stringValue } == [Self.student])
        // A code field without an index filters by its stored term.
        let byPolitics = try await a.call(.get, "/records/source-info?politicalStatus=03", nil, a.school).json["records"]?.arrayValue ?? []
        #expect(byPolitics.compactMap { $0["id"]?.stringValue } == [Self.student])
        let none = try await a.call(.get, "/records/source-info?homeAddress=nowhere", nil, a.school).json["records"]?.arrayValue ?? []
        #expect(none.isEmpty)
        let bad = try await a.call(.get, "/records/source-info?nosuchfield=1", nil, a.school)
        #expect(bad.status == 400 && bad.errorCode == "unknown_filter")
        let sortable = try #require(a.d.daemon.services.kinds().kind("source-info").termFields.first { $0.indexed }?.key)
        let sorted = try await a.call(.get, "/records/source-info?size=200&sort=-\(sortable)", nil, a.school).json["records"]?.arrayValue ?? []
        let keys = sorted.map { $0["values"]?[sortable]?.stringValue ?? "" }
        #expect(sorted.count == 200 && keys == keys.sorted(by: >) && Set(keys).count > 1, "\(keys.prefix(5))")
        let byTime = try await a.call(.get, "/records/source-info?size=20&sort=-updated", nil, a.school).json["records"]?.arrayValue ?? []
        #expect(byTime.first?["id"] == .string(Self.student), "the record just reviewed is the latest")
        let badSort = try await a.call(.get, "/records/source-info?sort=homeAddress", nil, a.school)
        #expect(badSort.status == 400 && badSort.errorCode == "invalid_sort")
        let states = try await a.call(.get, "/records/source-info?state=draft,pending:college", nil, a.school).json["records"]?.arrayValue ?? []
        #expect(states.contains { $0["id"] == .string(Self.student) } && states.count > 1)
        let view = try await a.call(.get, "/records/termination?view=processed", nil, a.school)
        #expect(view.status == 200)
        #expect(try await a.call(.get, "/records/termination?view=nosuch", nil, a.school).errorCode == "unknown_view")
        let badState = try await a.call(.get, "/records/source-info?state=pending:dean", nil, a.school)
        #expect(try badState.status == 400 && badState.errorCode == "unknown_state" && badState.json["error"]?["field"] == "state")
        try await a.d.stop()
    }

    @Test("batch by role: a counselor approves what waits at their level and notifies their students; the rest stays the school's")
    func batchByRole() async throws {
        let a = try await Actors.start()
        try await StageChangeTests.submit(a, Self.student, token: a.student)
        let outside = "202221001"   // 计科: not in the counselor's classes
        let approve = try await a.call(.post, "/records/source-info/batch", ["action": "approve", "ids": [.string(Self.student), .string(outside)]], a.counselor).json
        #expect(approve["succeeded"] == 1 && approve["failed"] == 1)
        #expect(try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.school).json["state"] == "pending:college")
        // The college approves its level, not the counselor's records again.
        let college = try await a.call(.post, "/records/source-info/batch", ["action": "approve", "ids": [.string(Self.student)]], a.college).json
        #expect(college["succeeded"] == 1)
        let notify = try await a.call(.post, "/records/source-info/batch", ["action": "notify", "ids": [.string(Self.student)], "message": "请尽快核对"], a.counselor).json
        #expect(notify["succeeded"] == 1)
        let reset = try await a.call(.post, "/records/source-info/batch", ["action": "reset-password", "ids": [.string(Self.student)]], a.counselor)
        #expect(reset.status == 403)
        try await a.d.stop()
    }
}
