import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// Changing the review stages moves the records waiting at a removed level, in the transaction
/// that switches the plugin set; `jiuyed check --data` says beforehand what will move.
@Suite("审核环节变更")
struct StageChangeTests {
    typealias Actors = GraduateFlowTests.Actors
    static let student = GraduateFlowTests.student, classmate = "202211002"

    static func config(stages: String) throws -> String {
        let text = try String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
        let line = "      source-info:\n        review:\n          stages: [counselor, college, school]\n"
        #expect(text.contains(line))
        return text.replacingOccurrences(of: line, with: "      source-info:\n        review:\n          stages: \(stages)\n")
    }

    /// Fills and submits a demo student's 生源, as the student.
    static func submit(_ a: Actors, _ number: String, token: String) async throws {
        #expect(try await a.call(.patch, "/records/source-info/\(number)", ["values": GraduateFlowTests.personal], token).status == 200)
        #expect(try await a.call(.post, "/records/source-info/\(number)/submit", nil, token).json["state"] == "pending:counselor")
    }

    @Test("a reload that removes the college level moves its waiting records to the school, with a history entry; labels stay Chinese")
    func reloadRemovesALevel() async throws {
        let a = try await Actors.start()
        try await Self.submit(a, Self.student, token: a.student)
        #expect(try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve"], a.counselor).json["state"] == "pending:college")
        // Rejected at the college: goes back to the student when the college goes.
        let t = try await a.d.login(Self.classmate, GraduateFlowTests.initialPassword(Self.classmate))
        try await Self.submit(a, Self.classmate, token: t)
        _ = try await a.call(.post, "/records/source-info/\(Self.classmate)/review", ["action": "approve"], a.counselor)
        #expect(try await a.call(.post, "/records/source-info/\(Self.classmate)/review", ["action": "reject", "reason": "incorrect"], a.college)
            .json["state"] == "rejected:college")

        try a.d.writeConfig(try Self.config(stages: "[counselor, school]"))
        let reload = try await a.d.admin("plugin", "reload")
        #expect(reload.ok, "\(reload.error?.message ?? "")")
        let changes = reload.reply?.result["recordChanges"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(changes.contains { $0.contains("移除审核环节 学院") }, "\(changes)")
        #expect(changes.contains { $0.contains("1 条记录从「待学院审核」移至「待学校审核」") }, "\(changes)")
        #expect(changes.contains { $0.contains("1 条记录从「学院审核未通过待修改」移至「已保存未提交」") }, "\(changes)")

        let moved = try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.school).json
        #expect(moved["state"] == "pending:school" && moved["stateLabel"] == "待学校审核")
        #expect(moved["levels"]?["counselor"]?["status"] == "approved" && moved["levels"]?["college"] == nil)
        let approved = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve"], a.school)
        #expect(try approved.status == 200 && approved.json["state"] == "approved")
        let history = try await a.call(.get, "/records/source-info/\(Self.student)/history", nil, a.school).json["history"]?.arrayValue ?? []
        let entry = try #require(history.first { $0["action"] == "reconfigure" })
        #expect(entry["from"] == "pending:college" && entry["to"] == "pending:school" && entry["note"]?.stringValue?.contains("学院") == true)
        #expect(try await a.call(.get, "/records/source-info/\(Self.classmate)", nil, t).json["state"] == "draft")
        // The live counters follow: nothing is left counted at the removed level.
        let stats = try await a.call(.get, "/stats/source-info?by=state&cohort=2026&group=none", nil, a.school).json
        #expect(stats["totals"]?["pending:college"] == nil && stats["totals"]?["approved"] == 1)
        #expect(try await a.call(.get, "/stats/source-info?by=level.college&group=none", nil, a.school).status == 400)
        try await a.d.stop()
    }

    @Test("a write that picked up the old stages before a reload is refused, never written under them")
    func staleWriteRefused() async throws {
        let a = try await Actors.start()
        try await Self.submit(a, Self.student, token: a.student)
        let services = a.d.daemon.services
        // What a request holds when it started before the reload and waits for the write lock.
        let stale = try services.engine()
        try a.d.writeConfig(try Self.config(stages: "[counselor, school]"))
        #expect(try await a.d.admin("plugin", "reload").ok)
        let kind = try stale.kinds.kind("source-info")
        let env = services.directory.environment
        #expect(throws: EngineError.configurationChanged) {
            try env.write { txn in
                try stale.transition(txn, kind, caller: .system(), id: Self.student, .init(action: "approve"), now: 0)
            }
        }
        // Under the new stages the counselor's approval leads to the school, not to a removed level.
        let approved = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve"], a.counselor)
        #expect(try approved.json["state"] == "pending:school")
        try await a.d.stop()
    }

    @Test("jiuyed check --data says what a configuration would move; the next start moves it")
    func checkThenRestart() async throws {
        let a = try await Actors.start()
        try await Self.submit(a, Self.student, token: a.student)
        _ = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve"], a.counselor)
        let directory = a.d.directory
        try await a.d.stop(keepDirectory: true)
        let path = directory + "/next.yaml"
        try Self.config(stages: "[counselor, school]").write(toFile: path, atomically: true, encoding: .utf8)
        let set = try Daemon.check(configPath: path, catalog: PluginCatalog(BuiltinPlugins.all))
        let planned = try Daemon.plannedRecordChanges(set, dataDirectory: directory + "/data")
        #expect(planned.contains { $0.contains("1 条记录从「待学院审核」移至「待学校审核」") }, "\(planned)")
        // It moves nothing: asked twice, the same plan.
        #expect(try Daemon.plannedRecordChanges(set, dataDirectory: directory + "/data") == planned)
        #expect(throws: Daemon.CheckFailure.self) { try Daemon.plannedRecordChanges(set, dataDirectory: directory + "/nosuch") }
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: try String(contentsOfFile: path, encoding: .utf8), directory: directory)
        let school = try await d.login("school", GraduateFlowTests.password)
        #expect(try await d.request(.get, "/api/v1/records/source-info/\(Self.student)", token: school).json["state"] == "pending:school")
        try await d.stop()
    }

    @Test("adding a level: records not yet past it pass through it")
    func addALevel() async throws {
        let a = try await Actors.start(try Self.config(stages: "[counselor, school]"))
        try await Self.submit(a, Self.student, token: a.student)
        try a.d.writeConfig(try Self.config(stages: "[counselor, college, school]"))
        let reload = try await a.d.admin("plugin", "reload")
        #expect(reload.reply?.result["recordChanges"]?.arrayValue?.contains { $0.stringValue?.contains("新增审核环节 学院") == true } == true)
        let r = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "approve"], a.counselor).json
        #expect(r["state"] == "pending:college" && r["levels"]?["college"]?["status"] == "pending")
        try await a.d.stop()
    }
}
