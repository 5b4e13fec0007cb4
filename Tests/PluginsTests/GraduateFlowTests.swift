import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// 生源信息 and 就业信息 end to end through the router and the admin verbs, on the demo institution.
@Suite("生源信息 and 就业信息")
struct GraduateFlowTests {
    static let student = "202211001", studentPassword = "020118"
    static let password = "Demo@2026"
    /// A demo student's initial password: the last six characters of their ID number.
    static func initialPassword(_ number: String) -> String { DemoInstitution.initialPassword(of: number)! }
    static let pdf = Data(Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8))

    struct Actors {
        let d: TestDaemon
        let student: String, counselor: String, college: String, school: String

        /// In process: these suites test routes and verbs, not sockets (`JIUYE_TEST_MODE=live` runs them over HTTP).
        static func start(_ config: String? = nil) async throws -> Actors {
            let text = try config ?? String(contentsOfFile: BuiltinPluginsTests.repositoryConfig, encoding: .utf8)
            let d = try await TestDaemon.start(.inProcess, config: text, seedDemo: true)
            return Actors(d: d, student: try await d.login(GraduateFlowTests.student, GraduateFlowTests.studentPassword),
                          counselor: try await d.login("counselor-se", password), college: try await d.login("cs-college", password),
                          school: try await d.login("school", password))
        }
        func call(_ m: HTTPMethod, _ path: String, _ body: JSONValue? = nil, _ token: String) async throws -> TestResponse {
            try await d.request(m, "/api/v1" + path, body: body, token: token)
        }
        /// The three levels approve in turn.
        func approveAll(_ kind: String, _ id: String) async throws {
            for t in [counselor, college, school] {
                let r = try await call(.post, "/records/\(kind)/\(id)/review", ["action": "approve"], t)
                #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
            }
        }
    }

    static let personal: JSONValue = [
        "politicalStatus": "03", "urbanRural": "城镇", "originRegionCode": "110108", "originRegionName": "北京市海淀区",
        "mobile": "13900139000", "homeAddress": "北京市海淀区中关村大街1号", "archiveToSchool": true, "householdToSchool": false,
    ]

    @Test("a student verifies 生源: the import filled the registry; reject with a reason, fix, resubmit, three levels approve")
    func sourceInfo() async throws {
        let a = try await Actors.start()
        let record = try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.student).json
        #expect(record["values"]?["name"] == "黄敏" && record["values"]?["idNumber"] == "110108200402020118")
        #expect(record["values"]?["birthDate"] == "2004-02-02" && record["values"]?["ethnicity"] == "01" && record["values"]?["hardship"] == "非困难生")
        #expect(record["state"] == "draft")
        let locked = try await a.call(.patch, "/records/source-info/\(Self.student)", ["values": ["name": "别人"]], a.student)
        #expect(locked.status == 403 && locked.errorCode == "field_not_editable")

        let early = try await a.call(.post, "/records/source-info/\(Self.student)/submit", nil, a.student)
        #expect(early.status == 400 && early.errorCode == "required")
        #expect(try await a.call(.patch, "/records/source-info/\(Self.student)", ["values": Self.personal], a.student).status == 200)
        #expect(try await a.call(.post, "/records/source-info/\(Self.student)/submit", nil, a.student).json["state"] == "pending:counselor")
        let rejected = try await a.call(.post, "/records/source-info/\(Self.student)/review", ["action": "reject", "reason": "incorrect", "note": "家庭住址请写到门牌号"], a.counselor)
        #expect(try rejected.json["state"] == "rejected:counselor")
        #expect(try await a.call(.patch, "/records/source-info/\(Self.student)", ["values": ["homeAddress": "北京市海淀区中关村大街1号院2号楼"]], a.student).status == 200)
        #expect(try await a.call(.post, "/records/source-info/\(Self.student)/submit", nil, a.student).json["state"] == "pending:counselor")
        try await a.approveAll("source-info", Self.student)
        let history = try await a.call(.get, "/records/source-info/\(Self.student)/history", nil, a.student).json["history"]?.arrayValue ?? []
        #expect(history.map { $0["action"]?.stringValue ?? "" } == ["import", "submit", "reject", "resubmit", "approve", "approve", "approve"])
        #expect(history.map { $0["level"]?.stringValue ?? "" }.suffix(3) == ["counselor", "college", "school"])
        #expect(try await a.call(.get, "/records/source-info/\(Self.student)", nil, a.school).json["state"] == "approved")
        try await a.d.stop()
    }

    @Test("a destination record with a proof upload; the destination decides what is required")
    func employment() async throws {
        let a = try await Actors.start()
        let base = "/records/employment-info"
        let created = try await a.call(.post, base, ["student": .string(Self.student), "values": ["destination": "10"]], a.student)
        #expect(created.status == 200)
        let noEmployer = try await a.call(.post, "\(base)/\(Self.student)/submit", nil, a.student)
        #expect(noEmployer.status == 400 && noEmployer.errorCode == "required")
        #expect(try noEmployer.json["error"]?["field"] == "employerName")
        let badCode = try await a.call(.patch, "\(base)/\(Self.student)", ["values": ["employerCreditCode": "91350100M000100Y44"]], a.student)
        #expect(badCode.status == 400 && badCode.errorCode == "invalid_credit_code")
        #expect(try badCode.json["error"]?["field"] == "employerCreditCode")
        let employer: JSONValue = ["destination": "12", "employerName": "示例科技有限公司", "employerCreditCode": "91350100M000100Y43",
                                   "employerNature": "39", "industry": "34", "employerRegionCode": "110108", "jobCategory": "13"]
        #expect(try await a.call(.patch, "\(base)/\(Self.student)", ["values": employer], a.student).status == 200)
        let noProof = try await a.call(.post, "\(base)/\(Self.student)/submit", nil, a.student)
        #expect(noProof.status == 400 && noProof.errorCode == "materials_required")
        let upload = try await a.d.request(.post, "/api/v1\(base)/\(Self.student)/materials?name=\("录用证明.pdf".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", rawBody: Self.pdf, token: a.student)
        #expect(upload.status == 200)
        #expect(try await a.call(.post, "\(base)/\(Self.student)/submit", nil, a.student).json["state"] == "pending:counselor")
        try await a.approveAll("employment-info", Self.student)
        let history = try await a.call(.get, "\(base)/\(Self.student)/history", nil, a.student).json["history"]?.arrayValue ?? []
        #expect(history.map { $0["action"]?.stringValue ?? "" } == ["create", "submit", "approve", "approve", "approve"])
        // The proof files, as staff download them.
        let proof = try await a.d.request(.get, "/api/v1\(base)/\(Self.student)/materials/archive", token: a.school)
        #expect(proof.body == Self.pdf)
        // Further study needs school and major; none of that for 待就业.
        let other = "202211002"
        let t = try await a.d.login(other, Self.initialPassword(other))
        _ = try await a.call(.post, base, ["student": .string(other), "values": ["destination": "801"]], t)
        let noSchool = try await a.call(.post, "\(base)/\(other)/submit", nil, t)
        #expect(try noSchool.json["error"]?["field"] == "studySchool")
        #expect(try await a.call(.patch, "\(base)/\(other)", ["values": ["destination": "70"]], t).status == 200)
        #expect(try await a.call(.post, "\(base)/\(other)/submit", nil, t).json["state"] == "pending:counselor")
        try await a.d.stop()
    }

    @Test("a bad ID number in the registry import is refused with the column named")
    func badIDNumber() async throws {
        let a = try await Actors.start()
        let r = try await a.d.importStudents(csv: "学号,姓名,身份证号,性别,院系,专业,班级,学历层次,毕业年份\nZ1,甲,110108200402020119,男,计算机学院,软件工程,软件2201,31,2026\n")
        #expect(r.error?.message.contains("第 2 行 C 列 身份证号：身份证号校验位错误") == true)
        try await a.d.stop()
    }

    @Test("the placement rate equals a recount from the records")
    func placement() async throws {
        let a = try await Actors.start()
        let destinations = ["10", "11", "12", "75", "76", "801", "85", "70", "71", "502", "46", "72"]
        let students = try await a.call(.get, "/students?limit=200&cohort=2026", nil, a.school).json["students"]?.arrayValue ?? []
        #expect(students.count == 100)
        var expected: [String: (graduates: Int, landed: Int)] = [:]
        for (i, s) in students.enumerated() {
            let number = try #require(s["number"]?.stringValue)
            let college = try #require(s["college"]?.stringValue)
            expected[college, default: (0, 0)].graduates += 1
            guard i % 5 != 0 else { continue }   // some register nothing
            let code = destinations[i % destinations.count]
            let r = try await a.call(.post, "/records/employment-info", ["student": .string(number), "values": ["destination": .string(code)]], a.school)
            #expect(r.status == 200)
            if !["70", "71", "72"].contains(code) { expected[college]!.landed += 1 }
        }
        let report = try await a.call(.get, "/employment-info/placement?cohort=2026&group=college", nil, a.school).json
        let rows = report["rows"]?.arrayValue ?? []
        for (college, e) in expected {
            let row = try #require(rows.first { $0["name"] == .string(college) })
            #expect(row["graduates"]?.intValue == e.graduates)
            // Registered, none reviewed yet: all of it counts as registered, none as approved.
            let landed = ["employed", "entrepreneurs", "freelancers", "furtherStudy"].compactMap { row["registered"]?[$0]?.intValue }.reduce(0, +)
            #expect(landed == e.landed && row["registered"]?["landed"]?.intValue == e.landed, "\(college)")
            #expect(row["approved"]?["landed"] == 0 && row["rate"] == 0)
        }
        #expect(report["codes"]?["furtherStudy"] == ["80", "85"])
        let counselorView = try await a.call(.get, "/employment-info/placement?cohort=2026&group=college", nil, a.counselor).json
        #expect(counselorView["rows"]?.arrayValue?.first { $0["name"] == "合计" }?["graduates"] == 20)
        let cli = try await a.d.admin("stats", "placement", "--cohort", "2026")
        #expect(cli.ok && cli.reply?.rows?.last?.first == "合计")
        try await a.d.stop()
    }

    @Test("plugins.yaml switches a plugin off, sets two levels and adds a field; plugin reload applies it")
    func reload() async throws {
        let a = try await Actors.start()
        try a.d.writeConfig("""
            auth: {argon2MemoryKiB: 64, argon2Iterations: 1}
            plugins:
              source-info:
                kinds:
                  source-info:
                    review: {stages: [college, school]}
                    fields:
                      - {key: wechatID, label: 微信号, type: text}
            """)
        let r = try await a.d.admin("plugin", "reload")
        #expect(r.ok, "\(r.error?.message ?? "")")
        let plugins = try await a.d.request(.get, "/api/v1/plugins").json["plugins"]?.arrayValue ?? []
        #expect(plugins.compactMap { $0["id"]?.stringValue } == ["source-info"])
        let kind = plugins.first?["kinds"]?.arrayValue?.first
        #expect(kind?["stages"] == ["college", "school"])
        #expect(kind?["fields"]?.arrayValue?.contains { $0["key"] == "wechatID" } == true)
        #expect(try await a.call(.get, "/records/employment-info", nil, a.school).status == 404)
        #expect(try await a.call(.patch, "/records/source-info/\(Self.student)", ["values": ["wechatID": "huangmin"]], a.student).status == 200)
        try await a.d.stop()
    }

    @Test("school batch account actions on selected 生源 records: unlock, reset password, clear WeChat")
    func batchAccountActions() async throws {
        let a = try await Actors.start()
        for _ in 0..<5 {
            _ = try await a.d.request(.post, "/api/v1/auth/login", body: ["username": .string(Self.student), "password": "wrong-1"])
        }
        let locked = try await a.d.request(.post, "/api/v1/auth/login", body: ["username": .string(Self.student), "password": .string(Self.studentPassword)])
        #expect(locked.status == 401)
        let unlock = try await a.call(.post, "/records/source-info/batch", ["action": "unlock", "ids": [.string(Self.student)]], a.school).json
        #expect(unlock["succeeded"] == 1)
        let t = try await a.d.login(Self.student, Self.studentPassword)
        #expect(try await a.call(.post, "/auth/password", ["oldPassword": .string(Self.studentPassword), "newPassword": "another-pass-1"], t).status == 204)
        let reset = try await a.call(.post, "/records/source-info/batch", ["action": "reset-password", "ids": [.string(Self.student), "nosuch"]], a.school).json
        #expect(reset["succeeded"] == 1 && reset["failed"] == 1)
        let again = try await a.d.request(.post, "/api/v1/auth/login", body: ["username": .string(Self.student), "password": .string(Self.studentPassword)])
        #expect(again.status == 200)
        #expect(try again.json["account"]?["mustChangePassword"] == true)
        #expect(try await a.call(.post, "/records/source-info/batch", ["action": "unbind-wechat", "ids": [.string(Self.student)]], a.school).json["succeeded"] == 1)
        try await a.d.stop()
    }
}
