import Foundation
import JiuyeTesting
import Plugins
import PluginAPI
import Storage
import Testing
@testable import Daemon

/// 学籍信息更正: staff correct registry fields in the back office; the directory, the indexes,
/// the counters and every record of the student follow in the same transaction, the history
/// keeps old and new, and a later import reports what it would undo.
@Suite("Registry corrections")
struct RegistryCorrectionTests {
    static let record = "/api/v1/records/source-info/" + Demo.student
    static let collegeGrant = "plugins: {source-info: {kinds: {source-info: {correctableBy: [school, college]}}}}"

    static func demo<R>(_ config: String = "plugins: {source-info: {}}", _ body: (TestDaemon) async throws -> R) async throws -> R {
        try await TestDaemon.with(.inProcess, builtins: BuiltinPlugins.all, config: config, seedDemo: true, body)
    }

    static func patch(_ d: TestDaemon, _ values: JSONObject, token: String, id: String = Demo.student) async throws -> TestResponse {
        try await d.request(.patch, "/api/v1/records/source-info/\(id)", body: ["values": .object(values)], token: token)
    }

    /// The field a refusal names.
    static func field(_ r: TestResponse) -> String? { (try? r.json)?["error"]?["field"]?.stringValue }

    static func history(_ d: TestDaemon, token: String, id: String = Demo.student) async throws -> [JSONValue] {
        try await d.request(.get, "/api/v1/records/source-info/\(id)/history", token: token).json["history"]?.arrayValue ?? []
    }

    static func student(_ d: TestDaemon, _ number: String = Demo.student) throws -> StudentEntry {
        let directory = d.daemon.directory
        return try #require(try directory.environment.read { try directory.students.get($0, number) })
    }

    @Test("the school corrects 姓名: the record, the directory and the name index follow, and the history keeps old and new; student and counselor are refused")
    func schoolCorrectsName() async throws {
        try await Self.demo { d in
            let school = try await d.login("school", Demo.password)
            let old = try Self.student(d).name
            let before = try await d.request(.get, Self.record, token: school).json
            #expect(before["editable"]?.arrayValue?.contains("name") == true, "the school's editable fields include the registry ones")

            let student = try await d.login(Demo.student, Demo.studentPassword)
            let mine = try await Self.patch(d, ["name": "王小明"], token: student)
            #expect(mine.status == 403 && mine.errorCode == "field_not_editable")
            #expect(try await d.request(.get, Self.record, token: student).json["editable"]?.arrayValue?.contains("name") == false)
            let counselor = try await d.login("counselor-se", Demo.password)
            #expect(try await Self.patch(d, ["name": "王小明"], token: counselor).status == 403)
            #expect(try Self.student(d).name == old, "a refusal changes nothing")

            let r = try await Self.patch(d, ["name": "王小明"], token: school)
            #expect(r.status == 200)
            #expect(try r.json["values"]?["name"] == "王小明" && r.json["studentName"] == "王小明")
            #expect(try Self.student(d).name == "王小明")
            let entry = try #require(try await Self.history(d, token: school).last)
            #expect(entry["action"] == "correct" && entry["actionLabel"] == "更正学籍信息" && entry["actor"] == "school")
            #expect(entry["note"]?.stringValue == "姓名：\(old) → 王小明")
            let found = try await d.request(.get, "/api/v1/records/source-info?name=%E7%8E%8B%E5%B0%8F%E6%98%8E", token: school).json
            #expect(found["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [Demo.student], "the name index follows")
            // The same value again is no correction: no second history entry.
            let count = try await Self.history(d, token: school).count
            #expect(try await Self.patch(d, ["name": "王小明"], token: school).status == 200)
            #expect(try await Self.history(d, token: school).count == count)
        }
    }

    @Test("the college corrects only where plugins.yaml grants it; the counselor never; a grant to another role is refused")
    func collegeNeedsGrant() async throws {
        try await Self.demo { d in
            let college = try await d.login("cs-college", Demo.password)
            let r = try await Self.patch(d, ["name": "王小明"], token: college)
            #expect(r.status == 403 && r.errorCode == "field_not_editable")
            #expect(try await d.request(.get, Self.record, token: college).json["editable"]?.arrayValue?.contains("name") == false)
        }
        try await Self.demo(Self.collegeGrant) { d in
            let college = try await d.login("cs-college", Demo.password)
            #expect(try await d.request(.get, Self.record, token: college).json["editable"]?.arrayValue?.contains("name") == true)
            #expect(try await Self.patch(d, ["name": "王小明"], token: college).status == 200)
            #expect(try Self.student(d).name == "王小明")
            let counselor = try await d.login("counselor-se", Demo.password)
            #expect(try await Self.patch(d, ["name": "王小红"], token: counselor).status == 403)
            // Within the college, a move is the college's; out of it, the school's.
            #expect(try await Self.patch(d, ["majorName": "计算机科学与技术", "className": "计科2201"], token: college).status == 200)
            let out = try await Self.patch(d, ["college": "经济管理学院", "majorName": "会计学", "className": "会计2201"], token: college)
            #expect(out.status == 403 && Self.field(out) == "college")
            #expect(try await d.request(.get, Self.record, token: college).json["values"]?["className"] == "计科2201")
        }
        let dir = FileManager.default.temporaryDirectory.path + "/jiuye-corr-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "plugins: {source-info: {kinds: {source-info: {correctableBy: [school, counselor]}}}}\n".write(toFile: dir + "/plugins.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try Daemon.check(configPath: dir + "/plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all))
            Issue.record("a counselor grant should be refused")
        } catch let e as ConfigErrors {
            #expect(e.errors.map(\.description).contains { $0.contains("correctableBy: only school and college may correct registry fields") && $0.contains("counselor") })
        }
    }

    @Test("a bad 身份证号 is a 400 naming the field and changes nothing; a good one moves 出生日期 and the initial password, and says so")
    func idNumber() async throws {
        try await Self.demo { d in
            let school = try await d.login("school", Demo.password)
            let before = try Self.student(d)
            let historyCount = try await Self.history(d, token: school).count
            let first17 = String(before.idNumber.prefix(6)) + "20010203" + "123"   // sequence 123: odd, a man
            let good = first17 + String(IDNumber.checkCharacter(for: first17)!)
            let badCheck = first17 + (good.last == "0" ? "1" : "0")
            let bad = try await Self.patch(d, ["idNumber": .string(badCheck)], token: school)
            #expect(bad.status == 400 && Self.field(bad) == "idNumber")
            #expect(try Self.student(d) == before)
            #expect(try await Self.history(d, token: school).count == historyCount)

            // A man's number for a woman (or the other way) needs 性别 corrected with it.
            let other17 = String(first17.dropLast()) + (before.gender == "1" ? "2" : "1")
            let otherGender = other17 + String(IDNumber.checkCharacter(for: other17)!)
            let mismatch = try await Self.patch(d, ["idNumber": .string(otherGender)], token: school)
            #expect(mismatch.status == 400 && Self.field(mismatch) == "idNumber")
            #expect(try Self.student(d) == before)

            let sameGender = before.gender == "1" ? good : otherGender
            let r = try await Self.patch(d, ["idNumber": .string(sameGender)], token: school)
            #expect(r.status == 200)
            #expect(try r.json["values"]?["birthDate"] == "2001-02-03", "出生日期 follows 身份证号")
            #expect(try Self.student(d).idNumber == sameGender)
            #expect(try await Self.history(d, token: school).last?["note"]?.stringValue?.hasSuffix("初始密码随之改为新身份证号后六位") == true)
            let login = try await d.request(.post, "/api/v1/auth/login", body: ["username": .string(Demo.student), "password": .string(Demo.studentPassword)])
            #expect(login.status == 401, "the old number's last six no longer open the account")
            _ = try await d.login(Demo.student, String(sameGender.suffix(6)))
        }
    }

    @Test("a password the student chose survives a corrected 身份证号; the history says nothing of an initial password")
    func chosenPasswordStays() async throws {
        try await Self.demo { d in
            let student = try await d.login(Demo.classmate, Demo.initialPassword(Demo.classmate))
            let chosen = "Chosen-pass-2026"
            let changed = try await d.request(.post, "/api/v1/auth/password", body: ["oldPassword": .string(Demo.initialPassword(Demo.classmate)),
                                                                                    "newPassword": .string(chosen)], token: student)
            #expect(changed.status == 200 || changed.status == 204)
            let before = try Self.student(d, Demo.classmate)
            let first17 = String(before.idNumber.prefix(6)) + "20020304" + (before.gender == "1" ? "135" : "246")
            let id = first17 + String(IDNumber.checkCharacter(for: first17)!)
            let school = try await d.login("school", Demo.password)
            #expect(try await Self.patch(d, ["idNumber": .string(id)], token: school, id: Demo.classmate).status == 200)
            let note = try await Self.history(d, token: school, id: Demo.classmate).last?["note"]?.stringValue ?? ""
            #expect(note.hasPrefix("身份证号：") && !note.contains("初始密码"))
            _ = try await d.login(Demo.classmate, chosen)
            let initial = try await d.request(.post, "/api/v1/auth/login", body: ["username": .string(Demo.classmate), "password": .string(String(id.suffix(6)))])
            #expect(initial.status == 401, "the corrected number's last six do not replace a chosen password")
        }
    }

    @Test("a corrected 学历层次 reaches the student's records of other kinds (the resume's copy) and the counters by level")
    func otherKinds() async throws {
        try await Self.demo("plugins: {source-info: {}, resume-library: {}}") { d in
            let student = try await d.login(Demo.student, Demo.studentPassword)
            let created = try await d.request(.post, "/api/v1/records/resume", body: ["student": .string(Demo.student), "values": ["title": "我的简历"]],
                                              token: student)
            let id = try #require(try created.json["id"]?.stringValue)
            #expect(try created.json["values"]?["educationLevel"] == "31")
            let school = try await d.login("school", Demo.password)
            func levels() async throws -> JSONValue? {
                try await d.request(.get, "/api/v1/stats/source-info?by=field.educationLevel&group=none&cohort=2026", token: school).json["totals"]
            }
            #expect(try await levels()?["11"] == nil)
            #expect(try await Self.patch(d, ["educationLevel": "11"], token: school).status == 200)
            let resume = try await d.request(.get, "/api/v1/records/resume/\(id)", token: student).json
            #expect(resume["values"]?["educationLevel"] == "11")
            #expect(try await levels()?["11"] == 1)
            #expect(try await levels()?["31"] == 99)
            #expect(try Self.student(d).educationLevel == "11")
        }
    }

    @Test("a 院系/专业/班级 correction moves the student between scopes, list filters and counters at once; a place that does not exist moves nothing")
    func moveBetweenColleges() async throws {
        try await Self.demo { d in
            try await d.addAccount("econ-college", roles: [.college], college: "经济管理学院")
            let school = try await d.login("school", Demo.password)
            let cs = try await d.login("cs-college", Demo.password)
            let econ = try await d.login("econ-college")
            let counselor = try await d.login("counselor-se", Demo.password)
            #expect(try await d.request(.get, Self.record, token: cs).status == 200)
            #expect(try await d.request(.get, Self.record, token: econ).status == 404)
            func total(_ college: String) async throws -> Int? {
                let stats = try await d.request(.get, "/api/v1/stats/source-info?by=state&group=college&cohort=2026", token: school).json
                return stats["groups"]?.arrayValue?.first { $0["name"]?.stringValue == college }?["total"]?.intValue
            }
            #expect(try await total("计算机学院") == 40)
            #expect(try await total("经济管理学院") == 60)
            let before = try Self.student(d)

            // Near misses: the major is not under that college; the college does not exist; a bad value beside a good move.
            let wrongMajor = try await Self.patch(d, ["college": "经济管理学院"], token: school)
            #expect(wrongMajor.status == 400 && Self.field(wrongMajor) == "majorName")
            let noCollege = try await Self.patch(d, ["college": "火星学院", "majorName": "会计学", "className": "会计2201"], token: school)
            #expect(noCollege.status == 400 && Self.field(noCollege) == "college")
            let mixed = try await Self.patch(d, ["college": "经济管理学院", "majorName": "会计学", "className": "会计2201", "gender": "7"], token: school)
            #expect(mixed.status == 400 && Self.field(mixed) == "gender")
            #expect(try Self.student(d) == before, "all or nothing")
            #expect(try await total("计算机学院") == 40)

            let r = try await Self.patch(d, ["college": "经济管理学院", "majorName": "会计学", "className": "会计2201"], token: school)
            #expect(r.status == 200)
            #expect(try await d.request(.get, Self.record, token: cs).status == 404, "the old college no longer sees it")
            #expect(try await d.request(.get, Self.record, token: counselor).status == 404)
            #expect(try await d.request(.get, Self.record, token: econ).status == 200)
            #expect(try await Self.patch(d, ["name": "王小明"], token: cs).status == 404, "every route")
            #expect(try await total("计算机学院") == 39)
            #expect(try await total("经济管理学院") == 61)
            let moved = try Self.student(d)
            let list = try await d.request(.get, "/api/v1/records/source-info?college=\(moved.collegeID)&cohort=2026&size=200", token: school).json
            #expect(list["records"]?.arrayValue?.contains { $0["id"]?.stringValue == Demo.student } == true)
            let old = try await d.request(.get, "/api/v1/records/source-info?class=\(before.classID)&cohort=2026&size=200", token: school).json
            #expect(old["records"]?.arrayValue?.contains { $0["id"]?.stringValue == Demo.student } == false)
            #expect(try await d.request(.get, "/api/v1/students/\(Demo.student)", token: econ).json["class"] == "会计2201")
            let note = try await Self.history(d, token: school).last?["note"]?.stringValue ?? ""
            #expect(note.contains("院系：计算机学院 → 经济管理学院") && note.contains("班级：软件2201 → 会计2201"))
        }
    }

    @Test("批量修改 corrects a registry field record by record: each row its own result; the counselor may not")
    func batchModify() async throws {
        try await Self.demo { d in
            let school = try await d.login("school", Demo.password)
            let ids = [Demo.student, Demo.classmate, Demo.accountant]
            let body: JSONValue = ["action": "modify", "ids": .array(ids.map(JSONValue.string)), "field": "className", "value": "软件2301"]
            let r = try await d.request(.post, "/api/v1/records/source-info/batch", body: body, token: school).json
            #expect(r["succeeded"] == 2 && r["failed"] == 1)
            let results = r["results"]?.arrayValue ?? []
            #expect(results.map { $0["ok"] } == [true, true, false])
            #expect(results.last?["error"]?["message"]?.stringValue?.contains("软件2301") == true)
            #expect(try Self.student(d, Demo.student).classID == Self.student(d, Demo.classmate).classID)
            #expect(try Self.student(d, Demo.student).classID != Self.student(d, Demo.accountant).classID)
            #expect(try await Self.history(d, token: school, id: Demo.classmate).last?["action"] == "correct")
            #expect(try await Self.history(d, token: school, id: Demo.accountant).last?["action"] != "correct")
            // A value that fails its type fails the whole batch, before any record.
            let bad: JSONValue = ["action": "modify", "ids": [.string(Demo.student)], "field": "gender", "value": "7"]
            #expect(try await d.request(.post, "/api/v1/records/source-info/batch", body: bad, token: school).status == 400)
            let counselor = try await d.login("counselor-se", Demo.password)
            #expect(try await d.request(.post, "/api/v1/records/source-info/batch", body: body, token: counselor).status == 403)
        }
    }

    @Test("a re-import that contradicts a correction reports it per row: keep leaves the correction, overwrite takes the file and forgets it")
    func reimportConflicts() async throws {
        try await Self.demo { d in
            let school = try await d.login("school", Demo.password)
            let old = try Self.student(d)
            #expect(try await Self.patch(d, ["name": "王小明", "ethnicity": "05"], token: school).status == 200)
            let csv = DemoInstitution.registryCSV()
            let row = (csv.split(separator: "\n").firstIndex { $0.hasPrefix(Demo.student + ",") } ?? 0) + 1

            let kept = try await d.importStudents(csv: csv)
            #expect(kept.ok)
            let conflicts = kept.reply?.result["conflicts"]?.arrayValue ?? []
            #expect(conflicts.count == 2, "姓名 and 民族; no other student was corrected")
            let name = try #require(conflicts.first { $0["field"] == "姓名" })
            #expect(name["row"]?.intValue == row && name["number"]?.stringValue == Demo.student)
            #expect(name["corrected"] == "王小明" && name["file"]?.stringValue == old.name && name["kept"] == "corrected")
            #expect(conflicts.contains { $0["field"] == "民族" && $0["corrected"] == "05" && $0["file"] == "01" })
            #expect(kept.reply?.message?.contains("第 \(row) 行 \(Demo.student) 姓名：已更正为“王小明”") == true)
            #expect(try Self.student(d).name == "王小明")
            let record = try await d.request(.get, Self.record, token: school).json
            #expect(record["values"]?["name"] == "王小明" && record["values"]?["ethnicity"] == "05", "the correction survives")

            // Over HTTP: an unknown policy is refused before anything; overwrite takes the file's values.
            let refused = try await d.request(.post, "/api/v1/students/import?corrections=maybe", rawBody: Data(csv.utf8), token: school)
            #expect(refused.status == 400 && Self.field(refused) == "corrections")
            let over = try await d.request(.post, "/api/v1/students/import?corrections=overwrite", rawBody: Data(csv.utf8), token: school).json
            #expect(over["conflicts"]?.arrayValue?.count == 2 && over["conflicts"]?.arrayValue?.first?["kept"] == "file")
            #expect(try Self.student(d).name == old.name)
            let said = try await Self.history(d, token: school).last
            #expect(said?["action"] == "import" && said?["note"]?.stringValue == "导入覆盖更正：民族 05 → 01；姓名 王小明 → \(old.name)")
            // Forgotten: the next import has nothing to report.
            #expect(try await d.importStudents(csv: csv).reply?.result["conflicts"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("a file that agrees with a correction ends it; a student never corrected has no conflict")
    func registryCatchesUp() async throws {
        try await Self.demo { d in
            let school = try await d.login("school", Demo.password)
            let old = try Self.student(d).name
            #expect(try await Self.patch(d, ["name": "王小明"], token: school).status == 200)
            let csv = DemoInstitution.registryCSV()
            let fixed = csv.replacingOccurrences(of: "\(Demo.student),\(old),", with: "\(Demo.student),王小明,")
            let agreed = try await d.importStudents(csv: fixed)
            #expect(agreed.ok && agreed.reply?.result["conflicts"]?.arrayValue?.isEmpty == true)
            let directory = d.daemon.directory
            #expect(try directory.environment.read { try directory.corrections.get($0, Demo.student) } == nil)
            // The registry's word again: with nothing corrected, the file wins without a conflict.
            let back = try await d.importStudents(csv: csv)
            #expect(back.reply?.result["conflicts"]?.arrayValue?.isEmpty == true)
            #expect(try Self.student(d).name == old)
        }
    }
}
