import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Storage
import Testing
@testable import Daemon

@Suite("Live statistics")
struct StatsTests {
    static let config = """
        plugins:
          source-info: {}
          visits:
            declare:
              label: 走访
              kinds:
                visit:
                  label: 走访记录
                  cardinality: many
                  fields:
                    - {key: kind, label: 类型, type: code, table: gender, editableBy: staff}
                    - {key: note, label: 备注, type: text}
                  review: {stages: [counselor, school]}
        """

    /// A deterministic generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    @Test("counts match a full recount after 10 000 random creates, reviews, edits and cohort changes")
    func recount() async throws {
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: Self.config, seedDemo: true)
        let classes = ["软件2201", "软件2301", "计科2201", "计科2301", "会计2201", "会计2301", "营销2201", "营销2301", "国贸2201", "国贸2301"]
        try await d.addAccount("all-classes", roles: [.counselor], classes: classes)
        let services = d.daemon.services
        let directory = d.daemon.directory
        let engine = try services.engine()
        let kind = try engine.kinds.kind("visit")
        let env = directory.environment
        var students: [StudentEntry] = []
        try env.read { txn in try directory.students.primary.scan(txn) { _, s in students.append(s); return true } }
        let counselor = try #require(try env.read { try directory.account($0, "all-classes") })
        let school = try #require(try env.read { try directory.account($0, "school") })
        let staff = Caller(account: school, token: "")
        let reviewer = Caller(account: counselor, token: "")
        var rng = SplitMix(state: 42)
        var ids: [String] = []
        let now = Date().timeIntervalSince1970
        for step in 0..<10_000 {
            try env.write { txn in
                let roll = Int.random(in: 0..<100, using: &rng)
                if roll < 35 || ids.isEmpty {
                    let s = students.randomElement(using: &rng)!
                    let r = try engine.create(txn, kind, caller: staff, student: s.number,
                                              values: ["kind": .string(["1", "2"].randomElement(using: &rng)!)], now: now)
                    ids.append(r.id)
                    return
                }
                let id = ids.randomElement(using: &rng)!
                let r = try kind.records.get(txn, id)!
                do {
                    switch roll {
                    case 35..<55:
                        let student = Caller(account: Account.implicit(for: try directory.students.get(txn, r.student)!), token: "")
                        try engine.transition(txn, kind, caller: student, id: id, .init(action: r.state.hasPrefix("rejected:") ? "resubmit" : "submit"), now: now)
                    case 55..<70:
                        try engine.transition(txn, kind, caller: reviewer, id: id, .init(action: "approve"), now: now)
                    case 70..<78:
                        try engine.transition(txn, kind, caller: reviewer, id: id, .init(action: "reject", reason: "other"), now: now)
                    case 78..<85:
                        try engine.transition(txn, kind, caller: staff, id: id, .init(action: "approve"), now: now)
                    case 85..<93:
                        _ = try engine.update(txn, kind, caller: staff, id: id, values: ["kind": .string(["1", "2"].randomElement(using: &rng)!)], now: now)
                    default:
                        var s = try directory.students.get(txn, r.student)!
                        s.cohort = [2026, 2027, 2028].randomElement(using: &rng)!
                        try directory.students.put(txn, s.number, s)
                        try engine.kinds.refreshPlacement(txn, student: s)
                    }
                } catch is EngineError {
                    // Refused transitions (wrong state) change nothing: that is part of the mix.
                }
            }
            _ = step
        }

        // Recount from the records themselves and compare every dimension, per class.
        try env.read { txn throws in
            var records: [StoredRecord] = []
            try kind.records.primary.scan(txn) { _, r in records.append(r); return true }
            #expect(records.count > 3000)
            for dimension in ["total"] + kind.dimensions {
                let live = try ScopedRecords.system.statistics(kind).run(txn, dimension: dimension, cohort: nil, college: nil, group: .class)
                var expected: [UInt32: [String: UInt64]] = [:]
                for r in records {
                    let value: String? = switch dimension {
                    case "total": ""
                    case "state": r.state
                    case "level.counselor": r.state == "draft" ? "unsubmitted" : r.levels[0].name
                    case "level.school": r.state == "draft" ? "unsubmitted" : r.levels[1].name
                    // The same values among records approved at the last level only.
                    case _ where dimension.hasPrefix("approved."): r.state == "approved" ? (try r.valuesObject())["kind"]?.stringValue : nil
                    default: (try r.valuesObject())["kind"]?.stringValue
                    }
                    if let value { expected[r.classID, default: [:]][value, default: 0] += 1 }
                }
                #expect(live.groups == expected, "dimension \(dimension)")
            }
            // The per-college and per-major sums the school and college officers read agree with
            // the classes' counts they sum, after the same 10 000 steps.
            let collegeOf = Dictionary(records.map { ($0.classID, $0.collegeID) }, uniquingKeysWith: { a, _ in a })
            let majorOf = Dictionary(records.map { ($0.classID, $0.majorID) }, uniquingKeysWith: { a, _ in a })
            var officer = Account(id: "officer", displayName: "学院", roles: [.college])
            officer.collegeID = records[0].collegeID
            let college = ScopedRecords(Scope(account: officer))
            for dimension in ["total"] + kind.dimensions {
                for cohort in [nil, UInt16(2027)] {
                    let classes = try ScopedRecords.system.statistics(kind).run(txn, dimension: dimension, cohort: cohort, college: nil, group: .class)
                    for (group, unit) in [(StatsQuery.Group.college, collegeOf), (.major, majorOf)] {
                        var expected: [UInt32: [String: UInt64]] = [:]
                        for (cls, counts) in classes.groups {
                            for (value, n) in counts { expected[unit[cls]!, default: [:]][value, default: 0] += n }
                        }
                        let sums = try ScopedRecords.system.statistics(kind).run(txn, dimension: dimension, cohort: cohort, college: nil, group: group)
                        #expect(sums.groups == expected, "\(dimension) by \(group), cohort \(cohort.map(String.init) ?? "all")")
                        let own = try college.statistics(kind).run(txn, dimension: dimension, cohort: cohort, college: nil, group: group)
                        #expect(own.groups == expected.filter { id, _ in group == .college ? id == officer.collegeID : majorOf.contains { collegeOf[$0.key] == officer.collegeID && $0.value == id } },
                                "\(dimension) by \(group) for one college")
                    }
                    #expect(try ScopedRecords.system.statistics(kind).run(txn, dimension: dimension, cohort: cohort, college: nil, group: .none).totals == classes.totals)
                }
            }
            let oneCohort = try ScopedRecords.system.statistics(kind).run(txn, dimension: "total", cohort: 2027, college: nil, group: .none)
            #expect(oneCohort.totals[""] == UInt64(records.filter { $0.cohort == 2027 }.count))
        }
        try await d.stop()
    }

    @Test("the statistics route answers within the caller's scope, and jiuyectl stats prints a table")
    func routeAndScope() async throws {
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}", seedDemo: true)
        #expect(try await d.admin("seed", "records", "source-info", "--state", "pending:counselor").ok)
        let school = try await d.login("school", Demo.password)
        let all = try await d.request(.get, "/api/v1/stats/source-info?by=state&cohort=2026", token: school).json
        #expect(all["total"] == 100)
        #expect(all["totals"]?["pending:counselor"] == 100)
        #expect(all["groups"]?.arrayValue?.count == 2)
        let counselor = try await d.login("counselor-se", Demo.password)
        let mine = try await d.request(.get, "/api/v1/stats/source-info?by=level.counselor&group=class", token: counselor).json
        #expect(mine["total"] == 40)
        #expect(Set(mine["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == ["软件2201", "软件2301"])
        let byGender = try await d.request(.get, "/api/v1/stats/source-info?by=field.gender&group=none", token: school).json
        #expect(byGender["total"] == 200 && byGender["totals"]?["1"] == 100)
        let student = try await d.login(Demo.student, Demo.studentPassword)
        #expect(try await d.request(.get, "/api/v1/stats/source-info", token: student).status == 403)
        let bad = try await d.request(.get, "/api/v1/stats/source-info?by=colour", token: school)
        #expect(bad.status == 400 && bad.errorCode == "unknown_dimension")
        let table = try await d.admin("stats", "source-info", "--by", "state")
        #expect(table.ok && table.reply?.columns == ["COLLEGE", "pending:counselor"])
        #expect(table.reply?.rows?.last == ["合计", "200"])
        try await d.stop()
    }
}
