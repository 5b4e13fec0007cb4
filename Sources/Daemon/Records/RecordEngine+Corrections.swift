import Foundation
import PluginAPI
import Storage

/// Corrections of registry data (学籍信息更正): the school — and the college where
/// `plugins.yaml` says so — fixes a wrong 姓名, 身份证号 or 班级 in the back office. A correction is
/// checked like any value, then the student directory changes first and every record of the
/// student follows it (``RecordKinds/sync``: placement, indexes, counters, mirrored fields), all
/// in the caller's transaction; the corrected record's history keeps the old and new values, and
/// the correction is remembered so a later import reports it instead of undoing it.
extension RecordEngine {
    /// A correction checked against the directory, ready to write.
    struct RegistryCorrection {
        /// The student as the directory holds them now, and as corrected.
        var old: StudentEntry
        var entry: StudentEntry
        /// Registry columns kept in records only (民族, 考生号 …), by field key.
        var extras: JSONObject
        /// What the correction remembers: see ``RegistryCorrections``.
        var marks: [String: JSONValue]
        /// `姓名：张三 → 李四` per changed field, for the history.
        var changes: [String]
    }

    /// The part of `input` that corrects registry fields `caller` may correct. Other registry
    /// fields stay in the input, for the usual refusal.
    func corrections(in input: JSONObject, _ kind: RecordTables, caller: Caller) -> JSONObject {
        guard !caller.isSystem else { return [:] }   // the core and plugins' hooks set values as before
        let allowed = Set(kind.spec.correctableFields(by: caller.account.roles).map(\.key))
        return JSONObject(input.filter { allowed.contains($0.key) }.map { ($0.key, $0.value) })
    }

    /// Checks a correction without writing: types and code tables, 院系/专业/班级 that exist
    /// and belong together (another 院系 only by the school), and 性别 matching 身份证号. Nil when
    /// nothing would change.
    func correctionPlan(_ txn: Transaction, _ kind: RecordTables, _ record: StoredRecord, _ input: JSONObject, caller: Caller) throws -> RegistryCorrection? {
        guard !input.isEmpty else { return nil }
        let clean = try checked(input, kind, allowed: { _ in true })
        guard let old = try directory.students.get(txn, record.student) else { throw EngineError.notFound }
        let units = try directory.unitsByID(txn)
        let current = try record.valuesObject()
        var plan = RegistryCorrection(old: old, entry: old, extras: [:], marks: [:], changes: [])
        var placement = [RegistryAttribute.college: old.collegeID, .major: old.majorID, .className: old.classID].mapValues { units[$0]?.name ?? "" }
        for (key, value) in clean.sorted(by: { $0.key < $1.key }) {
            let field = kind.spec.field(key)!
            if value == .null && (field.required || kind.spec.registry[key] != nil) {
                throw EngineError.required(field: key, label: field.label.zh)
            }
            guard value != current[key] else { continue }
            plan.changes.append("\(field.label.zh)：\(display(current[key], field)) → \(display(value, field))")
            guard let attribute = kind.spec.registry[key] else {
                plan.extras[key] = value
                plan.marks[RegistryCorrections.fieldKey(key)] = value
                continue
            }
            let text = value.stringValue ?? ""
            switch attribute {
            case .name: plan.entry.name = text
            case .idNumber: plan.entry.idNumber = text
            case .gender: plan.entry.gender = text
            case .educationLevel: plan.entry.educationLevel = text
            case .cohort:
                guard case .int(let year) = value, (2000...2100).contains(year) else {
                    throw EngineError.badRequest("\(field.label.zh)：应为 2000 至 2100 之间的年份", field: key)
                }
                plan.entry.cohort = UInt16(year)
            default: placement[attribute] = text
            }
            plan.marks[attribute.rawValue] = attribute == .cohort ? value : .string(text)
        }
        guard !plan.changes.isEmpty else { return nil }
        try place(&plan, placement, kind, txn)
        // A college corrects within itself: moving a student to another college is the school's.
        if plan.entry.collegeID != old.collegeID && !caller.account.roles.contains(.school) {
            throw EngineError.notEditable(field: kind.spec.registryKey(.college) ?? "college", label: "院系")
        }
        if let id = try? IDNumber(plan.entry.idNumber), id.genderCode != plan.entry.gender {
            let key = plan.entry.idNumber != old.idNumber ? kind.spec.registryKey(.idNumber) : kind.spec.registryKey(.gender)
            throw EngineError.badRequest("性别与身份证号不符（身份证号第 17 位表示性别）", field: key)
        }
        return plan
    }

    /// The corrected 院系, 专业 and 班级 as units of the tree: each must exist, the major under the
    /// college and the class under the major. A correction moves a student, it creates no unit.
    private func place(_ plan: inout RegistryCorrection, _ names: [RegistryAttribute: String], _ kind: RecordTables, _ txn: Transaction) throws {
        let moved = RegistryAttribute.placement.contains { plan.marks[$0.rawValue] != nil }
        guard moved else { return }
        func unit(_ a: RegistryAttribute, under parent: UInt32?, _ what: String) throws -> UInt32 {
            let name = names[a] ?? ""
            guard let id = try directory.findUnit(txn, name: name, parent: parent) else {
                throw EngineError.badRequest("\(what)“\(name)”不存在", field: kind.spec.registryKey(a))
            }
            return id
        }
        plan.entry.collegeID = try unit(.college, under: nil, "院系")
        plan.entry.majorID = try unit(.major, under: plan.entry.collegeID, "“\(names[.college] ?? "")”下的专业")
        plan.entry.classID = try unit(.className, under: plan.entry.majorID, "“\(names[.major] ?? "")”专业下的班级")
        // The place is one fact: remember all three, so an import keeps them together.
        for a in RegistryAttribute.placement { plan.marks[a.rawValue] = .string(names[a] ?? "") }
    }

    /// Writes a checked correction: the directory (its indexes and counters), every record of the
    /// student, the student's account, the remembered correction, and the history of the
    /// corrected record, which is returned as it now stands.
    func applyCorrection(_ txn: Transaction, _ kind: RecordTables, id: String, _ plan: RegistryCorrection,
                         caller: Caller, now: Double) throws -> StoredRecord {
        var changes = plan.changes
        if plan.entry != plan.old {
            try directory.students.put(txn, plan.entry.number, plan.entry, replacing: plan.old)
            let units = try directory.unitsByID(txn)
            try kinds.sync(txn, student: plan.entry, created: false) { units[$0]?.name }
            if let note = try followAccount(txn, plan) { changes.append(note) }
        }
        if !plan.extras.isEmpty { try kinds.importExtras(txn, student: plan.entry.number, values: plan.extras) }
        var remembered = try directory.corrections.get(txn, plan.entry.number) ?? RegistryCorrections()
        for (key, value) in plan.marks { remembered.marks[key] = .init(value: value, by: caller.account.id, time: now) }
        try directory.corrections.put(txn, plan.entry.number, remembered)
        guard var record = try kind.records.get(txn, id) else { throw EngineError.notFound }
        let original = record
        let role = actingRole(caller, among: Role.staff)?.rawValue ?? "system"
        _ = try kind.append(txn, to: &record, actor: caller.account.id, role: role, action: Self.correctAction, level: "",
                            from: record.state, to: record.state, reason: "", note: changes.joined(separator: "；"), now: now)
        record.updated = now
        try kind.records.put(txn, id, record, replacing: original)
        return record
    }

    /// The history action of a correction.
    static let correctAction = "correct"

    /// The student's login follows: the name shown is the corrected one. The login stays the
    /// 学号, and a password the student chose stays; a student still on the initial password (the
    /// last six of 身份证号) logs in with the corrected number's from now on — said in the history.
    private func followAccount(_ txn: Transaction, _ plan: RegistryCorrection) throws -> String? {
        var account = try directory.accounts.get(txn, plan.entry.number)
        if var a = account, a.displayName != plan.entry.name {
            a.displayName = plan.entry.name
            try directory.accounts.put(txn, a.id, a, replacing: account)
            account = a
        }
        guard plan.entry.idNumber != plan.old.idNumber, account?.passwordHash == nil,
              let id = try? IDNumber(plan.entry.idNumber), let was = try? IDNumber(plan.old.idNumber), id.lastSix != was.lastSix else { return nil }
        return "初始密码随之改为新身份证号后六位"
    }

    /// A value as the history shows it: a code with its name, an empty one as 空.
    private func display(_ value: JSONValue?, _ field: FieldSpec) -> String {
        guard let value, value != .null, let text = RecordTables.term(value) else { return "空" }
        return kinds.codeName(field, text).map { "\($0)（\(text)）" } ?? text
    }
}

extension RecordTables {
    /// What the core itself writes to histories, by action, as people read it.
    static let coreActionLabels = ["create": "新建", "import": "导入", "reconfigure": "配置变更", RecordEngine.correctAction: "更正学籍信息"]

    /// The label of a history entry's action: the workflow's transition of that name, else one
    /// of the core's own; "" for an action neither knows (renamed since).
    func actionLabel(_ action: String) -> String {
        if let t = workflow?.transitions.first(where: { $0.action == action }) { return t.label.zh }
        return Self.coreActionLabels[action] ?? ""
    }
}

extension RecordKinds {
    /// Notes in the history of the student's records created on import (生源) that an import
    /// replaced corrected values with the file's (`--corrections overwrite`).
    func noteOverwrittenCorrections(_ txn: Transaction, student: String, changes: [String]) throws {
        let now = Date().timeIntervalSince1970
        for kind in tables.values where kind.spec.createOnImport {
            for id in try kind.byStudent.keys(txn, matching: student) {
                guard var r = try kind.records.get(txn, id) else { continue }
                let original = r
                _ = try kind.append(txn, to: &r, actor: "registry", role: "admin", action: "import", level: "", from: r.state, to: r.state,
                                    reason: "", note: "导入覆盖更正：" + changes.joined(separator: "；"), now: now)
                try kind.records.put(txn, id, r, replacing: original)
            }
        }
    }
}
