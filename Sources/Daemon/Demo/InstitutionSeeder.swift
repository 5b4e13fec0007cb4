import Crypto
import Foundation
import PluginAPI
import Storage

/// `jiuyectl seed institution`: a made-up school in the proportions of a real one, for
/// benchmarks, load tests and demos. The registry goes through the real import; records are
/// written straight to their tables (indexes, counters, a `seed` history entry each), for every
/// enabled kind: most graduates verified and with a destination, a third with an agreement, a few
/// terminated, resumes of every completeness.
struct InstitutionSeeder {
    let kinds: RecordKinds
    let directory: DirectoryStore

    struct Report {
        var students = 0
        var records: [String: Int] = [:]
    }

    /// A deterministic stream of choices per student.
    struct Dice {
        var state: UInt64
        init(_ seed: Int) { state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1 }
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
        /// A state by weights, e.g. `[("approved", 75), ("draft", 25)]`.
        mutating func weighted(_ xs: [(String, Int)]) -> String {
            var n = below(xs.reduce(0) { $0 + $1.1 })
            for (x, w) in xs { if n < w { return x }; n -= w }
            return xs.last!.0
        }
    }

    /// Employers with valid credit codes (GB 32100).
    static let employers: [(name: String, code: String)] = (0..<400).map { i in
        let first17 = "91" + String(format: "%06d", 110_000 + (i % 30) * 100) + "MA" + String(format: "%07d", 1_000_000 + i * 37)
        let code = first17 + String(CreditCode.checkCharacter(for: first17)!)
        return ("\(["华", "中", "新", "东", "盛", "远", "恒", "启"][i % 8])\(["科技", "信息", "制造", "医药", "教育", "金融"][i % 6])有限公司\(i + 1)号", code)
    }

    func run(_ txn: Transaction, range: Range<Int>, students: [StudentEntry], now: Double, report: inout Report) throws {
        let units = try directory.unitsByID(txn)
        for (offset, s) in students.enumerated() {
            var dice = Dice(range.lowerBound + offset)
            try seed(txn, s, &dice, units: units, now: now, report: &report)
        }
    }

    private func seed(_ txn: Transaction, _ s: StudentEntry, _ dice: inout Dice, units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        // The order of the dice is the data: keep it.
        let employer = dice.pick(Self.employers)
        try seedGraduate(txn, s, &dice, units: units, now: now, report: &report)
        try seedEmployment(txn, s, &dice, employer: employer, units: units, now: now, report: &report)
        try seedAgreement(txn, s, &dice, employer: employer, units: units, now: now, report: &report)
        try seedResumes(txn, s, &dice, units: units, now: now, report: &report)
    }

    /// 生源信息: the registry's record filled in, mostly verified.
    private func seedGraduate(_ txn: Transaction, _ s: StudentEntry, _ dice: inout Dice, units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        guard let kind = kinds.tables["source-info"], let existing = try kind.records.get(txn, s.number) else { return }
        var values = try existing.valuesObject()
        values["politicalStatus"] = .string(dice.pick(["01", "03", "13"]))
        values["urbanRural"] = .string(dice.pick(["城镇", "农村"]))
        values["originRegionCode"] = .string(dice.pick(["110108", "330106", "440305", "510107"]))
        values["originRegionName"] = .string("生源地")
        values["mobile"] = .string("139\(String(format: "%08d", Int(s.number.suffix(7)) ?? 0))")
        values["homeAddress"] = .string("某省某市某区某街道\(dice.below(300) + 1)号")
        values["archiveToSchool"] = .bool(dice.chance(60))
        values["householdToSchool"] = .bool(dice.chance(30))
        try put(txn, kind, s, id: s.number, existing: existing, values: values,
                state: dice.weighted([("approved", 71), ("pending:school", 12), ("pending:college", 5), ("pending:counselor", 5), ("draft", 7)]),
                units: units, now: now, report: &report)
    }

    /// 就业信息: a destination for most, an employer or a school where it has one.
    private func seedEmployment(_ txn: Transaction, _ s: StudentEntry, _ dice: inout Dice, employer: (name: String, code: String), units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        guard let kind = kinds.tables["employment-info"], dice.chance(88) else { return }
        let destination = dice.weighted([("10", 30), ("11", 22), ("12", 6), ("501", 2), ("512", 2), ("46", 1), ("75", 2), ("76", 4),
                                         ("801", 15), ("85", 4), ("70", 8), ("71", 4)])
        var values: JSONObject = ["destination": .string(destination)]
        if ["10", "11", "12", "501", "512", "46", "75"].contains(destination) {
            values["employerName"] = .string(employer.name)
            values["employerCreditCode"] = .string(employer.code)
            values["employerNature"] = .string(dice.pick(["31", "32", "39", "10", "21"]))
            values["employerRegionCode"] = .string(dice.pick(["110108", "330106", "440305"]))
            // Signed before it was registered (today), as real ones are.
            values["signedDate"] = .string(min("\(s.cohort)-0\(dice.below(5) + 1)-1\(dice.below(9))", AuditTerms.day(now)))
            // The employer's own phone, and the proof's hash; a few of what 数据核查 flags: an
            // agency's phone for many employers, a misspelt name, one proof for two students.
            values["contactPhone"] = .string(dice.chance(1) ? "1399999\(String(format: "%04d", dice.below(20)))" : "0108" + employer.code.filter(\.isNumber).suffix(7))
            if dice.below(1000) < 2 { values["employerName"] = .string(employer.name + "分公司") }
            values["proofFile"] = .string(SHA256.hash(data: Data("proof-\(dice.chance(1) ? String(s.number.dropLast()) : s.number)".utf8)).hex)
        } else if destination.hasPrefix("80") {
            values["studySchool"] = .string(dice.pick(["北京大学", "浙江大学", "本校"]))
            values["studyMajor"] = .string("计算机科学与技术")
        }
        try put(txn, kind, s, id: s.number, existing: try kind.records.get(txn, s.number), values: values,
                state: dice.weighted([("approved", 70), ("pending:school", 10), ("pending:college", 6), ("pending:counselor", 6), ("draft", 8)]),
                units: units, now: now, report: &report)
    }

    /// 三方协议 for a third, a few terminated (with their approved 解约).
    private func seedAgreement(_ txn: Transaction, _ s: StudentEntry, _ dice: inout Dice, employer: (name: String, code: String), units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        guard let kind = kinds.tables["agreement"], dice.chance(33) else { return }
        let id = "\(s.number).1"
        let values: JSONObject = [
            "agreementNumber": .string("\(s.cohort)\(s.number.suffix(7))"), "signingType": "online",
            "employerName": .string(employer.name), "employerCreditCode": .string(employer.code), "position": "工程师",
            "monthlySalary": .int(6000 + dice.below(20) * 500), "termMonths": .int(dice.pick([24, 36, 60])), "workplaceRegionCode": "330106",
        ]
        let terminated = dice.chance(4)
        let state = terminated ? "terminated" : dice.weighted([("completed", 75), ("sealing", 8), ("sealed", 4), ("signing", 8), ("invited", 5)])
        try put(txn, kind, s, id: id, existing: nil, values: values, state: state, units: units, now: now, report: &report)
        if terminated, let t = kinds.tables["termination"] {
            try put(txn, t, s, id: "\(s.number).1", existing: nil, values: [
                "agreementID": .string(id), "applicant": "student", "explanation": "考取研究生，申请解约",
                "employerName": .string(employer.name), "employerCreditCode": .string(employer.code),
                "agreementNumber": values["agreementNumber"]!,
            ], state: "approved", units: units, now: now, report: &report)
        }
    }

    /// 简历: one to three per student for two thirds, of every completeness.
    private func seedResumes(_ txn: Transaction, _ s: StudentEntry, _ dice: inout Dice, units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        guard let kind = kinds.tables["resume"], dice.chance(65) else { return }
        let sections = ["basicInfo", "education", "experience", "projects", "skills", "awards", "certificates", "selfEvaluation"]
        for n in 1...(1 + dice.below(3)) {
            var values: JSONObject = ["title": .string("简历\(n)"), "isDefault": .bool(n == 1)]
            for key in sections where dice.chance(n == 1 ? 80 : 50) { values[key] = .string("\(key)：……") }
            try put(txn, kind, s, id: "\(s.number).\(n)", existing: nil, values: values, state: "", units: units, now: now, report: &report)
        }
    }

    /// One account per staff role: `school`, `college-1` (the first college) and `counselor-1`
    /// (its classes), unless they exist.
    static func addStaff(directory: DirectoryStore, password: String, hasher: PasswordHasher) throws {
        let hash = try hasher.hash(password)
        try directory.environment.write { txn in
            let units = try directory.allUnits(txn)
            let college = units.filter { $0.kind == .college }.min { $0.id < $1.id }
            let majors = Set(units.filter { $0.kind == .major && $0.parent == college?.id }.map(\.id))
            let school = Account(id: "school", displayName: "就业指导中心", roles: [.school])
            var officer = Account(id: "college-1", displayName: "\(college?.name ?? "")就业工作", roles: [.college])
            officer.collegeID = college?.id
            var counselor = Account(id: "counselor-1", displayName: "\(college?.name ?? "")辅导员", roles: [.counselor])
            counselor.classIDs = units.filter { $0.kind == .class && majors.contains($0.parent ?? 0) }.map(\.id)
            for var a in [school, officer, counselor] where try directory.accounts.get(txn, a.id) == nil {
                a.passwordHash = hash
                try directory.accounts.put(txn, a.id, a)
            }
        }
    }

    /// Writes one record in `state` with the levels below it approved.
    private func put(_ txn: Transaction, _ kind: RecordTables, _ s: StudentEntry, id: String, existing: StoredRecord?, values: JSONObject,
                     state: String, units: [UInt32: OrgUnit], now: Double, report: inout Report) throws {
        var r = existing ?? StoredRecord(id: id, student: s, state: state, levels: kind.pipeline?.stages.count ?? 0, now: now)
        let from = existing?.state ?? ""
        r.state = state
        if let pipeline = kind.pipeline {
            let pending = pipeline.stages.firstIndex { ReviewState.pending($0.role) == ReviewState(id: state) }
            for i in r.levels.indices {
                let approved = state == "approved" || (pending.map { i < $0 } ?? false)
                r.levels[i] = approved ? .approved : .pending
                r.reviewers[i] = approved ? "seed" : ""
            }
        }
        var all = values
        for (k, v) in kind.registryValues(s, name: { units[$0]?.name }) { all[k] = v }
        try kind.setValues(&r, all)
        if kind.pipeline != nil { r.filled = r.values }
        _ = try kind.append(txn, to: &r, actor: "seed", role: "admin", action: "seed", level: "", from: from, to: state, reason: "", note: "", now: now)
        try kind.records.put(txn, id, r, replacing: existing)
        report.records[kind.spec.id, default: 0] += 1
    }
}
