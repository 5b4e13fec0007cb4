import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Storage
import Testing
@testable import Daemon

/// The generic record routes and the review engine, on a kind declared only in YAML.
@Suite("Records and the review engine")
struct RecordTests {
    static let config = InternshipConfig.yaml(kind: """
        fields:
          - {key: company, label: 实习单位, type: text, required: true, indexed: true}
          - {key: creditCode, label: 单位信用代码, type: credit-code}
          - {key: startDate, label: 开始日期, type: date, required: true}
          - {key: mentor, label: 指导老师, type: text, editableBy: staff}
          - {key: registryNo, label: 备案号, type: text, editableBy: nobody}
          - {key: grade, label: 成绩, type: code, table: internship-grade, editableBy: staff}
        studentForm: separate      # the student's form apart, copied over by a reviewer
        review:
          stages: [counselor, college, school]
          reasons: [{code: missing, name: 材料缺失}, {code: other, name: 其他}]
        """, rest: """
        codeTables:
          internship-grade: {label: 实习成绩, entries: [{code: A, name: 优秀}, {code: B, name: 良好}]}
        """)

    struct Fixture {
        let d: TestDaemon
        let student: String
        let counselor: String
        let college: String
        let school: String
        /// Receives every notification (the outbox's webhook channel).
        let inbox: WebhookReceiver

        static func start() async throws -> Fixture {
            let inbox = try await WebhookReceiver.start()
            let config = RecordTests.config + "\nnotifications: {channels: [{name: hook, type: webhook, url: \"\(inbox.url)\", secret: s}]}\n"
            let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: config, seedDemo: true)
            return Fixture(d: d, student: try await d.login(Demo.student, Demo.studentPassword),
                           counselor: try await d.login("counselor-se", Demo.password),
                           college: try await d.login("cs-college", Demo.password),
                           school: try await d.login("school", Demo.password), inbox: inbox)
        }

        func call(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, as token: String) async throws -> TestResponse {
            try await d.request(method, "/api/v1/records/internship" + path, body: body, token: token)
        }
        func review(_ id: String, _ action: String, as token: String, reason: String? = nil, extra: JSONObject = [:]) async throws -> TestResponse {
            var body: JSONObject = ["action": .string(action)]
            if let reason { body["reason"] = .string(reason) }
            for (k, v) in extra { body[k] = v }
            return try await call(.post, "/\(id)/review", .object(body), as: token)
        }
    }

    @Test("a student fills and submits; each level reviews; a rejection goes back with its reason; the history shows every node")
    func fullReview() async throws {
        let f = try await Fixture.start()
        let created = try await f.call(.post, "", ["student": .string(Demo.student), "values": ["company": "示例科技", "startDate": "2026-03-01"]], as: f.student)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        #expect(try created.json["state"] == "draft")
        #expect(try created.json["filled"]?["company"] == "示例科技")
        #expect(try created.json["levels"]?["counselor"]?["status"] == "unsubmitted")

        let submitted = try await f.call(.post, "/\(Demo.student)/submit", as: f.student)
        #expect(try submitted.json["state"] == "pending:counselor")
        #expect(try submitted.json["levels"]?["counselor"]?["label"] == "未审核")

        let noReason = try await f.review(Demo.student, "reject", as: f.counselor)
        #expect(noReason.status == 400 && noReason.errorCode == "reason_required")
        let badReason = try await f.review(Demo.student, "reject", as: f.counselor, reason: "whatever")
        #expect(badReason.status == 400 && badReason.errorCode == "invalid_reason")
        let rejected = try await f.review(Demo.student, "reject", as: f.counselor, reason: "missing", extra: ["note": "请补充开始日期证明"])
        #expect(try rejected.json["state"] == "rejected:counselor")
        #expect(try rejected.json["levels"]?["counselor"]?["label"] == "未通过待修改")

        #expect(try await f.call(.patch, "/\(Demo.student)", ["values": ["company": "示例科技有限公司"]], as: f.student).status == 200)
        let resubmitted = try await f.call(.post, "/\(Demo.student)/submit", as: f.student)
        #expect(try resubmitted.json["state"] == "pending:counselor")
        #expect(try resubmitted.json["levels"]?["counselor"]?["label"] == "未通过已修改")

        // 一键复制填报: the counselor copies the form into the official values and sets a staff field.
        let approved = try await f.review(Demo.student, "approve", as: f.counselor, extra: ["copyFill": true, "values": ["mentor": "张老师"]])
        #expect(approved.status == 200)
        #expect(try approved.json["values"]?["company"] == "示例科技有限公司")
        #expect(try approved.json["values"]?["mentor"] == "张老师")
        #expect(try approved.json["levels"]?["counselor"]?["status"] == "approved")
        #expect(try await f.review(Demo.student, "approve", as: f.college).json["state"] == "pending:school")
        let done = try await f.review(Demo.student, "approve", as: f.school)
        #expect(try done.json["state"] == "approved")
        #expect(try done.json["levels"]?["school"]?["status"] == "approved")

        let history = try await f.call(.get, "/\(Demo.student)/history", as: f.student).json["history"]?.arrayValue ?? []
        #expect(history.map { $0["action"]?.stringValue ?? "" } == ["create", "submit", "reject", "resubmit", "approve", "approve", "approve"])
        #expect(history[2]["reason"] == "missing" && history[2]["note"] == "请补充开始日期证明" && history[2]["level"] == "counselor")
        #expect(history[5]["actor"] == "cs-college" && history[5]["role"] == "college" && history[5]["from"] == "pending:college")
        // The student hears of every outcome: the rejection and three approvals.
        let heard = try await f.inbox.wait(for: 4).compactMap { try? JSONDecoder().decode(JSONValue.self, from: $0.body) }
        #expect(heard.filter { $0["to"] == .string(Demo.student) }.map { $0["event"] } == ["record.reject", "record.approve", "record.approve", "record.approve"])
        #expect(heard.first?["text"]?.stringValue?.hasPrefix("您的实习登记未通过审核（材料缺失）") == true)
        try await f.d.stop()
        await f.inbox.stop()
    }

    @Test("refusals: wrong level, wrong role, out of scope, review state through update, self-approval, field rights")
    func refusals() async throws {
        let f = try await Fixture.start()
        _ = try await f.call(.post, "", ["student": .string(Demo.student), "values": ["company": "甲", "startDate": "2026-03-01"]], as: f.student)
        let missing = try await f.call(.post, "/\(Demo.student)/submit", as: f.student)
        #expect(missing.status == 200)

        let wrongLevel = try await f.review(Demo.student, "approve", as: f.school)
        #expect(wrongLevel.status == 403 && wrongLevel.errorCode == "forbidden")
        let studentApproves = try await f.review(Demo.student, "approve", as: f.student)
        #expect(studentApproves.status == 403)
        let noSuchAction = try await f.review(Demo.student, "confirm", as: f.counselor)
        #expect(noSuchAction.status == 409 && noSuchAction.errorCode == "invalid_transition")

        let state = try await f.call(.patch, "/\(Demo.student)", ["state": "approved", "values": [:]], as: f.school)
        #expect(state.status == 400 && state.errorCode == "review_state_readonly")
        let level = try await f.call(.patch, "/\(Demo.student)", ["values": ["levels": "x"]], as: f.school)
        #expect(level.status == 400 && level.errorCode == "review_state_readonly")
        let locked = try await f.call(.patch, "/\(Demo.student)", ["values": ["company": "乙"]], as: f.student)
        #expect(locked.status == 409 && locked.errorCode == "not_editable")

        // Out of scope: an accounting student's record does not exist for this counselor.
        let accountant = try await f.call(.post, "", ["student": .string(Demo.accountant), "values": ["company": "丙"]], as: f.school)
        #expect(accountant.status == 200)
        #expect(try await f.call(.get, "/\(Demo.accountant)", as: f.counselor).status == 404)
        #expect(try await f.review(Demo.accountant, "approve", as: f.counselor).status == 404)
        #expect(try await f.call(.get, "/\(Demo.accountant)", as: f.student).status == 404)

        // Self-approval: one person holding two levels approves only one of them.
        try await f.d.addAccount("dual", roles: [.counselor, .college], college: "计算机学院", classes: ["软件2201"])
        let dual = try await f.d.login("dual")
        #expect(try await f.review(Demo.student, "approve", as: dual).json["state"] == "pending:college")
        let again = try await f.review(Demo.student, "approve", as: dual)
        #expect(again.status == 403 && again.errorCode == "self_approval")

        // Field rights and types.
        let classmate = try await f.d.login(Demo.classmate, Demo.initialPassword(Demo.classmate))
        let registry = try await f.call(.post, "", ["student": .string(Demo.classmate), "values": ["registryNo": "X1"]], as: classmate)
        #expect(registry.status == 403 && registry.errorCode == "field_not_editable")
        let staffField = try await f.call(.post, "", ["student": .string(Demo.classmate), "values": ["mentor": "我自己"]], as: classmate)
        #expect(staffField.status == 403)
        let badCode = try await f.call(.post, "", ["student": .string(Demo.classmate), "values": ["creditCode": "91350100M000100Y44"]], as: classmate)
        #expect(badCode.status == 400 && badCode.errorCode == "invalid_credit_code")
        #expect(try badCode.json["error"]?["field"] == "creditCode")
        let badDate = try await f.call(.post, "", ["student": .string(Demo.classmate), "values": ["startDate": "2026-02-30"]], as: classmate)
        #expect(badDate.status == 400 && badDate.errorCode == "invalid_date")
        #expect(try await f.call(.post, "", ["student": .string(Demo.classmate), "values": ["company": "丁"]], as: classmate).status == 200)
        let incomplete = try await f.call(.post, "/\(Demo.classmate)/submit", as: classmate)
        #expect(incomplete.status == 400 && incomplete.errorCode == "required")
        #expect(try incomplete.json["error"]?["field"] == "startDate")
        let otherStudent = try await f.call(.post, "", ["student": .string(Demo.student), "values": ["company": "戊"]], as: classmate)
        #expect(otherStudent.status == 404)
        let grade = try await f.call(.patch, "/\(Demo.student)", ["values": ["grade": "C"]], as: f.school)
        #expect(grade.status == 400 && grade.errorCode == "invalid_code")
        #expect(try await f.call(.patch, "/\(Demo.student)", ["values": ["grade": "A"]], as: f.school).status == 200)
        try await f.d.stop()
        await f.inbox.stop()
    }

    @Test("lists filter, sort and page within the scope; page sizes are 20, 50, 100 or 200; search takes up to 2000 values")
    func listsAndSearch() async throws {
        let f = try await Fixture.start()
        // Records for every demo student, created by the school.
        let numbers = try await f.d.request(.get, "/api/v1/students?limit=200", token: f.school).json["students"]?.arrayValue?.compactMap { $0["number"]?.stringValue } ?? []
        #expect(numbers.count == 200)
        for (i, n) in numbers.enumerated() {
            let r = try await f.call(.post, "", ["student": .string(n), "values": ["company": .string(i % 2 == 0 ? "甲公司" : "乙公司")]], as: f.school)
            #expect(r.status == 200)
        }
        let page = try await f.call(.get, "?size=20&cohort=2026&company=甲公司", as: f.counselor).json
        let records = page["records"]?.arrayValue ?? []
        #expect(records.count == 10)
        #expect(records.allSatisfy { $0["cohort"] == 2026 && $0["values"]?["company"] == "甲公司" && ($0["class"]?.stringValue ?? "").hasPrefix("软件") })
        #expect(page["next"] == .null)

        // Records nobody submitted are 已保存未提交 at every level, as the answers show them: not 未审核.
        let unreviewed = try await f.call(.get, "?size=50&level.counselor=pending", as: f.college).json
        #expect(unreviewed["records"]?.arrayValue?.isEmpty == true)
        let all = try await f.call(.get, "?size=50&level.counselor=unsubmitted", as: f.college).json
        #expect(all["records"]?.arrayValue?.count == 50)
        let next = try #require(all["next"]?.stringValue)
        let second = try await f.call(.get, "?size=50&after=\(next)", as: f.college).json["records"]?.arrayValue ?? []
        #expect(second.count == 30 && second.allSatisfy { ($0["id"]?.stringValue ?? "") > next })
        let descending = try await f.call(.get, "?size=20&sort=-id&fields=company", as: f.school).json["records"]?.arrayValue ?? []
        #expect(descending.first?["id"] == .string(numbers.max()!))
        #expect(descending.first?["values"]?.objectValue?.keys == ["company"])

        let size30 = try await f.call(.get, "?size=30", as: f.school)
        #expect(size30.status == 400 && size30.errorCode == "invalid_page_size")
        // 设置筛选字段: a field without an index filters too (checked on the candidates); an undeclared one is named.
        let unindexed = try await f.call(.get, "?mentor=张", as: f.school)
        #expect(try unindexed.status == 200 && unindexed.json["records"] == [])
        let undeclared = try await f.call(.get, "?colour=red", as: f.school)
        #expect(try undeclared.status == 400 && undeclared.errorCode == "unknown_filter" && undeclared.json["error"]?["field"] == "colour")

        let pasted = "\(numbers[0])\n\(numbers[1])\t黄敏,nobody\r\n\(numbers[150])"
        let found = try await f.call(.post, "/search", ["query": .string(pasted)], as: f.counselor).json
        let hits = found["records"]?.arrayValue ?? []
        let hitNumbers = Set(hits.compactMap { $0["student"]?.stringValue })
        #expect(hitNumbers.contains(numbers[0]) && hitNumbers.contains(numbers[1]))
        // Everything else found is a student named 黄敏 in the counselor's classes.
        #expect(hits.filter { ![numbers[0], numbers[1]].contains($0["student"]?.stringValue ?? "") }
            .allSatisfy { $0["studentName"] == "黄敏" && ($0["class"]?.stringValue ?? "").hasPrefix("软件") })
        #expect(found["unmatched"] == ["nobody", .string(numbers[150])], "outside the counselor's scope counts as no match")
        // numbers[0] is 黄敏 too: matched by number and by name, listed once.
        let ids = hits.compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == ids.count, "\(ids)")
        // The other way round: by name first, then by number: still once, where the name found it.
        let reversed = try await f.call(.post, "/search", ["query": .string("黄敏\n\(numbers[0])")], as: f.counselor).json
        let reversedIDs = reversed["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Set(reversedIDs).count == reversedIDs.count && reversedIDs.contains(numbers[0]) && reversed["unmatched"] == [], "\(reversedIDs)")
        let tooMany = (0..<2001).map { "S\($0)" }.joined(separator: "\n")
        let refused = try await f.call(.post, "/search", ["query": .string(tooMany)], as: f.school)
        #expect(refused.status == 400 && refused.errorCode == "too_many_values")
        #expect(try refused.json["error"]?["message"]?.stringValue?.contains("2001") == true)
        try await f.d.stop()
        await f.inbox.stop()
    }

    @Test("batch operations: approve only what lower levels approved, modify a field, change cohort, notify")
    func batch() async throws {
        let f = try await Fixture.start()
        let ids = [Demo.student, Demo.classmate, "202211003"]
        for n in ids {
            let token = try await f.d.login(n, Demo.initialPassword(n))
            #expect(try await f.call(.post, "", ["student": .string(n), "values": ["company": "甲", "startDate": "2026-03-01"]], as: token).status == 200)
            #expect(try await f.call(.post, "/\(n)/submit", as: token).status == 200)
            #expect(try await f.review(n, "approve", as: f.counselor).status == 200)
        }
        for n in ids.prefix(2) { #expect(try await f.review(n, "approve", as: f.college).status == 200) }

        let result = try await f.call(.post, "/batch", ["action": "approve", "ids": .array((ids + ["nosuch"]).map(JSONValue.string))], as: f.school).json
        let byID = Dictionary(uniqueKeysWithValues: (result["results"]?.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0) })
        #expect(byID[Demo.student]?["ok"] == true && byID[Demo.classmate]?["ok"] == true)
        #expect(byID["202211003"]?["error"]?["code"] == "invalid_transition")
        #expect(byID["nosuch"]?["error"]?["code"] == "not_found")
        #expect(result["succeeded"] == 2 && result["failed"] == 2)
        #expect(try await f.call(.get, "/\(Demo.student)", as: f.school).json["state"] == "approved")
        // The college batch-approves what waits at its own level, nothing else, and runs no school action.
        let college = try await f.call(.post, "/batch", ["action": "approve", "ids": .array(ids.map(JSONValue.string))], as: f.college).json
        #expect(college["succeeded"] == 1 && college["results"]?.arrayValue?.first { $0["id"] == "202211003" }?["ok"] == true)
        #expect(try await f.call(.get, "/202211003", as: f.school).json["state"] == "pending:school")
        let collegeModify = try await f.call(.post, "/batch", ["action": "modify", "ids": .array(ids.map(JSONValue.string)), "field": "mentor", "value": "王"], as: f.college)
        #expect(collegeModify.status == 403)

        let modified = try await f.call(.post, "/batch", ["action": "modify", "ids": .array(ids.map(JSONValue.string)), "field": "mentor", "value": "李老师"], as: f.school)
        #expect(try modified.json["succeeded"] == 3)
        #expect(try await f.call(.get, "/\(Demo.classmate)", as: f.school).json["values"]?["mentor"] == "李老师")
        let badValue = try await f.call(.post, "/batch", ["action": "modify", "ids": .array(ids.map(JSONValue.string)), "field": "grade", "value": "Z"], as: f.school)
        #expect(badValue.status == 400 && badValue.errorCode == "invalid_code")
        let stateField = try await f.call(.post, "/batch", ["action": "modify", "ids": [.string(Demo.student)], "field": "state", "value": "draft"], as: f.school)
        #expect(stateField.status == 400 && stateField.errorCode == "review_state_readonly")

        #expect(try await f.call(.post, "/batch", ["action": "change-cohort", "ids": [.string(Demo.student)], "cohort": 2027], as: f.school).json["succeeded"] == 1)
        let moved = try await f.call(.get, "?size=200&cohort=2027", as: f.school).json["records"]?.arrayValue ?? []
        #expect(moved.map { $0["id"] } == [.string(Demo.student)])
        #expect(try await f.d.request(.get, "/api/v1/students/\(Demo.student)", token: f.school).json["cohort"] == 2027)

        let before = try await f.inbox.wait(for: 1000, timeout: 0.5).count
        #expect(try await f.call(.post, "/batch", ["action": "notify", "ids": .array(ids.map(JSONValue.string)), "message": "请尽快完成"], as: f.school).json["succeeded"] == 3)
        let after = try await f.inbox.wait(for: before + 3)
        #expect(after.count == before + 3)
        #expect(after.suffix(3).allSatisfy { (try? JSONDecoder().decode(JSONValue.self, from: $0.body))?["text"] == "请尽快完成" })
        try await f.d.stop()
        await f.inbox.stop()
    }

    @Test("jiuyectl audit verify detects a history entry altered or removed in LMDB")
    func auditVerify() async throws {
        let f = try await Fixture.start()
        _ = try await f.call(.post, "", ["student": .string(Demo.student), "values": ["company": "甲", "startDate": "2026-03-01"]], as: f.student)
        _ = try await f.call(.post, "/\(Demo.student)/submit", as: f.student)
        _ = try await f.review(Demo.student, "reject", as: f.counselor, reason: "missing")
        #expect(try await f.d.admin("audit", "verify").ok)

        let kind = try f.d.daemon.services.kinds().kind("internship")
        let env = f.d.daemon.directory.environment
        try env.write { txn in
            var e = try #require(try kind.history.get(txn, KeyPair(Demo.student, 3)))
            e.reason = "other"   // rewritten behind the engine's back, hash left as it was
            try kind.history.put(txn, KeyPair(Demo.student, 3), e)
        }
        let altered = try await f.d.admin("audit", "verify")
        #expect(!altered.ok)
        #expect(altered.error?.message.contains("internship  \(Demo.student)  3  entry altered") == true)

        try env.write { txn in _ = try kind.history.delete(txn, KeyPair(Demo.student, 3)) }
        let removed = try await f.d.admin("audit", "verify", "internship")
        #expect(removed.error?.message.contains("latest entries missing") == true)
        try await f.d.stop()
        await f.inbox.stop()
    }

    @Test("the YAML kind is in the OpenAPI document and /api/v1/plugins")
    func documented() async throws {
        let f = try await Fixture.start()
        let doc = try await f.d.request(.get, "/api/v1/openapi.json").json
        #expect(doc["paths"]?["/api/v1/records/{kind}"]?["get"] != nil)
        #expect(doc["paths"]?["/api/v1/records/{kind}/{id}/review"]?["post"] != nil)
        #expect(doc["components"]?["schemas"]?["internship.values"]?["required"] == ["company", "startDate"])
        let plugins = try await f.d.request(.get, "/api/v1/plugins").json["plugins"]?.arrayValue ?? []
        let internship = plugins.first { $0["id"] == "internship" }
        #expect(internship?["label"] == "实习登记")
        #expect(internship?["kinds"]?.arrayValue?.first?["fields"]?.arrayValue?.count == 6)
        try await f.d.stop()
        await f.inbox.stop()
    }
}

@Suite("Review levels")
struct ReviewLevelTests {
    @Test("a rejection at the college level, resubmitted to restart at the rejecting level, shows 未通过已修改 there only")
    func rejectingStage() async throws {
        let config = RecordTests.config.replacingOccurrences(of: "stages: [counselor, college, school]",
                                                             with: "stages: [counselor, college, school]\n            resubmission: rejecting-stage")
        #expect(config != RecordTests.config)
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: config, seedDemo: true)
        let student = try await d.login(Demo.student, Demo.studentPassword)
        let counselor = try await d.login("counselor-se", Demo.password)
        let college = try await d.login("cs-college", Demo.password)
        func call(_ m: HTTPMethod, _ p: String, _ b: JSONValue? = nil, _ t: String) async throws -> TestResponse {
            try await d.request(m, "/api/v1/records/internship" + p, body: b, token: t)
        }
        _ = try await call(.post, "", ["student": .string(Demo.student), "values": ["company": "甲", "startDate": "2026-03-01"]], student)
        _ = try await call(.post, "/\(Demo.student)/submit", nil, student)
        _ = try await call(.post, "/\(Demo.student)/review", ["action": "approve"], counselor)
        let rejected = try await call(.post, "/\(Demo.student)/review", ["action": "reject", "reason": "other", "note": "单位名称不全"], college).json
        #expect(rejected["state"] == "rejected:college")
        #expect(rejected["levels"]?["counselor"]?["status"] == "approved")
        #expect(rejected["levels"]?["college"]?["status"] == "rejected")
        let again = try await call(.post, "/\(Demo.student)/submit", nil, student).json
        #expect(again["state"] == "pending:college", "restarts at the level that rejected it")
        #expect(again["levels"]?["counselor"]?["status"] == "approved")
        #expect(again["levels"]?["college"]?["status"] == "fixed")
        #expect(again["levels"]?["school"]?["status"] == "pending")
        // Filters see the per-level status.
        let fixed = try await d.request(.get, "/api/v1/records/internship?level.college=fixed", token: college).json["records"]?.arrayValue
        #expect(fixed?.map { $0["id"] } == [.string(Demo.student)])
        let approved = try await call(.post, "/\(Demo.student)/review", ["action": "approve"], college).json
        #expect(approved["levels"]?["college"]?["status"] == "approved" && approved["state"] == "pending:school")
        try await d.stop()
    }
}

@Suite("Record format")
struct RecordFormatTests {
    /// A record as version 1 wrote it: no party after the state.
    static func versionOne() -> [UInt8] {
        var w = ByteWriter()
        w.u8(1)
        w.string("202211001"); w.string("202211001"); w.string("黄敏")
        w.u32(1); w.u32(2); w.u32(3); w.u16(2026)
        w.string("pending:counselor")
        w.u8(1); w.u8(LevelStatus.pending.rawValue); w.string("")
        w.u32(0)
        w.f64(1); w.f64(2)
        w.u32(1); w.blob([9, 9])
        w.u16(0)
        w.blob(Array(#"{"a":1}"#.utf8)); w.blob(Array("{}".utf8))
        return w.bytes
    }

    @Test("version 1 records still read, with no party; version 2 keeps the party")
    func versions() throws {
        let old = try Self.versionOne().withUnsafeBytes { try StoredRecord(decodingValue: $0) }
        #expect(old.party == "" && old.state == "pending:counselor" && old.historyHead == [9, 9] && old.values == Array(#"{"a":1}"#.utf8))
        var r = old
        r.party = "91110108MA01ABCD1E"
        let bytes = try r.encodeValue()
        #expect(bytes.first == StoredRecord.formatVersion)
        let back = try bytes.withUnsafeBytes { try StoredRecord(decodingValue: $0) }
        #expect(back == r)
        #expect(try bytes.withUnsafeBytes { try RecordView($0).party } == "91110108MA01ABCD1E")
    }
}
