import Foundation
import PluginAPI
import Storage

/// Runs a kind's ``RecordAudit`` for one caller: finds the groups each rule makes from the
/// ``AuditIndex`` (the whole kind, or one record's own groups), then shows each group that has a
/// record in view as an ``AuditFlag``. The scope is applied here, in the core, as every read
/// applies it: records out of view are counted, never named.
struct RecordAuditor {
    let kinds: RecordKinds
    let kind: RecordTables
    let index: AuditIndex
    /// The caller's door to records.
    let records: ScopedRecords
    /// Only records of this cohort are in view, when given.
    var cohort: UInt16? = nil

    init(kinds: RecordKinds, kind: RecordTables, records: ScopedRecords, cohort: UInt16? = nil) throws {
        guard let index = kind.audit else { throw EngineError.unknownKind(kind.spec.id) }
        self.kinds = kinds
        self.kind = kind
        self.index = index
        self.records = records
        self.cohort = cohort
    }

    var audit: RecordAudit { index.audit }

    /// Every flag over the records in view, rule by rule.
    func all(_ txn: Transaction) throws -> [AuditFlag] {
        try groups(txn).compactMap { try flag(txn, $0) }
    }

    /// The flags of one record (which the caller may see): the groups it is named in (a record
    /// with the name most give for its credit code is not, though its code has a flag).
    func flags(_ txn: Transaction, of record: StoredRecord) throws -> [AuditFlag] {
        try groups(txn, of: record).filter { $0.members.contains { $0.id == record.id } }.compactMap { try flag(txn, $0) }
    }

    /// Whether a record is in view.
    func inView(_ r: StoredRecord) -> Bool {
        records.shows(kind, r) && (cohort == nil || r.cohort == cohort)
    }

    // MARK: Showing a group

    /// The group as the caller sees it, nil when none of its records is in view.
    func flag(_ txn: Transaction, _ g: AuditGroup) throws -> AuditFlag? {
        var shown: [AuditRecordRef] = [], hidden = 0
        for m in g.members {
            guard let r = try kind.records.get(txn, m.id) else { continue }
            guard inView(r) else { hidden += 1; continue }
            shown.append(AuditRecordRef(id: r.id, student: r.student, studentName: r.studentName, cohort: Int(r.cohort), value: m.value.isEmpty ? nil : m.value))
        }
        guard !shown.isEmpty else { return nil }
        let rule = audit.rules[g.position]
        var message = self.message(rule, g)
        if hidden > 0 { message += "；另有 \(hidden) 条记录不在您的查看范围内" }
        return AuditFlag(rule: rule.id, label: label(rule), subject: g.subject, message: message, records: shown, hidden: hidden)
    }

    /// The label users read: 证明材料重复, 单位名称不一致, 联系方式重复, 签约日期异常, 审核通过后修改毕业去向.
    func label(_ rule: AuditRule) -> String {
        switch rule {
        case .sharedFile(let f): "\(fieldLabel(f))重复"
        case .consistentName(_, let name): "\(fieldLabel(name))不一致"
        case .sharedContact: "联系方式重复"
        case .dateNotAfterSubmission(let f), .dateWindow(let f): "\(fieldLabel(f))异常"
        case .changedAfterApproval(let fields): "审核通过后修改\(fields.map(fieldLabel).joined(separator: "、"))"
        }
    }

    /// The evidence in words, from every record of the group (counts include those out of view).
    func message(_ rule: AuditRule, _ g: AuditGroup) -> String {
        switch rule {
        case .sharedFile:
            return "同一文件（SHA-256 \(g.subject.prefix(16))…）附在 \(g.students) 名学生的记录中"
        case .consistentName(let key, let name):
            return "\(fieldLabel(key)) \(g.subject) 对应不同的\(fieldLabel(name))：\(g.detail)"
        case .sharedContact(_, let by):
            let employers = Set(g.members.map(\.value)).count
            return "\(fieldLabel(g.detail)) \(g.subject) 出现在 \(g.students) 名学生、\(employers) 个不同\(fieldLabel(by))的记录中（上限 \(audit.sharedContactLimit) 人）"
        case .dateNotAfterSubmission(let f):
            return "\(fieldLabel(f)) \(g.subject) 晚于提交审核的日期 \(g.detail)"
        case .dateWindow(let f):
            let c = Int(g.detail) ?? 0
            let w = audit.windows[c]
            return "\(fieldLabel(f)) \(g.subject) 不在 \(c) 届规定的期间（\(w?.from ?? "") 至 \(w?.to ?? "")）内"
        case .changedAfterApproval(let fields):
            let before = g.detail.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            let after = g.subject.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            let changes = fields.enumerated().compactMap { i, f -> String? in
                let old = i < before.count ? before[i] : "", new = i < after.count ? after[i] : ""
                return old == new ? nil : "\(fieldLabel(f))审核通过时为「\(display(f, old))」，现为「\(display(f, new))」"
            }
            return changes.joined(separator: "；")
        }
    }

    func fieldLabel(_ key: String) -> String { kind.spec.field(key)?.label.zh ?? key }

    /// A value as users read it: a code with its name.
    func display(_ key: String, _ value: String) -> String {
        guard !value.isEmpty else { return "（空）" }
        guard let f = kind.spec.field(key), let name = kinds.codeName(f, value) else { return value }
        return "\(value) \(name)"
    }
}
