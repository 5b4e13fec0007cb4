import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Storage
import Testing
@testable import Daemon

/// Where a student's values go (`studentForm`), the migration of records written when every
/// reviewed kind kept the form apart, and the placement rate's two figures.
@Suite("学生填报与正式记录")
struct StudentFormTests {
    typealias Actors = GraduateFlowTests.Actors
    static let student = GraduateFlowTests.student

    /// The repository's plugins.yaml with 就业信息 keeping the student's form apart, as every
    /// reviewed kind did before `studentForm` existed.
    static func separateConfig() throws -> String {
        let text = try String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
        let anchor = "    kinds:\n      employment-info:\n"
        #expect(text.contains(anchor))
        return text.replacingOccurrences(of: anchor, with: anchor + "        studentForm: separate\n")
    }

    @Test("就业信息: what the student registers is the record — approved at three levels with no copy-fill, it is exported and counted")
    func employmentIsTheRecord() async throws {
        let a = try await Actors.start()
        let base = "/records/employment-info"
        let created = try await a.call(.post, base, ["student": .string(Self.student), "values": ["destination": "75"]], a.student)
        #expect(created.status == 200)
        #expect(try created.json["values"]?["destination"] == "75" && created.json["filled"] == [:])
        #expect(try await a.call(.post, "\(base)/\(Self.student)/submit", nil, a.student).json["state"] == "pending:counselor")
        // Registered, not yet approved: counted as registered only.
        var row = try await placementRow(a, college: "计算机学院")
        #expect(row["registered"]?["entrepreneurs"] == 1 && row["approved"]?["entrepreneurs"] == 0)
        // 一键复制填报 belongs to kinds that keep a separate form.
        let copy = try await a.call(.post, "\(base)/\(Self.student)/review", ["action": "approve", "copyFill": true], a.counselor)
        #expect(try copy.status == 400 && copy.json["error"]?["field"] == "copyFill")
        try await a.approveAll("employment-info", Self.student)
        #expect(try await a.call(.get, "\(base)/\(Self.student)", nil, a.school).json["values"]?["destination"] == "75")
        row = try await placementRow(a, college: "计算机学院")
        #expect(row["approved"]?["entrepreneurs"] == 1 && row["registered"]?["entrepreneurs"] == 1)
        #expect(row["rate"] == row["approved"]?["rate"])

        // The national preset writes the code, the school preset its label.
        let national = a.d.directory + "/national.csv", school = a.d.directory + "/school.csv"
        #expect(try await a.d.admin("export", "employment-info", national, "--preset", "national").ok)
        #expect(try await a.d.admin("export", "employment-info", school, "--preset", "school").ok)
        let nationalLine = try String(contentsOfFile: national, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix(Self.student) } ?? ""
        let schoolLine = try String(contentsOfFile: school, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix(Self.student) } ?? ""
        #expect(nationalLine.split(separator: ",").contains("75"))
        #expect(schoolLine.contains("自主创业") && !schoolLine.split(separator: ",").contains("75"))
        try await a.d.stop()
    }

    @Test("生源信息 keeps the student's version apart until a reviewer copies it over")
    func sourceInfoKeepsItsForm() async throws {
        let a = try await Actors.start()
        let r = try await a.call(.patch, "/records/source-info/\(Self.student)", ["values": ["mobile": "13900139000"]], a.student).json
        #expect(r["filled"]?["mobile"] == "13900139000" && r["values"]?["mobile"] == nil)
        try await a.d.stop()
    }

    @Test("records written with the form apart migrate at start: nothing the student submitted is lost")
    func migration() async throws {
        // The previous behaviour: the student's destination goes to the form only.
        let a = try await Actors.start(try Self.separateConfig())
        let base = "/records/employment-info"
        let created = try await a.call(.post, base, ["student": .string(Self.student), "values": ["destination": "76"]], a.student).json
        #expect(created["filled"]?["destination"] == "76" && created["values"]?["destination"] == nil)
        // A classmate's record a counselor copied over and corrected: the correction must survive.
        let classmate = "202211002"
        let t = try await a.d.login(classmate, GraduateFlowTests.initialPassword(classmate))
        _ = try await a.call(.post, base, ["student": .string(classmate), "values": ["destination": "75"]], t)
        #expect(try await a.call(.post, "\(base)/\(classmate)/submit", nil, t).status == 200)
        let corrected = try await a.call(.post, "\(base)/\(classmate)/review", ["action": "approve", "copyFill": true, "values": ["destination": "76"]], a.counselor)
        #expect(try corrected.json["values"]?["destination"] == "76" && corrected.json["filled"]?["destination"] == "75")
        let directory = a.d.directory
        try await a.d.stop(keepDirectory: true)
        // The data file as the previous jiuyed wrote it: records in envelope format 2 (no
        // rejection member) and no shapes kept.
        do {
            let store = try CoreStore(dataDirectory: directory + "/data", settings: StorageSettings())
            let shapes = try Table<String, KindShape>(store.environment, name: "kind-shapes")
            let raw = try Table<String, [UInt8]>(store.environment, name: "rec/employment-info")
            try store.environment.write { txn in
                try txn.clear(shapes.database)
                for id in [Self.student, "202211002"] {
                    var bytes = try #require(try raw.get(txn, id))
                    #expect(bytes.first == StoredRecord.formatVersion)
                    // Format 3 ends at the rejection (format 4 adds the member indexes after it).
                    let end = try bytes.withUnsafeBytes { raw in
                        let v = try RecordView(raw)
                        return v.rejection.baseAddress! - raw.baseAddress! + v.rejection.count
                    }
                    bytes.removeLast(bytes.count - end)
                    #expect(bytes.suffix(4) == [0, 0, 0, 0])
                    bytes[0] = 2
                    bytes.removeLast(4)
                    try raw.put(txn, id, bytes)
                }
            }
            store.close()
        }
        let text = try String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: text, directory: directory)
        let school = try await d.login("school", GraduateFlowTests.password)
        let migrated = try await d.request(.get, "/api/v1\(base)/\(Self.student)", token: school).json
        #expect(migrated["values"]?["destination"] == "76" && migrated["filled"] == [:])
        let history = try await d.request(.get, "/api/v1\(base)/\(Self.student)/history", token: school).json["history"]?.arrayValue ?? []
        #expect(history.last?["action"] == "reconfigure" && history.last?["note"]?.stringValue?.contains("学生填报内容并入记录") == true)
        let kept = try await d.request(.get, "/api/v1\(base)/202211002", token: school).json
        #expect(kept["values"]?["destination"] == "76" && kept["filled"] == [:], "a reviewer's correction is not overwritten")
        // Counted at once: the counters follow the migrated record.
        let stats = try await d.request(.get, "/api/v1/stats/employment-info?by=field.destination&cohort=2026&group=none", token: school).json
        #expect(stats["totals"]?["76"] == 2, "\(stats.jsonString())")
        try await d.stop()
    }

    func placementRow(_ a: Actors, college: String) async throws -> JSONValue {
        let report = try await a.call(.get, "/employment-info/placement?cohort=2026&group=college", nil, a.school).json
        #expect(report["rateBasis"]?.stringValue?.contains("2024") == true)
        return try #require(report["rows"]?.arrayValue?.first { $0["name"] == .string(college) })
    }
}
