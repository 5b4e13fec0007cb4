import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// 学生简历库 over real HTTP on the demo institution.
@Suite("学生简历库")
struct ResumeLibraryTests {
    static let password = DemoInstitution.staffPassword
    /// Weights chosen so 69 and 70 are one section apart.
    static let weights: [String: Int] = [
        "basicInfo": 69, "education": 1, "experience": 30, "projects": 0, "skills": 0, "awards": 0, "certificates": 0, "selfEvaluation": 0,
    ]
    static let config = """
        plugins:
          source-info: {}
          resume-library:
            config:
              threshold: 70
              weights: {\(weights.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}
        """

    struct World {
        let d: TestDaemon
        let school: String, counselor: String

        static func start() async throws -> World {
            let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: ResumeLibraryTests.config, seedDemo: true)
            return World(d: d, school: try await d.login("school", password), counselor: try await d.login("counselor-se", password))
        }
        func student(_ number: String) async throws -> String {
            try await d.login(number, DemoInstitution.initialPassword(of: number)!)
        }
        func call(_ m: HTTPMethod, _ path: String, _ body: JSONValue? = nil, _ token: String) async throws -> TestResponse {
            try await d.request(m, "/api/v1" + path, body: body, token: token)
        }
        func create(_ token: String, _ number: String, _ sections: Set<String>, title: String = "简历") async throws -> String {
            var values: JSONObject = ["title": .string(title)]
            for s in sections { values[s] = .string("\(s) 的内容") }
            let r = try await call(.post, "/records/resume", ["student": .string(number), "values": .object(values)], token)
            return try #require(try r.json["id"]?.stringValue, "\(String(decoding: r.body, as: UTF8.self))")
        }
        /// Every 生源 record the token sees: (student, major name, education level).
        func graduates(_ token: String) async throws -> [(String, String, String)] {
            var out: [(String, String, String)] = []
            var after = ""
            repeat {
                let page = try await call(.get, "/records/source-info?size=200" + (after.isEmpty ? "" : "&after=\(after)"), nil, token).json
                for r in page["records"]?.arrayValue ?? [] {
                    out.append((r["student"]?.stringValue ?? "", r["values"]?["majorName"]?.stringValue ?? "", r["values"]?["educationLevel"]?.stringValue ?? ""))
                }
                after = page["next"]?.stringValue ?? ""
            } while !after.isEmpty
            return out
        }
    }

    static func completeness(_ sections: Set<String>) -> Int { sections.reduce(0) { $0 + (weights[$1] ?? 0) } }

    @Test("completeness follows the weights; the shown resume is the default, else the most complete, ties to the latest")
    func completenessAndShown() async throws {
        let w = try await World.start()
        let number = "202211001"
        let me = try await w.student(number)
        let a = try await w.create(me, number, ["basicInfo", "education"])
        #expect(try await w.call(.get, "/records/resume/\(a)", nil, me).json["values"]?["completeness"] == 70)
        // Clearing a section takes its weight off; whitespace does not count as filled.
        let patched = try await w.call(.patch, "/records/resume/\(a)", ["values": ["education": "  ", "experience": "实习"]], me)
        #expect(try patched.json["values"]?["completeness"] == 99)
        #expect(try await w.call(.patch, "/records/resume/\(a)", ["values": ["completeness": 100]], me).status == 403)

        let b = try await w.create(me, number, ["basicInfo", "experience"])   // 99 as well: a tie
        let shown = try await w.call(.get, "/resume-library/students/\(number)/resume", nil, me)
        #expect(try shown.json["id"] == .string(b), "the tie goes to the most recently updated")
        #expect(try await w.call(.patch, "/records/resume/\(a)", ["values": ["title": "新标题"]], me).status == 200)
        #expect(try await w.call(.get, "/resume-library/students/\(number)/resume", nil, me).json["id"] == .string(a))
        let c = try await w.create(me, number, ["basicInfo"])   // 69, the least complete
        #expect(try await w.call(.post, "/resume-library/resumes/\(c)/default", nil, me).json["values"]?["isDefault"] == true)
        #expect(try await w.call(.get, "/resume-library/students/\(number)/resume", nil, me).json["id"] == .string(c))
        // The default moves: one at a time.
        #expect(try await w.call(.post, "/resume-library/resumes/\(b)/default", nil, me).status == 200)
        #expect(try await w.call(.get, "/records/resume/\(c)", nil, me).json["values"]?["isDefault"] == false)
        // Another student cannot make it theirs.
        let other = try await w.student("202211002")
        #expect(try await w.call(.post, "/resume-library/resumes/\(a)/default", nil, other).status == 404)
        try await w.d.stop()
    }

    @Test("staff can view, pin and delete a 70 % resume, not a 69 % one; pinned resumes list first")
    func threshold() async throws {
        let w = try await World.start()
        let number = "202211001"
        let me = try await w.student(number)
        let low = try await w.create(me, number, ["basicInfo"])                    // 69
        let high = try await w.create(me, number, ["basicInfo", "education"])      // 70
        let top = try await w.create(me, number, ["basicInfo", "experience"])      // 99
        for token in [w.school, w.counselor] {
            #expect(try await w.call(.get, "/records/resume/\(low)", nil, token).status == 404)
            #expect(try await w.call(.patch, "/records/resume/\(low)", ["values": ["pinned": true]], token).status == 404)
            #expect(try await w.call(.delete, "/records/resume/\(low)", nil, token).status == 404)
            #expect(try await w.call(.get, "/records/resume/\(high)", nil, token).status == 200)
        }
        #expect(try await w.call(.post, "/resume-library/resumes/\(low)/default", nil, me).status == 200)
        let hidden = try await w.call(.get, "/resume-library/students/\(number)/resume", nil, w.school)
        #expect(hidden.status == 404)
        // The student always sees their own.
        #expect(try await w.call(.get, "/records/resume/\(low)", nil, me).json["values"]?["completeness"] == 69)

        let list = try await w.call(.get, "/records/resume", nil, w.school).json["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(list == [high, top])
        #expect(try await w.call(.patch, "/records/resume/\(top)", ["values": ["pinned": true]], w.school).status == 200)
        let ordered = try await w.call(.get, "/resume-library/resumes", nil, w.school).json["resumes"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ordered == [top, high])
        #expect(try await w.call(.delete, "/records/resume/\(high)", nil, w.school).status == 204)
        #expect(try await w.call(.get, "/records/resume/\(high)", nil, me).status == 404)
        // A student deletes their own, never another's.
        let other = try await w.student("202211002")
        #expect(try await w.call(.delete, "/records/resume/\(low)", nil, other).status == 404)
        #expect(try await w.call(.delete, "/records/resume/\(low)", nil, me).status == 204)
        try await w.d.stop()
    }

    @Test("the console's drill-down: a row's unit and 学历 give its students; figure=resumes only those counted; a link only from 70 %")
    func drillDownFromARow() async throws {
        let w = try await World.start()
        let (ready, below) = ("202211001", "202211002")
        let a = try await w.student(ready), b = try await w.student(below)
        let counted = try await w.create(a, ready, ["basicInfo", "education"])   // 70
        let hidden = try await w.create(b, below, ["basicInfo"])                  // 69
        for (token, id) in [(a, counted), (b, hidden)] {
            #expect(try await w.call(.post, "/resume-library/resumes/\(id)/default", nil, token).status == 200)
        }
        let stats = try await w.call(.get, "/resume-library/stats?group=college", nil, w.school).json
        let row = try #require(stats["rows"]?.arrayValue?.first { $0["resumes"]?.intValue ?? 0 > 0 })
        let unit = try #require(row["unit"]?.intValue), level = try #require(row["educationLevel"]?.stringValue)
        let base = "/resume-library/stats/students?group=college&unit=\(unit)&educationLevel=\(level)&size=200"
        let planned = try await w.call(.get, base, nil, w.school).json["students"]?.arrayValue ?? []
        let resumes = try await w.call(.get, base + "&figure=resumes", nil, w.school).json["students"]?.arrayValue ?? []
        #expect(planned.count == row["planned"]?.intValue && resumes.count == row["resumes"]?.intValue)
        #expect(resumes.map { $0["student"] } == [.string(ready)])
        let theirs = try #require(planned.first { $0["student"] == .string(below) })
        #expect(theirs["completeness"] == 69 && theirs["resume"] == .string(hidden) && theirs["viewable"] == .null)
        #expect(resumes.first?["viewable"] == .string(counted))
        #expect(try await w.call(.get, "/resume-library/stats/students?group=class&unit=1", nil, w.school).status == 400)
        try await w.d.stop()
    }

    @Test("the statistics equal a recount after random edits; a counselor sees only their classes")
    func statistics() async throws {
        let w = try await World.start()
        let graduates = try await w.graduates(w.school)
        let place = Dictionary(uniqueKeysWithValues: graduates.map { ($0.0, ($0.1, $0.2)) })
        let students = Array(graduates.map(\.0).sorted().enumerated().filter { $0.offset % 5 == 0 }.map(\.element).prefix(24))
        var tokens: [String: String] = [:]
        for s in students { tokens[s] = try await w.student(s) }

        // A model of every resume, edited at random alongside the daemon.
        struct Resume { var student: String; var sections: Set<String>; var isDefault: Bool }
        var model: [String: Resume] = [:]
        var rng = SplitMix(seed: 2026)
        let sectionKeys = ["basicInfo", "education", "experience", "skills"]
        func randomSections() -> Set<String> { Set(sectionKeys.filter { _ in Bool.random(using: &rng) }) }
        for _ in 0..<120 {
            let op = Int.random(in: 0..<10, using: &rng)
            if op < 4 || model.isEmpty {
                let s = students.randomElement(using: &rng)!
                let sections = randomSections()
                let id = try await w.create(tokens[s]!, s, sections)
                model[id] = Resume(student: s, sections: sections, isDefault: false)
            } else if op < 7 {
                let id = model.keys.sorted().randomElement(using: &rng)!
                let key = sectionKeys.randomElement(using: &rng)!
                let fill = Bool.random(using: &rng)
                let r = try await w.call(.patch, "/records/resume/\(id)", ["values": [key: .string(fill ? "内容" : "")]], tokens[model[id]!.student]!)
                #expect(r.status == 200)
                if fill { model[id]!.sections.insert(key) } else { model[id]!.sections.remove(key) }
            } else if op < 9 {
                let id = model.keys.sorted().randomElement(using: &rng)!
                let owner = model[id]!.student
                #expect(try await w.call(.post, "/resume-library/resumes/\(id)/default", nil, tokens[owner]!).status == 200)
                for k in model.keys where model[k]!.student == owner { model[k]!.isDefault = k == id }
            } else {
                let id = model.keys.sorted().randomElement(using: &rng)!
                #expect(try await w.call(.delete, "/records/resume/\(id)", nil, tokens[model[id]!.student]!).status == 204)
                model[id] = nil
            }
        }
        // WeChat: three bound, one of them unbound again by staff.
        for (i, s) in students.prefix(3).enumerated() { try await w.d.daemon.accounts.bindWeChat(s, openID: "o-\(i)") }
        #expect(try await w.call(.post, "/students/\(students[0])/unbind-wechat", nil, w.school).status < 300)

        // The recount.
        struct Key: Hashable { let major: String, level: String }
        var expected: [Key: (Int, Int, Int)] = [:]
        for (_, major, level) in graduates { expected[Key(major: major, level: level), default: (0, 0, 0)].1 += 1 }
        for s in students[1..<3] { let p = place[s]!; expected[Key(major: p.0, level: p.1), default: (0, 0, 0)].0 += 1 }
        for r in model.values where r.isDefault && Self.completeness(r.sections) >= 70 {
            let p = place[r.student]!
            expected[Key(major: p.0, level: p.1), default: (0, 0, 0)].2 += 1
        }
        #expect(model.values.contains { $0.isDefault && Self.completeness($0.sections) >= 70 }, "the edits must leave something to count")
        for (query, field) in [("cohort=二〇二六", "cohort"), ("group=class", "group"), ("size=0", "")] where !field.isEmpty {
            let bad = try await w.call(.get, "/resume-library/stats?\(query)", nil, w.school)
            #expect(try bad.status == 400 && bad.json["error"]?["field"] == .string(field))
        }
        let badSize = try await w.call(.get, "/resume-library/stats/students?size=0", nil, w.school)
        #expect(try badSize.status == 400 && badSize.json["error"]?["field"] == "size")
        let stats = try await w.call(.get, "/resume-library/stats?group=major", nil, w.school).json
        var actual: [Key: (Int, Int, Int)] = [:]
        for row in stats["rows"]?.arrayValue ?? [] {
            actual[Key(major: row["name"]?.stringValue ?? "", level: row["educationLevel"]?.stringValue ?? "")] =
                (row["authenticated"]?.intValue ?? -1, row["planned"]?.intValue ?? -1, row["resumes"]?.intValue ?? -1)
        }
        #expect(actual.count == expected.count)
        for (k, v) in expected {
            let a = actual[k]
            #expect(a?.0 == v.0 && a?.1 == v.1 && a?.2 == v.2, "\(k): \(String(describing: a)) != \(v)")
        }

        // Drill down: each student with their shown resume's completeness.
        let someone = try #require(model.values.first { $0.isDefault }?.student)
        let p = place[someone]!
        let majorID = try #require(stats["rows"]?.arrayValue?.first { $0["name"]?.stringValue == p.0 }?["unit"]?.intValue)
        let drill = try await w.call(.get, "/resume-library/stats/students?major=\(majorID)&educationLevel=\(p.1)&size=200", nil, w.school).json
        let row = try #require(drill["students"]?.arrayValue?.first { $0["student"]?.stringValue == someone })
        let theirs = model.filter { $0.value.student == someone }
        let shownID = theirs.first { $0.value.isDefault }!.key
        #expect(row["resume"] == .string(shownID) && row["completeness"]?.intValue == Self.completeness(theirs[shownID]!.sections))

        // A counselor: only their classes, in the statistics and the drill-down.
        let visible = Set(try await w.graduates(w.counselor).map(\.0))
        #expect(!visible.isEmpty && visible.count < graduates.count)
        let theirsStats = try await w.call(.get, "/resume-library/stats?group=college", nil, w.counselor).json
        #expect(theirsStats["totals"]?["planned"]?.intValue == visible.count)
        let expectedResumes = model.values.filter { $0.isDefault && Self.completeness($0.sections) >= 70 && visible.contains($0.student) }.count
        #expect(theirsStats["totals"]?["resumes"]?.intValue == expectedResumes)
        let college = try #require(theirsStats["rows"]?.arrayValue?.first?["unit"]?.intValue)
        let all = try await w.call(.get, "/resume-library/stats/students?college=\(college)&size=200", nil, w.counselor).json["students"]?.arrayValue ?? []
        #expect(Set(all.compactMap { $0["student"]?.stringValue }).isSubset(of: visible) && !all.isEmpty)
        try await w.d.stop()
    }
}

/// A seeded generator, so a failing sequence of edits can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Derived fields follow their configuration: new weights recompute stored completeness at reload.
@Suite("简历权重变更")
struct ResumeWeightsReloadTests {
    @Test("changing the weights in plugins.yaml recomputes every resume's completeness at reload; the 70 % rule applies at once")
    func weightsChange() async throws {
        let w = try await ResumeLibraryTests.World.start()
        let number = "202211001"
        let token = try await w.student(number)
        // basicInfo alone: 69 %, hidden from staff.
        let id = try await w.create(token, number, ["basicInfo"])
        #expect(try await w.call(.get, "/records/resume/\(id)", nil, token).json["values"]?["completeness"] == 69)
        #expect(try await w.call(.get, "/records/resume/\(id)", nil, w.school).status == 404)
        var weights = ResumeLibraryTests.weights
        weights["basicInfo"] = 70
        weights["education"] = 0
        try w.d.writeConfig(ResumeLibraryTests.config.replacingOccurrences(
            of: ResumeLibraryTests.weights.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "),
            with: weights.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
        let reload = try await w.d.admin("plugin", "reload")
        #expect(reload.ok, "\(reload.error?.message ?? "")")
        #expect(reload.reply?.result["recordChanges"]?.arrayValue?.contains { $0.stringValue?.contains("重新计算派生字段") == true } == true)
        let r = try await w.call(.get, "/records/resume/\(id)", nil, w.school)
        #expect(try r.status == 200 && r.json["values"]?["completeness"] == 70)
        try await w.d.stop()
    }
}
