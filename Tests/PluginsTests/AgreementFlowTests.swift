import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// 三方协议 and 解约 end to end over real HTTP, on the demo institution, with the outbox
/// delivering to a real webhook receiver.
@Suite("三方协议 and 解约")
struct AgreementFlowTests {
    static let password = DemoInstitution.staffPassword
    static let employer = "91110108MA01ABCD1E", otherEmployer = "91350100M000100Y43"
    static let student = "202211001", classmate = "202211002"
    static let pdf = Data(Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8))
    static let terms: JSONValue = [
        "employerName": "示例科技有限公司", "position": "软件工程师", "monthlySalary": 12000, "termMonths": 36,
        "workplaceRegionCode": "110108", "workplaceAddress": "北京市海淀区中关村大街1号",
    ]

    static func config(hook: String, window: String = "") -> String {
        """
        notifications:
          backoffSeconds: 0.2
          channels:
            - {name: hook, type: webhook, url: "\(hook)", secret: hook-secret, events: ["record.*", "esign.*", "sms.*"]}
        plugins:
          source-info: {}
          agreements:
            config:
              numberPattern: "^A2027[0-9]{6}$"
              esign: {secret: esign-secret}
          termination:
            config: {\(window)}
        """
    }

    struct World {
        let d: TestDaemon
        let inbox: WebhookReceiver
        let school: String, counselor: String, employer: String, other: String, student: String, classmate: String

        static func start(window: String = "") async throws -> World {
            let inbox = try await WebhookReceiver.start()
            let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: AgreementFlowTests.config(hook: inbox.url, window: window), seedDemo: true)
            try await d.addAccount(AgreementFlowTests.otherEmployer, name: "另一家公司", roles: [.employer])
            return World(d: d, inbox: inbox,
                         school: try await d.login("school", password), counselor: try await d.login("counselor-se", password),
                         employer: try await d.login(AgreementFlowTests.employer, password), other: try await d.login(AgreementFlowTests.otherEmployer),
                         student: try await d.login(AgreementFlowTests.student, DemoInstitution.initialPassword(of: AgreementFlowTests.student)!),
                         classmate: try await d.login(AgreementFlowTests.classmate, DemoInstitution.initialPassword(of: AgreementFlowTests.classmate)!))
        }
        func stop() async throws {
            try await d.stop()
            await inbox.stop()
        }
        func call(_ m: HTTPMethod, _ path: String, _ body: JSONValue? = nil, _ token: String) async throws -> TestResponse {
            try await d.request(m, "/api/v1" + path, body: body, token: token)
        }
        func act(_ id: String, _ action: String, _ token: String, _ extra: JSONObject = [:]) async throws -> TestResponse {
            var body = extra
            body["action"] = .string(action)
            return try await call(.post, "/records/agreement/\(id)/review", .object(body), token)
        }
        func name(of number: String) async throws -> String {
            try await call(.get, "/records/source-info/\(number)", nil, school).json["values"]?["name"]?.stringValue ?? ""
        }
        func numbers(_ list: [String]) async throws -> TestResponse {
            let csv = "协议书编号\n" + list.joined(separator: "\n") + "\n"
            return try await d.request(.post, "/api/v1/agreements/numbers/import", rawBody: Data(csv.utf8), token: school)
        }
        func assign(_ students: [String]) async throws -> [JSONValue] {
            try await call(.post, "/agreements/numbers/assign", ["students": .array(students.map(JSONValue.string))], school).json["results"]?.arrayValue ?? []
        }
        /// Messages the webhook received, as (event, to, record).
        func delivered(until done: ([(String, String, String)]) -> Bool) async throws -> [(String, String, String)] {
            var seen: [(String, String, String)] = []
            for _ in 0..<100 {
                seen = inbox.received.compactMap { call in
                    guard let j = try? JSONDecoder().decode(JSONValue.self, from: call.body) else { return nil }
                    return (j["event"]?.stringValue ?? "", j["to"]?.stringValue ?? "", j["record"]?.stringValue ?? "")
                }
                if done(seen) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            return seen
        }
    }

    @Test("numbers import by row; invite → edit → accept (the number moves) → review → 盖章中 → seal → confirm → 已完成, with e-sign and SMS messages")
    func invitation() async throws {
        let w = try await World.start()
        let bad = try await w.numbers(["A2027000001", "B12", "A2027000001"])
        #expect(bad.status == 400)
        let message = try bad.json["error"]?["message"]?.stringValue ?? ""
        let problems = try bad.json["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(message.contains("2 行有误") && message.contains("未导入"))
        #expect(problems.count == 2 && problems[0].hasPrefix("第 3 行") && problems[0].contains("不符合格式")
                && problems[1].hasPrefix("第 4 行") && problems[1].contains("重复"))
        #expect(try await w.call(.get, "/agreements/numbers", nil, w.school).json == ["free": 0, "issued": 0])
        #expect(try await w.numbers(["A2027000001", "A2027000002", "A2027000003"]).json["imported"] == 3)
        #expect(try await w.numbers(["A2027000003"]).status == 400)

        let issued = try await w.assign([Self.student])
        #expect(issued.first?["ok"] == true && issued.first?["agreementNumber"] == "A2027000001")
        let blankID = try #require(issued.first?["record"]?.stringValue)
        #expect(try await w.assign([Self.student]).first?["ok"] == false)
        // Numbers come from the pool only: staff cannot type one in; a bad signing type or an
        // unknown student is named.
        let typed = try await w.call(.patch, "/records/agreement/\(blankID)", ["values": ["agreementNumber": "A2027000099"]], w.school)
        #expect(typed.status == 403 && typed.errorCode == "field_not_editable")
        let badType = try await w.call(.post, "/agreements/numbers/assign", ["students": ["202211002"], "signingType": "paper"], w.school)
        #expect(try badType.status == 400 && badType.json["error"]?["field"] == "signingType")
        let unknown = try await w.assign(["209999999"]).first
        #expect(unknown?["ok"] == false && unknown?["error"]?.stringValue?.contains("没有学号为 209999999 的学生") == true)
        let blanks = try await w.call(.get, "/records/agreement?state=blank", nil, w.counselor).json["records"]?.arrayValue ?? []
        #expect(blanks.compactMap { $0["id"]?.stringValue } == [blankID])

        // The employer names the student by number and name; a wrong name looks like no student at all.
        let wrong = try await w.call(.post, "/records/agreement", ["student": .string(Self.student), "studentName": "别人", "action": "invite", "values": Self.terms], w.employer)
        #expect(wrong.status == 404)
        let name = try await w.name(of: Self.student)
        let invited = try await w.call(.post, "/records/agreement", ["student": .string(Self.student), "studentName": .string(name), "action": "invite", "values": Self.terms], w.employer)
        #expect(invited.status == 200, "\(String(decoding: invited.body, as: UTF8.self))")
        let id = try #require(try invited.json["id"]?.stringValue)
        #expect(try invited.json["state"] == "invited" && invited.json["values"]?["employerCreditCode"] == .string(Self.employer))
        #expect(try await w.act(id, "edit-invitation", w.employer, ["values": ["monthlySalary": 13000]]).status == 200)
        // The student may not take the employer's moves, nor the employer the student's.
        #expect(try await w.act(id, "withdraw", w.student).status == 403)
        #expect(try await w.act(id, "accept", w.employer).status == 403)

        let accepted = try await w.act(id, "accept", w.student)
        #expect(try accepted.json["state"] == "signing" && accepted.json["values"]?["agreementNumber"] == "A2027000001")
        #expect(try await w.call(.get, "/records/agreement/\(blankID)", nil, w.school).json["state"] == "used")
        #expect(try await w.act(id, "seal", w.employer).status == 409)
        // 以短信的形式通知单位、学生: their mobile numbers ride with the SMS.
        #expect(try await w.d.admin("user", "set-mobile", Self.employer, "13800138000").ok)
        #expect(try await w.d.admin("user", "set-mobile", Self.student, "13900139000").ok)
        #expect(try await w.act(id, "approve", w.counselor).json["state"] == "sealing")
        #expect(try await w.act(id, "seal", w.employer).json["state"] == "sealed")
        #expect(try await w.act(id, "confirm", w.counselor).status == 403)
        let done = try await w.act(id, "confirm", w.school)
        #expect(try done.json["state"] == "completed" && done.json["values"]?["monthlySalary"] == 13000)
        let history = try await w.call(.get, "/records/agreement/\(id)/history", nil, w.employer).json["history"]?.arrayValue ?? []
        #expect(history.map { $0["action"]?.stringValue ?? "" } == ["create", "invite", "edit-invitation", "accept", "approve", "seal", "confirm"])

        let messages = try await w.delivered { seen in
            seen.contains { $0 == ("esign.start", "esign", id) } && seen.filter { $0.0 == "record.approve" }.count == 2
                && seen.filter { $0.0 == "sms.esign" }.count == 2
        }
        let texts = w.inbox.received.compactMap { try? JSONDecoder().decode(JSONValue.self, from: $0.body) }.filter { $0["event"] == "sms.esign" }
        #expect(Set(texts.compactMap { $0["data"]?["mobile"]?.stringValue }) == ["13800138000", "13900139000"])
        #expect(Set(texts.compactMap { $0["to"]?.stringValue }) == [Self.student, Self.employer])
        #expect(texts.allSatisfy { $0["text"]?.stringValue?.contains("A2027000001") == true && $0["text"]?.stringValue?.contains("示例科技有限公司") == true })
        #expect(messages.contains { $0 == ("esign.start", "esign", id) })
        #expect(Set(messages.filter { $0.0 == "record.approve" }.map(\.1)) == [Self.student, Self.employer])
        #expect(messages.contains { $0 == ("record.accept", Self.employer, id) })
        #expect(!messages.contains { $0.0 == "record.seal" && $0.1 == Self.employer })

        // Another employer sees none of it, and no student.
        #expect(try await w.call(.get, "/records/agreement/\(id)", nil, w.other).status == 404)
        #expect(try await w.call(.get, "/records/agreement/\(id)/history", nil, w.other).status == 404)
        #expect(try await w.call(.get, "/records/agreement", nil, w.other).json["records"] == [])
        #expect(try await w.act(id, "seal", w.other).status == 404)
        let mine = try await w.call(.get, "/records/agreement", nil, w.employer).json["records"]?.arrayValue ?? []
        #expect(mine.compactMap { $0["id"]?.stringValue } == [id])
        #expect(try await w.call(.get, "/records/source-info/\(Self.classmate)", nil, w.employer).status == 404)
        // A student sees only their own.
        #expect(try await w.call(.get, "/records/agreement/\(id)", nil, w.classmate).status == 404)
        try await w.stop()
    }

    @Test("an invitation is withdrawn by its employer, declined with a reason by the student; one binding agreement at a time")
    func withdrawDecline() async throws {
        let w = try await World.start()
        let name = try await w.name(of: Self.classmate)
        func invite(_ token: String) async throws -> String {
            let r = try await w.call(.post, "/records/agreement", ["student": .string(Self.classmate), "studentName": .string(name), "action": "invite", "values": Self.terms], token)
            return try #require(try r.json["id"]?.stringValue, "\(String(decoding: r.body, as: UTF8.self))")
        }
        let first = try await invite(w.employer)
        #expect(try await w.act(first, "withdraw", w.employer).json["state"] == "withdrawn")
        #expect(try await w.act(first, "accept", w.classmate).status == 409)
        let second = try await invite(w.employer), third = try await invite(w.other)
        let noReason = try await w.act(second, "decline", w.classmate)
        #expect(noReason.status == 400 && noReason.errorCode == "reason_required")
        #expect(try await w.act(second, "decline", w.classmate, ["reason": "已有其他意向单位"]).json["state"] == "declined")
        // Accepted without a number: the approval takes the next one from the pool, or says there is none.
        #expect(try await w.act(third, "accept", w.classmate).json["state"] == "signing")
        let empty = try await w.act(third, "approve", w.school)
        #expect(try empty.status == 409 && empty.json["error"]?["message"]?.stringValue?.contains("协议书编号已用完") == true)
        #expect(try await w.numbers(["A2027000041"]).status == 200)
        #expect(try await w.act(third, "approve", w.school).json["values"]?["agreementNumber"] == "A2027000041")
        // While it binds the student, no other invitation can be accepted and no number issued.
        let fourth = try await invite(w.employer)
        let blocked = try await w.act(fourth, "accept", w.classmate)
        #expect(try blocked.status == 409 && blocked.json["error"]?["message"]?.stringValue?.contains("已有进行中") == true)
        #expect(try await w.call(.get, "/records/agreement/\(fourth)", nil, w.classmate).json["state"] == "invited")
        #expect(try await w.assign([Self.classmate]).first?["ok"] == false)
        try await w.stop()
    }

    @Test("the student starts the signing: only with a number and online; the e-sign callback seals, a bad signature changes nothing")
    func studentStarts() async throws {
        let w = try await World.start()
        // Students never create agreements: without a number there is nothing to start from.
        let create = try await w.call(.post, "/records/agreement", ["student": .string(Self.classmate), "action": "start", "values": Self.terms], w.classmate)
        #expect(create.status == 403)
        #expect(try await w.call(.get, "/records/agreement", nil, w.classmate).json["records"] == [])

        #expect(try await w.numbers(["A2027000011", "A2027000012"]).status == 200)
        let issued = try await w.assign([Self.student, Self.classmate])
        let mine = try #require(issued.first?["record"]?.stringValue), theirs = try #require(issued.last?["record"]?.stringValue)
        // Offline students cannot sign online.
        #expect(try await w.act(theirs, "sign-offline", w.counselor, ["values": ["signingType": "blank-print"]]).json["state"] == "offline")
        let page = try await w.d.request(.get, "/api/v1/agreements/\(theirs)/print", token: w.classmate)
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(String(decoding: page.body, as: UTF8.self).contains("A2027000012"))
        #expect(try await w.d.request(.get, "/api/v1/agreements/\(theirs)/print", token: w.student).status == 404)
        #expect(try await w.d.request(.get, "/api/v1/agreements/\(mine)/print", token: w.student).status == 409)

        // Incomplete terms are refused by field; then the start goes through.
        let partial = try await w.act(mine, "start", w.student, ["values": ["employerName": "示例科技有限公司"]])
        #expect(partial.status == 400 && partial.errorCode == "required")
        var terms = Self.terms.objectValue!
        terms["employerCreditCode"] = .string(Self.employer)
        let started = try await w.act(mine, "start", w.student, ["values": .object(terms)])
        #expect(try started.json["state"] == "signing", "\(String(decoding: started.body, as: UTF8.self))")
        // The employer it names is now its party and sees it.
        #expect(try await w.call(.get, "/records/agreement/\(mine)", nil, w.employer).status == 200)
        #expect(try await w.act(mine, "approve", w.school).json["state"] == "sealing")

        let body = Data(#"{"event":"sealed","record":"\#(mine)","reference":"ES-1"}"#.utf8)
        let forged = try await w.d.request(.post, "/api/v1/agreements/esign/callback", rawBody: body,
                                           headers: ["X-Jiuye-Signature": Webhook.signature(secret: "wrong", body: body)])
        #expect(forged.status == 401)
        #expect(try await w.d.request(.post, "/api/v1/agreements/esign/callback", rawBody: body).status == 401)
        #expect(try await w.call(.get, "/records/agreement/\(mine)", nil, w.school).json["state"] == "sealing")
        let signed = try await w.d.request(.post, "/api/v1/agreements/esign/callback", rawBody: body,
                                           headers: ["X-Jiuye-Signature": Webhook.signature(secret: "esign-secret", body: body)])
        #expect(try signed.status == 200 && signed.json["state"] == "sealed")
        let last = try await w.call(.get, "/records/agreement/\(mine)/history", nil, w.school).json["history"]?.arrayValue?.last
        #expect(last?["actor"] == "system" && last?["action"] == "seal")
        #expect(try await w.act(mine, "confirm", w.school).json["state"] == "completed")
        try await w.stop()
    }

    @Test("termination: apply → reject with reason → reapply → approve → 已解约 → a new agreement; the employer applies too; materials zip; export")
    func termination() async throws {
        let w = try await World.start()
        #expect(try await w.numbers(["A2027000021", "A2027000022", "A2027000023"]).status == 200)
        let blank = try #require(try await w.assign([Self.student]).first?["record"]?.stringValue)
        var terms = Self.terms.objectValue!
        terms["employerCreditCode"] = .string(Self.employer)
        #expect(try await w.act(blank, "start", w.student, ["values": .object(terms)]).status == 200)
        #expect(try await w.act(blank, "approve", w.school).status == 200)
        #expect(try await w.act(blank, "seal", w.employer).status == 200)

        // Not yet completed: no termination.
        let early = try await w.call(.post, "/records/termination", ["student": .string(Self.student), "values": ["agreementID": .string(blank), "explanation": "考研"]], w.student)
        let earlyID = try #require(try early.json["id"]?.stringValue)
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(earlyID)/materials?name=letter.pdf", rawBody: Self.pdf, token: w.student).status == 200)
        let refused = try await w.call(.post, "/records/termination/\(earlyID)/submit", nil, w.student)
        #expect(refused.status == 409, "\(String(decoding: refused.body, as: UTF8.self))")
        #expect(try await w.act(blank, "confirm", w.school).json["state"] == "completed")

        // No materials, no submission.
        let created = try await w.call(.post, "/records/termination", ["student": .string(Self.student), "values": ["agreementID": .string(blank), "explanation": "考取研究生"]], w.student)
        let id = try #require(try created.json["id"]?.stringValue)
        let bare = try await w.call(.post, "/records/termination/\(id)/submit", nil, w.student)
        #expect(bare.status == 400 && bare.errorCode == "materials_required")
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(id)/materials?name=letter.pdf", rawBody: Self.pdf, token: w.student).status == 200)
        let submitted = try await w.call(.post, "/records/termination/\(id)/submit", nil, w.student)
        #expect(try submitted.json["state"] == "pending:school", "\(String(decoding: submitted.body, as: UTF8.self))")
        #expect(try submitted.json["values"]?["applicant"] == "student" && submitted.json["values"]?["employerCreditCode"] == .string(Self.employer))
        // A second application for the same agreement waits for the first.
        let twice = try await w.call(.post, "/records/termination/\(earlyID)/submit", nil, w.student)
        #expect(twice.status == 409)
        // The employer is a party to the application and sees it; another does not.
        #expect(try await w.call(.get, "/records/termination/\(id)", nil, w.employer).status == 200)
        #expect(try await w.call(.get, "/records/termination/\(id)", nil, w.other).status == 404)

        let pending = try await w.call(.get, "/records/termination?state=pending:school", nil, w.school).json["records"]?.arrayValue ?? []
        #expect(pending.compactMap { $0["id"]?.stringValue } == [id])
        let detail = try await w.call(.get, "/termination/\(id)/detail", nil, w.school).json
        #expect(detail["agreement"]?["state"] == "completed" && detail["termination"]?["values"]?["explanation"] == "考取研究生")
        #expect(detail["agreementHistory"]?.arrayValue?.map { $0["action"]?.stringValue ?? "" } == ["create", "start", "approve", "seal", "confirm"])
        #expect(detail["terminationHistory"]?.arrayValue?.last?["action"] == "submit")
        #expect(try await w.call(.get, "/termination/\(id)/detail", nil, w.other).status == 404)

        let noReason = try await w.call(.post, "/records/termination/\(id)/review", ["action": "reject"], w.school)
        #expect(noReason.status == 400 && noReason.errorCode == "reason_required")
        #expect(try await w.call(.post, "/records/termination/\(id)/review", ["action": "reject", "reason": "proof", "note": "请补充违约金缴纳凭证"], w.school).json["state"] == "rejected:school")
        // 解约记录: processed applications, approved and rejected, in one view; pending ones are not there.
        let processed = try await w.call(.get, "/records/termination?view=processed", nil, w.school).json["records"]?.arrayValue ?? []
        #expect(processed.compactMap { $0["id"]?.stringValue } == [id])
        let reapplied = try await w.call(.post, "/records/termination/\(id)/submit", nil, w.student)
        #expect(try reapplied.json["state"] == "pending:school")
        let approved = try await w.call(.post, "/records/termination/\(id)/review", ["action": "approve"], w.school)
        #expect(try approved.json["state"] == "approved", "\(String(decoding: approved.body, as: UTF8.self))")
        #expect(try await w.call(.get, "/records/agreement/\(blank)", nil, w.student).json["state"] == "terminated")
        #expect(try await w.call(.get, "/records/termination?state=approved", nil, w.school).json["records"]?.arrayValue?.count == 1)
        let afterApproval = try await w.call(.get, "/records/termination?view=processed", nil, w.school).json["records"]?.arrayValue ?? []
        #expect(afterApproval.compactMap { $0["state"]?.stringValue } == ["approved"])

        // Free again: a new number, a new agreement.
        let again = try await w.assign([Self.student])
        #expect(again.first?["ok"] == true && again.first?["agreementNumber"] == "A2027000022")

        // The employer applies for its agreement with the classmate, naming the student.
        let theirs = try #require(try await w.assign([Self.classmate]).first?["record"]?.stringValue)
        #expect(try await w.act(theirs, "start", w.classmate, ["values": .object(terms)]).status == 200)
        for (action, token) in [("approve", w.school), ("seal", w.employer), ("confirm", w.school)] {
            #expect(try await w.act(theirs, action, token).status == 200)
        }
        let name = try await w.name(of: Self.classmate)
        let byEmployer = try await w.call(.post, "/records/termination", ["student": .string(Self.classmate), "studentName": .string(name),
                                                                         "values": ["agreementID": .string(theirs), "explanation": "岗位调整"]], w.employer)
        let employerApp = try #require(try byEmployer.json["id"]?.stringValue, "\(String(decoding: byEmployer.body, as: UTF8.self))")
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32))
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(employerApp)/materials?name=notice.png", rawBody: png, token: w.employer).status == 200)
        let employerSubmit = try await w.call(.post, "/records/termination/\(employerApp)/submit", nil, w.employer)
        #expect(try employerSubmit.json["values"]?["applicant"] == "employer", "\(String(decoding: employerSubmit.body, as: UTF8.self))")
        // Another employer cannot apply for it.
        let foreign = try await w.call(.post, "/records/termination", ["student": .string(Self.classmate), "studentName": .string(name),
                                                                      "values": ["agreementID": .string(theirs), "explanation": "x"]], w.other)
        let foreignID = try #require(try foreign.json["id"]?.stringValue)
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(foreignID)/materials?name=n.png", rawBody: png, token: w.other).status == 200)
        let refusedForeign = try await w.call(.post, "/records/termination/\(foreignID)/submit", nil, w.other)
        // Whether another employer holds an agreement with the student is not its to learn: the
        // answer is the one for an agreement that does not exist.
        let none = try await w.call(.post, "/records/termination", ["student": .string(Self.classmate), "studentName": .string(name),
                                                                   "values": ["agreementID": "no-such-agreement", "explanation": "x"]], w.other)
        let noneID = try #require(try none.json["id"]?.stringValue)
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(noneID)/materials?name=n.png", rawBody: png, token: w.other).status == 200)
        let refusedNone = try await w.call(.post, "/records/termination/\(noneID)/submit", nil, w.other)
        #expect(refusedForeign.status == 400 && refusedNone.status == 400)
        let foreignError = try #require(try refusedForeign.json["error"]), noneError = try #require(try refusedNone.json["error"])
        #expect(foreignError["code"] == noneError["code"] && foreignError["field"] == noneError["field"])
        #expect(foreignError["message"]?.stringValue?.replacingOccurrences(of: theirs, with: "…")
                == noneError["message"]?.stringValue?.replacingOccurrences(of: "no-such-agreement", with: "…"))

        // Materials: one applicant's file as itself; several applicants in one zip, a folder each.
        let one = try await w.d.request(.get, "/api/v1/records/termination/\(id)/materials/archive", token: w.school)
        #expect(one.status == 200 && one.body == Self.pdf)
        let zip = try await w.d.request(.post, "/api/v1/records/termination/materials/export", body: ["ids": [.string(id), .string(employerApp)]], token: w.school)
        #expect(zip.status == 200 && zip.body.starts(with: [0x50, 0x4B]))
        let entries = String(decoding: zip.body, as: UTF8.self)
        #expect(entries.contains(Self.student) && entries.contains(Self.classmate))
        // Records export: the applications, no files.
        let file = w.d.directory + "/terminations.csv"
        #expect(try await w.d.admin("export", "termination", file).ok)
        let exported = try String(contentsOfFile: file, encoding: .utf8)
        #expect(exported.contains("考取研究生") && exported.contains("岗位调整") && !exported.contains("letter.pdf"))
        try await w.stop()
    }

    @Test("an application outside the configured window is refused")
    func window() async throws {
        // A window of one day, half a year away from today.
        let month = (Calendar(identifier: .gregorian).component(.month, from: Date()) + 5) % 12 + 1
        let day = String(format: "%02d-01", month)
        let w = try await World.start(window: "window: {from: \"\(day)\", to: \"\(day)\"}")
        #expect(try await w.numbers(["A2027000031"]).status == 200)
        let blank = try #require(try await w.assign([Self.student]).first?["record"]?.stringValue)
        var terms = Self.terms.objectValue!
        terms["employerCreditCode"] = .string(Self.employer)
        #expect(try await w.act(blank, "start", w.student, ["values": .object(terms)]).status == 200)
        for (action, token) in [("approve", w.school), ("seal", w.employer), ("confirm", w.school)] {
            #expect(try await w.act(blank, action, token).status == 200)
        }
        let created = try await w.call(.post, "/records/termination", ["student": .string(Self.student), "values": ["agreementID": .string(blank), "explanation": "考研"]], w.student)
        let id = try #require(try created.json["id"]?.stringValue)
        #expect(try await w.d.request(.post, "/api/v1/records/termination/\(id)/materials?name=letter.pdf", rawBody: Self.pdf, token: w.student).status == 200)
        let refused = try await w.call(.post, "/records/termination/\(id)/submit", nil, w.student)
        #expect(try refused.status == 409 && refused.json["error"]?["message"]?.stringValue?.contains("不在解约申请时间内") == true)
        try await w.stop()
    }

    @Test("every bad row of a numbers file is listed, however many; the issue says how many went out and names each refusal")
    func everyBadRow() async throws {
        let w = try await World.start()
        let rows = (1...120).map { "X\($0)" } + ["A2027000001"]
        let bad = try await w.numbers(rows)
        #expect(try bad.status == 400 && bad.json["problems"]?.arrayValue?.count == 120)
        #expect(try await w.call(.get, "/agreements/numbers", nil, w.school).json["free"] == 0)
        #expect(try await w.numbers(["A2027000001", "A2027000002"]).json["message"] == "已导入 2 个协议书编号")
        let answer = try await w.call(.post, "/agreements/numbers/assign", ["students": [.string(Self.student), "209999999"]], w.school).json
        #expect(answer["message"] == "已分配 1 份空白协议书，1 名学生未分配")
        #expect(answer["problems"]?.arrayValue?.first?.stringValue?.hasPrefix("209999999：没有学号为 209999999 的学生") == true)
        try await w.stop()
    }

    @Test("首页 counts what waits for each level (网签中 for staff, 已盖章 for the school), the tabs are the manual's, and the links are declared")
    func consoleDeclarations() async throws {
        let w = try await World.start()
        _ = try await w.numbers(["A2027000001", "A2027000002"])
        let name = try await w.name(of: Self.student)
        let id = try #require(try await w.call(.post, "/records/agreement", ["student": .string(Self.student), "studentName": .string(name),
                                                                                "action": "invite", "values": Self.terms], w.employer).json["id"]?.stringValue)
        _ = try await w.act(id, "accept", w.student)
        func kind(_ token: String) async throws -> JSONValue {
            try #require(try await w.call(.get, "/console/schema", nil, token).json["kinds"]?.arrayValue?.first { $0["id"] == "agreement" })
        }
        let school = try await kind(w.school), counselor = try await kind(w.counselor), employer = try await kind(w.employer)
        #expect(school["waiting"] == ["signing", "sealed"] && counselor["waiting"] == ["signing"] && employer["waiting"] == [])
        #expect(school["views"]?.arrayValue?.compactMap { $0["label"]?.stringValue } == ["空白协议书", "网签中", "盖章中", "已完成", "线下签", "已解约"])
        #expect(school["batchActions"]?.arrayValue?.contains { $0["action"] == "approve" } == true, "批量审核 applies to 网签中")
        #expect(school["links"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["import-numbers", "assign-numbers", "print"])
        #expect(employer["links"] == [] && counselor["links"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["print"])
        // What 首页 shows: the live count of the state waiting for the counselor.
        #expect(try await w.call(.get, "/stats/agreement?by=state&group=none", nil, w.counselor).json["totals"]?["signing"] == 1)
        let view = try await w.call(.get, "/records/agreement?view=signing", nil, w.counselor).json["records"]?.arrayValue
        #expect(view?.compactMap { $0["id"]?.stringValue } == [id])
        // Approving 网签中 is an approval at the reviewer's level: the history says who approved.
        #expect(try await w.act(id, "approve", w.counselor).json["state"] == "sealing")
        try await w.stop()
    }

    @Test("the print page renders under a strict policy: its stylesheet allowed by hash, nothing inline otherwise, sandboxed")
    func printPolicy() async throws {
        let w = try await World.start()
        _ = try await w.numbers(["A2027000001"])
        let issued = try await w.call(.post, "/agreements/numbers/assign", ["students": [.string(Self.student)], "signingType": "blank-print"], w.school)
        let id = try #require(try issued.json["results"]?.arrayValue?.first?["record"]?.stringValue)
        let page = try await w.d.request(.get, "/api/v1/agreements/\(id)/print", token: w.school)
        let policy = page.headers["content-security-policy"] ?? ""
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && html.contains("A2027000001"))
        #expect(policy == PluginPagePolicy.policy(html: page.body) && policy.contains("style-src 'sha256-"), "\(policy)")
        #expect(!policy.contains("unsafe-inline") && policy.hasPrefix("default-src 'none'") && policy.hasSuffix("sandbox"))
        #expect(PluginPagePolicy.styles(in: html).count == 1)
        try await w.stop()
    }

    @Test("jiuyectl agreements import-numbers: an XLSX-or-CSV file by path, bad rows named, then the stock")
    func adminImport() async throws {
        let w = try await World.start()
        let good = w.d.directory + "/numbers.csv", bad = w.d.directory + "/bad.csv"
        try "协议书编号\nA2027000051\nA2027000052\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "编号\nA2027000053\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await w.d.admin("agreements", "import-numbers", bad)
        #expect(!refused.ok && refused.error?.message.contains("缺少列“协议书编号”") == true)
        #expect(try await w.d.admin("agreements", "import-numbers", good).reply?.result == ["imported": 2])
        #expect(try await w.d.admin("agreements", "numbers").reply?.result == ["free": 2, "issued": 0])
        _ = try await w.assign([Self.student])
        #expect(try await w.d.admin("agreements", "numbers").reply?.result == ["free": 1, "issued": 1])
        try await w.stop()
    }

    @Test("an employer registers with a checked credit code; the school approves and it logs in")
    func employerRegistration() async throws {
        let w = try await World.start()
        let bad = try await w.d.request(.post, "/api/v1/employers/register", body: [
            "creditCode": "91350100M000100Y44", "name": "新公司", "contact": "王经理", "mobile": "13800138000", "password": "Employer@2026"])
        #expect(try bad.status == 400 && bad.json["error"]?["field"] == "creditCode")
        let fullwidth = try await w.d.request(.post, "/api/v1/employers/register", body: [
            "creditCode": "91350100M000100Y43", "name": "新公司", "contact": "王经理", "mobile": "１３８００１３８０００", "password": "Employer@2026"])
        #expect(try fullwidth.status == 400 && fullwidth.json["error"]?["field"] == "mobile")
        let noContact = try await w.d.request(.post, "/api/v1/employers/register", body: [
            "creditCode": "91350100M000100Y43", "name": "新公司", "contact": " ", "mobile": "13800138000", "password": "Employer@2026"])
        #expect(try noContact.status == 400 && noContact.json["error"]?["field"] == "contact")
        let code = "91110000100000000" + String(CreditCode.checkCharacter(for: "91110000100000000")!)
        let ok = try await w.d.request(.post, "/api/v1/employers/register", body: [
            "creditCode": .string(code), "name": "新公司", "contact": "王经理", "mobile": "13800138000", "password": "Employer@2026"])
        #expect(ok.status == 202)
        #expect(try await w.d.request(.post, "/api/v1/auth/login", body: ["username": .string(code), "password": "Employer@2026"]).status == 401)
        let list = try await w.call(.get, "/employers/registrations", nil, w.school).json["registrations"]?.arrayValue ?? []
        #expect(list.compactMap { $0["creditCode"]?.stringValue } == [code])
        #expect(try await w.call(.post, "/employers/registrations/\(code)/approve", [:], w.counselor).status == 403)
        #expect(try await w.call(.post, "/employers/registrations/\(code)/approve", [:], w.school).json["status"] == "approved")
        let token = try await w.d.login(code, "Employer@2026")
        #expect(try await w.call(.get, "/records/agreement", nil, token).json["records"] == [])
        try await w.stop()
    }
}
