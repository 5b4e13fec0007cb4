import Foundation
import PluginAPI
import Storage

/// One kind's LMDB databases and the spec they serve.
///
/// | database | key → value |
/// |---|---|
/// | `rec/<kind>` | record id → ``StoredRecord`` |
/// | `idx/<kind>/college`, `…/major`, `…/class` | (unit, cohort) → record id |
/// | `idx/<kind>/student` | 学号 → record id |
/// | `idx/<kind>/state` | state → record id |
/// | `idx/<kind>/level` | (level, status) → record id |
/// | `idx/<kind>/f/<field>` | field value → record id, for indexed fields |
/// | `hist/<kind>` | (record id, seq) → ``HistoryEntry`` |
final class RecordTables: Sendable {
    let spec: RecordKindSpec
    let plugin: PluginID
    let workflow: Workflow?
    let pipeline: ReviewPipeline?
    let records: IndexedTable<String, StoredRecord>
    let byCollege: SecondaryIndex<String, StoredRecord>
    let byMajor: SecondaryIndex<String, StoredRecord>
    let byClass: SecondaryIndex<String, StoredRecord>
    let byStudent: SecondaryIndex<String, StoredRecord>
    let byState: SecondaryIndex<String, StoredRecord>
    let byLevel: SecondaryIndex<String, StoredRecord>
    let byField: [String: SecondaryIndex<String, StoredRecord>]
    let history: Table<KeyPair<String, UInt32>, HistoryEntry>

    init(environment: Environment, plugin: PluginID, spec: RecordKindSpec) throws {
        self.spec = spec
        self.plugin = plugin
        workflow = spec.process.workflow
        if case .review(let p) = spec.process { pipeline = p } else { pipeline = nil }
        let k = spec.id
        byCollege = try SecondaryIndex(environment, name: "idx/\(k)/college") { KeyPair($0.collegeID, $0.cohort) }
        byMajor = try SecondaryIndex(environment, name: "idx/\(k)/major") { KeyPair($0.majorID, $0.cohort) }
        byClass = try SecondaryIndex(environment, name: "idx/\(k)/class") { KeyPair($0.classID, $0.cohort) }
        byStudent = try SecondaryIndex(environment, name: "idx/\(k)/student") { $0.student }
        byState = try SecondaryIndex(environment, name: "idx/\(k)/state") { $0.state }
        byLevel = try SecondaryIndex(environment, name: "idx/\(k)/level") { r in
            r.levels.enumerated().map { KeyPair(UInt8($0.offset), $0.element.rawValue).keyBytes }
        }
        var fields: [String: SecondaryIndex<String, StoredRecord>] = [:]
        for (i, f) in spec.indexedFields.enumerated() {
            fields[f.key] = try SecondaryIndex(environment, name: "idx/\(k)/f/\(f.key)") { r in
                i < r.terms.count && !r.terms[i].isEmpty ? [r.terms[i].keyBytes] : []
            }
        }
        byField = fields
        records = IndexedTable(primary: try Table(environment, name: "rec/\(k)"),
                               indexes: [byCollege, byMajor, byClass, byStudent, byState, byLevel] + Array(fields.values))
        history = try Table(environment, name: "hist/\(k)")
    }

    /// The index term of a value: its text (numbers and booleans as written in JSON).
    static func term(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s.isEmpty ? nil : s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// Recomputes the index terms after the official values changed.
    func refreshTerms(_ record: inout StoredRecord, values: JSONObject) {
        record.terms = spec.indexedFields.map { values[$0.key].flatMap(Self.term) ?? "" }
    }

    /// The position of a review level by role.
    func levelIndex(_ role: Role) -> Int? { pipeline?.stages.firstIndex { $0.role == role } }

    /// Appends a history entry and moves the record's chain head.
    func append(_ txn: Transaction, to record: inout StoredRecord, actor: String, role: String, action: String, level: String,
                from: String, to: String, reason: String, note: String, now: Double) throws -> HistoryEntry {
        let entry = HistoryEntry(seq: record.historyCount + 1, time: now, actor: actor, role: role, action: action, level: level,
                                 from: from, to: to, reason: reason, note: note, prev: record.historyHead)
        try history.put(txn, KeyPair(record.id, entry.seq), entry)
        record.historyCount = entry.seq
        record.historyHead = entry.hash
        return entry
    }

    /// The history of one record, oldest first.
    func entries(_ txn: Transaction, of id: String) throws -> [HistoryEntry] {
        var out: [HistoryEntry] = []
        try history.scan(txn, prefix: KeyPrefix(id)) { _, e in out.append(e); return true }
        return out
    }
}
