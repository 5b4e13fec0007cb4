import Foundation
import PluginAPI
import Storage

/// The databases a kind's ``RecordAudit`` reads, kept in the write transaction of every change,
/// so an audit reads groups instead of records.
///
/// | database | key → value | kept by |
/// |---|---|---|
/// | `audit/<kind>` | ``AuditTerms`` term → record id | the records table, on every write (a secondary index) |
/// | `audit-files/<kind>` | sha256 → record id | an upload, a record's deletion |
/// | `audit-submitted/<kind>` | record id → day of the last submission | every history entry |
/// | `audit-approved/<kind>` | record id → the watched values at the last final approval | every history entry |
struct AuditIndex: Sendable {
    let audit: RecordAudit
    let terms: AuditTerms
    /// The terms of every record, as a secondary index of the records table.
    let index: SecondaryIndex<String, StoredRecord>
    let files: Database
    let submitted: Table<String, String>
    let approved: Table<String, String>
    /// States a submission leaves from (the draft, the rejections): leaving one for another state is a submission.
    let editableStates: Set<String>
    /// The state a final approval reaches.
    let approvedStates: Set<String>

    init?(environment: Environment, spec: RecordKindSpec) throws {
        guard let audit = spec.audit, !audit.rules.isEmpty else { return nil }
        self.audit = audit
        let terms = AuditTerms(audit: audit)
        self.terms = terms
        let k = spec.id
        let keys = Set(audit.fields)
        index = try SecondaryIndex(environment, name: "audit/\(k)", terms: { (r: StoredRecord) -> [[UInt8]] in
            terms.terms(id: r.id, cohort: r.cohort, values: AuditTerms.members(r.values, keys: keys))
        })
        files = try environment.database("audit-files/\(k)", options: .duplicates)
        submitted = try Table(environment, name: "audit-submitted/\(k)")
        approved = try Table(environment, name: "audit-approved/\(k)")
        let workflow = spec.process.workflow
        var editable: Set<String> = ["", workflow?.initial ?? ""]
        for t in workflow?.transitions ?? [] where t.effect == .submit || t.effect == .resubmit { editable.formUnion(t.from) }
        editableStates = editable
        if case .review = spec.process {
            approvedStates = [ReviewState.approved.id]
        } else {
            approvedStates = Set((workflow?.states ?? []).filter(\.isFinal).map(\.id))
        }
    }

    /// The fields ``AuditRule/changedAfterApproval(fields:)`` watches.
    var watched: [String] {
        audit.rules.flatMap { rule -> [String] in
            guard case .changedAfterApproval(let f) = rule else { return [] }
            return f
        }
    }

    // MARK: Kept on write

    /// Notes a history entry just appended to `record`: a submission's day, or the watched values
    /// at a final approval.
    func noted(_ txn: Transaction, _ record: StoredRecord, from: String, to: String, time: Double) throws {
        if editableStates.contains(from) && !editableStates.contains(to) {
            try submitted.put(txn, record.id, AuditTerms.day(time))
        }
        if approvedStates.contains(to), !watched.isEmpty {
            try approved.put(txn, record.id, terms.snapshot(AuditTerms.members(record.values, keys: Set(watched)), watched))
        }
    }

    /// Notes a file attached to a record.
    func attached(_ txn: Transaction, record id: String, sha: String) throws {
        _ = try txn.put(files, Array(sha.utf8), id.keyBytes)
    }

    /// Forgets a deleted record's files, submission and approval.
    func removed(_ txn: Transaction, record id: String, files shas: [String]) throws {
        for sha in shas { _ = try txn.delete(files, Array(sha.utf8), value: id.keyBytes) }
        _ = try submitted.delete(txn, id)
        _ = try approved.delete(txn, id)
    }

    // MARK: Built once

    static func metaKey(_ kind: String) -> String { "audit-index/\(kind)" }

    /// What the stored terms were made from: rebuilt when the rules change.
    var version: UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in "1|\(audit.rules)".utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// Fills the audit's databases from the records, their histories and their files, once per
    /// version of the rules: data written before the audit existed (or under other rules).
    static func build(_ kind: RecordTables, environment: Environment, meta: Table<String, UInt32>) throws {
        guard let audit = kind.audit else { return }
        let key = metaKey(kind.spec.id)
        guard try environment.read({ try meta.get($0, key) }) != audit.version else { return }
        try environment.write { txn in
            for db in [audit.index.database, audit.files, audit.submitted.database, audit.approved.database] { try txn.clear(db) }
            try kind.records.primary.scan(txn) { id, r in
                for term in audit.terms.terms(id: id, cohort: r.cohort, values: try r.valuesObject()) {
                    _ = try txn.put(audit.index.database, term, id.keyBytes)
                }
                for e in try kind.entries(txn, of: id) { try audit.noted(txn, r, from: e.from, to: e.to, time: e.time) }
                return true
            }
            try kind.materials.scan(txn) { k, _ in _ = try txn.put(audit.files, Array(k.second.utf8), k.first.keyBytes); return true }
            try meta.put(txn, key, audit.version)
        }
    }
}
