import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
import Storage
@testable import Daemon

/// 就业数据核查: each rule's case and its near miss, the scope of what a caller learns, the
/// admin verb over the real socket, and the flags beside a record.
@Suite("Employment data audit")
struct EmploymentAuditTests {
    /// N = 2; the 2026 window wide enough that today's submissions fall inside it.
    static let config = """
        plugins:
          source-info: {}
          employment-info:
            kinds:
              employment-info:
                audit:
                  sharedContactLimit: 2
                  windows: {"2026": {from: "2025-07-01", to: "2099-12-31"}}

        """

    /// Software students (软件2201, the counselor's), and an accountant outside the counselor's scope.
    static let s1 = Demo.student, s2 = Demo.classmate, s3 = "202211003", s4 = "202211004", out = Demo.accountant

    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x31, count: 600))
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x32, count: 600))

    /// A valid 统一社会信用代码 numbered `n`.
    static func code(_ n: Int) -> String {
        let first17 = "91110108MA01ABC" + String(format: "%02d", n)
        return first17 + String(CreditCode.checkCharacter(for: first17)!)
    }

    struct Fixture {
        let d: TestDaemon
        let school: String

        static func start() async throws -> Fixture {
            let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: EmploymentAuditTests.config, seedDemo: true)
            return Fixture(d: d, school: try await d.login("school", Demo.password))
        }

        /// A draft 就业信息 record made by the school with `values`.
        func record(_ student: String, _ values: JSONObject) async throws {
            let r = try await d.request(.post, "/api/v1/records/employment-info", body: ["student": .string(student), "values": .object(values)], token: school)
            #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
        }

        func patch(_ student: String, _ values: JSONObject) async throws {
            let r = try await d.request(.patch, "/api/v1/records/employment-info/\(student)", body: ["values": .object(values)], token: school)
            #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
        }

        func upload(_ student: String, _ data: Data) async throws {
            let r = try await d.request(.post, "/api/v1/records/employment-info/\(student)/materials?name=offer.jpg", rawBody: data, token: school)
            #expect(r.status == 200)
        }

        /// Records of `students` (待就业), each with the same proof attached.
        func sharingProof(_ students: [String]) async throws {
            for s in students {
                try await record(s, ["destination": "70"])
                try await upload(s, EmploymentAuditTests.jpeg)
            }
        }

        /// The flags of one rule in the audit `token` sees.
        func flags(_ rule: String, as token: String? = nil, cohort: Int? = nil) async throws -> [JSONValue] {
            let r = try await d.request(.get, "/api/v1/audit/employment-info" + (cohort.map { "?cohort=\($0)" } ?? ""), token: token ?? school)
            #expect(r.status == 200)
            return try (r.json["flags"]?.arrayValue ?? []).filter { $0["rule"]?.stringValue == rule }
        }

        /// The student numbers a flag names.
        static func students(_ flag: JSONValue) -> Set<String> {
            Set((flag["records"]?.arrayValue ?? []).compactMap { $0["student"]?.stringValue })
        }
    }

    @Test("the same file on two students' records is flagged; the same file twice on one record, or two files, are not")
    func sharedFile() async throws {
        let f = try await Fixture.start()
        for s in [Self.s1, Self.s2] { try await f.record(s, ["destination": "70"]) }
        try await f.upload(Self.s1, Self.jpeg)
        try await f.upload(Self.s1, Self.jpeg)
        try await f.upload(Self.s2, Self.png)
        #expect(try await f.flags("shared-file").isEmpty)
        try await f.upload(Self.s2, Self.jpeg)
        let flags = try await f.flags("shared-file")
        #expect(flags.count == 1)
        #expect(Fixture.students(flags[0]) == [Self.s1, Self.s2])
        #expect(flags[0]["label"] == "证明材料重复")
        #expect(flags[0]["message"]?.stringValue?.contains("2 名学生") == true)
        // The hash in the proof field counts as the same file.
        let sha = try #require(flags[0]["subject"]?.stringValue)
        try await f.record(Self.s3, ["destination": "70", "proofFile": .string(sha)])
        #expect(try await f.flags("shared-file").map(Fixture.students) == [[Self.s1, Self.s2, Self.s3]])
        try await f.d.stop()
    }

    @Test("one credit code under two names flags the record that differs, counting both names; the same name spelled with other brackets or spaces is not")
    func consistentName() async throws {
        let f = try await Fixture.start()
        let x = Self.code(1)
        try await f.record(Self.s1, ["destination": "10", "employerCreditCode": .string(x), "employerName": "示例科技（北京）有限公司"])
        try await f.record(Self.s2, ["destination": "10", "employerCreditCode": .string(x), "employerName": "示例科技(北京) 有限公司"])
        #expect(try await f.flags("consistent-name").isEmpty)
        try await f.record(Self.s3, ["destination": "10", "employerCreditCode": .string(x), "employerName": "另一家公司"])
        let flags = try await f.flags("consistent-name")
        #expect(flags.count == 1)
        // The records that differ from the name most give; every name is counted.
        #expect(Fixture.students(flags[0]) == [Self.s3])
        #expect(flags[0]["records"]?.arrayValue?.first?["value"] == "另一家公司")
        #expect(flags[0]["subject"]?.stringValue == x && flags[0]["label"] == "单位名称不一致")
        let message = flags[0]["message"]?.stringValue ?? ""
        #expect(message.contains("另一家公司（1 人）") && message.contains("示例科技(北京)有限公司（2 人）"), "\(message)")
        // Beside a record: the one that differs has the flag, one with the common name has none.
        let beside = { (s: String) in try await f.d.request(.get, "/api/v1/records/employment-info/\(s)/audit", token: f.school).json["flags"]?.arrayValue ?? [] }
        #expect(try await beside(Self.s3).map { $0["rule"] } == ["consistent-name"])
        #expect(try await beside(Self.s1).isEmpty)
        try await f.d.stop()
    }

    @Test("a phone for N students is not flagged, N+1 of one employer is not, N+1 of different employers is; e-mails compare without case")
    func sharedContact() async throws {
        let f = try await Fixture.start()
        let (x, y) = (Self.code(1), Self.code(2))
        // N = 2: two students of two employers share a phone, three of one employer another.
        try await f.record(Self.s1, ["destination": "10", "employerCreditCode": .string(x), "contactPhone": "13800000001", "contactEmail": "hr@x.cn"])
        try await f.record(Self.s2, ["destination": "10", "employerCreditCode": .string(y), "contactPhone": "138-0000-0001", "contactEmail": "HR@X.cn"])
        try await f.record(Self.s3, ["destination": "10", "employerCreditCode": .string(x), "contactPhone": "13900000009"])
        try await f.record(Self.s4, ["destination": "10", "employerCreditCode": .string(x), "contactPhone": "13900000009"])
        try await f.record("202211005", ["destination": "10", "employerCreditCode": .string(x), "contactPhone": "+86 139 0000 0009"])
        #expect(try await f.flags("shared-contact").isEmpty)
        try await f.record("202211006", ["destination": "10", "employerCreditCode": .string(Self.code(3)), "contactPhone": "13800000001", "contactEmail": "Hr@x.CN"])
        let flags = try await f.flags("shared-contact")
        #expect(flags.count == 2, "the phone and the e-mail")
        #expect(flags.allSatisfy { Fixture.students($0) == [Self.s1, Self.s2, "202211006"] })
        #expect(Set(flags.compactMap { $0["subject"]?.stringValue }) == ["13800000001", "hr@x.cn"])
        #expect(flags.contains { $0["message"]?.stringValue?.contains("3 名学生、3 个不同统一社会信用代码") == true })
        try await f.d.stop()
    }

    @Test("a signing date after the day of submission is flagged, the same day is not; outside the cohort's window is flagged, its first day is not")
    func signingDates() async throws {
        let f = try await Fixture.start()
        let today = AuditTerms.day(Date().timeIntervalSince1970)
        let tomorrow = AuditTerms.day(Date().timeIntervalSince1970 + 86_400)
        let study: JSONObject = ["destination": "801", "studySchool": "北京大学", "studyMajor": "软件工程"]
        for (s, date) in [(Self.s1, today), (Self.s2, tomorrow)] {
            var values = study
            values["signedDate"] = .string(date)
            try await f.record(s, values)
            let token = try await f.d.login(s, Demo.initialPassword(s))
            let r = try await f.d.request(.post, "/api/v1/records/employment-info/\(s)/submit", token: token)
            #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
        }
        // Not submitted: a date after today alone is no flag.
        try await f.record(Self.s3, ["destination": "70", "signedDate": .string(tomorrow)])
        let late = try await f.flags("date-after-submission")
        #expect(late.count == 1 && Fixture.students(late[0]) == [Self.s2])
        #expect(late[0]["label"] == "签约日期异常")
        #expect(late[0]["message"]?.stringValue == "签约日期 \(tomorrow) 晚于提交审核的日期 \(today)")

        try await f.record(Self.s4, ["destination": "70", "signedDate": "2025-07-01"])
        #expect(try await f.flags("date-window").isEmpty)
        try await f.record("202211005", ["destination": "70", "signedDate": "2025-06-30"])
        let outside = try await f.flags("date-window")
        #expect(outside.count == 1 && Fixture.students(outside[0]) == ["202211005"])
        #expect(outside[0]["message"]?.stringValue?.contains("不在 2026 届规定的期间（2025-07-01 至 2099-12-31）内") == true)
        // A cohort without a window is not checked, and asking for it shows nothing of 2026.
        #expect(try await f.flags("date-window", cohort: 2027).isEmpty)
        try await f.d.stop()
    }

    @Test("a destination changed after the final approval is flagged with both values; a change while under review is not")
    func changedAfterApproval() async throws {
        let f = try await Fixture.start()
        try await f.record(Self.s1, ["destination": "801", "studySchool": "北京大学", "studyMajor": "软件工程"])
        let student = try await f.d.login(Self.s1, Demo.studentPassword)
        #expect(try await f.d.request(.post, "/api/v1/records/employment-info/\(Self.s1)/submit", token: student).status == 200)
        let base = "/api/v1/records/employment-info/\(Self.s1)/review"
        let counselor = try await f.d.login("counselor-se", Demo.password), college = try await f.d.login("cs-college", Demo.password)
        for token in [counselor, college] {
            #expect(try await f.d.request(.post, base, body: ["action": "approve"], token: token).status == 200)
        }
        // Under review at the school's level: the school corrects the destination, then approves it.
        try await f.patch(Self.s1, ["destination": "802"])
        #expect(try await f.d.request(.post, base, body: ["action": "approve"], token: f.school).status == 200)
        #expect(try await f.flags("changed-after-approval").isEmpty)
        try await f.patch(Self.s1, ["destination": "70"])
        let flags = try await f.flags("changed-after-approval")
        #expect(flags.count == 1 && Fixture.students(flags[0]) == [Self.s1])
        #expect(flags[0]["label"] == "审核通过后修改毕业去向")
        #expect(flags[0]["message"] == "毕业去向审核通过时为「802 第二学士学位」，现为「70 待就业」")
        // Back to what was approved: nothing to look at.
        try await f.patch(Self.s1, ["destination": "802"])
        #expect(try await f.flags("changed-after-approval").isEmpty)
        try await f.d.stop()
    }

    @Test("a counselor sees flags with a record in scope, the others counted but not named; students and employers are refused")
    func scope() async throws {
        let f = try await Fixture.start()
        try await f.record(Self.s1, ["destination": "70"])
        try await f.record(Self.out, ["destination": "70"])
        try await f.record("202231002", ["destination": "70"])
        try await f.upload(Self.s1, Self.jpeg)
        try await f.upload(Self.out, Self.jpeg)
        // Shared between two accountants only: the counselor has no record in it.
        try await f.upload(Self.out, Self.png)
        try await f.upload("202231002", Self.png)
        #expect(try await f.flags("shared-file").count == 2)

        let counselor = try await f.d.login("counselor-se", Demo.password)
        let r = try await f.d.request(.get, "/api/v1/audit/employment-info", token: counselor)
        #expect(r.status == 200)
        let flags = try r.json["flags"]?.arrayValue ?? []
        #expect(flags.count == 1)
        #expect(Fixture.students(flags[0]) == [Self.s1] && flags[0]["hidden"] == 1)
        #expect(flags[0]["message"]?.stringValue?.contains("另有 1 条记录不在您的查看范围内") == true)
        let text = String(decoding: r.body, as: UTF8.self)
        // (202231001 bears the same name as 202211001; 202231002's is their own.)
        let outName = try await f.d.request(.get, "/api/v1/records/employment-info/202231002", token: f.school).json["studentName"]?.stringValue ?? "?"
        #expect(!text.contains(Self.out) && !text.contains("202231002") && !text.contains(outName))

        // One record's flags: in scope for the counselor, a 404 outside it, a 403 for a student and an employer.
        let mine = try await f.d.request(.get, "/api/v1/records/employment-info/\(Self.s1)/audit", token: counselor)
        #expect(try mine.json["flags"]?.arrayValue?.count == 1)
        #expect(try await f.d.request(.get, "/api/v1/records/employment-info/\(Self.out)/audit", token: counselor).status == 404)
        let student = try await f.d.login(Self.s1, Demo.studentPassword)
        let employer = try await f.d.login(DemoInstitution.employerCreditCode, Demo.password)
        for token in [student, employer] {
            #expect(try await f.d.request(.get, "/api/v1/audit/employment-info", token: token).status == 403)
            #expect(try await f.d.request(.get, "/api/v1/records/employment-info/\(Self.s1)/audit", token: token).status == 403)
        }
        // A kind without an audit: no list, and no flags beside its records.
        #expect(try await f.d.request(.get, "/api/v1/audit/source-info", token: f.school).status == 404)
        #expect(try await f.d.request(.get, "/api/v1/records/source-info/\(Self.s1)/audit", token: f.school).json["flags"] == [])
        #expect(try await f.d.request(.get, "/api/v1/audit/employment-info?cohort=x", token: f.school).status == 400)
        try await f.d.stop()
    }

    @Test("jiuyectl audit employment lists every flag over the socket, --cohort narrows it, an unknown name is a usage error")
    func adminVerb() async throws {
        let f = try await Fixture.start()
        try await f.sharingProof([Self.s1, Self.out])
        let all = try await f.d.admin("audit", "employment")
        #expect(all.ok)
        let reply = try #require(all.reply)
        #expect(reply.columns == ["规则", "学生", "依据"])
        #expect(reply.rows?.count == 1)
        #expect(reply.rows?.first?.first == "证明材料重复")
        #expect(reply.rows?.first?[1].contains(Self.out) == true, "the admin sees everyone")
        #expect(reply.result["flags"]?.arrayValue?.count == 1)
        #expect(reply.message?.contains("1 条提示") == true)
        let other = try await f.d.admin("audit", "employment", "--cohort", "2027")
        #expect(other.ok && other.reply?.rows?.isEmpty == true)
        let unknown = try await f.d.admin("audit", "nothing")
        #expect(!unknown.ok && unknown.error?.code == .usage && unknown.error?.message.contains("employment") == true)
        #expect(try await f.d.admin("audit", "verify").ok, "audit verify is still its own verb")
        try await f.d.stop()
    }

    @Test("the indexes are built from data written before them, and the detail screen shows them as a notice it reads from the record's audit route")
    func restartAndConsole() async throws {
        let f = try await Fixture.start()
        try await f.sharingProof([Self.s1, Self.s2])
        try await f.d.stop(keepDirectory: true)
        // As data written before the audit existed: its indexes empty, never built.
        let env = try Storage.Environment(path: f.d.directory + "/data")
        let meta = try env.metaTable(), files = try env.database("audit-files/employment-info", options: .duplicates)
        try env.write { txn in
            try txn.clear(files)
            _ = try meta.delete(txn, AuditIndex.metaKey("employment-info"))
        }
        env.close()
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config, directory: f.d.directory)
        let school = try await d.login("school", Demo.password)
        let r = try await d.request(.get, "/api/v1/records/employment-info/\(Self.s1)/audit", token: school)
        #expect(try r.json["flags"]?.arrayValue?.first?["label"] == "证明材料重复")
        let detail = String(decoding: try await d.request(.get, "/console/screens/detail.js").body, as: UTF8.self)
        #expect(detail.contains("/audit") && detail.contains("数据核查提示"))
        #expect(!detail.contains("employment"), "the console names no module")
        try await d.stop()
    }

    @Test("plugins.yaml refuses a limit below 1, a window that is not a cohort or runs backwards, and an audit on a kind without one")
    func settingsRefused() throws {
        let catalog = PluginCatalog(BuiltinPlugins.all)
        func problems(_ audit: String, kind: String = "employment-info", plugin: String = "employment-info") -> String {
            let text = "plugins:\n" + (plugin == "source-info" ? "" : "  source-info: {}\n") + "  \(plugin):\n    kinds:\n      \(kind):\n        audit: \(audit)\n"
            do {
                _ = try PluginSet.load(text: text, file: "plugins.yaml", catalog: catalog)
                return ""
            } catch { return "\(error)" }
        }
        #expect(problems("{sharedContactLimit: 3, windows: {\"2027\": {from: \"2026-07-01\", to: \"2027-12-31\"}}}") == "")
        #expect(problems("{sharedContactLimit: 0}").contains("at least 1"))
        #expect(problems("{windows: {next: {from: \"2026-07-01\", to: \"2027-12-31\"}}}").contains("not a cohort"))
        #expect(problems("{windows: {\"2027\": {from: \"2027-12-31\", to: \"2026-07-01\"}}}").contains("from not after to"))
        #expect(problems("{windows: {\"2027\": {from: \"2027-02-30\", to: \"2027-12-31\"}}}").contains("from not after to"))
        #expect(problems("{sharedContactLimit: 3}", kind: "source-info", plugin: "source-info").contains("declares no audit"))
    }
}
