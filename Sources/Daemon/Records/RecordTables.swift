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
/// | `idx/<kind>/party` | party (employer credit code) → record id, for kinds with a party |
/// | `idx/<kind>/level` | (level, status) → record id |
/// | `idx/<kind>/f/<field>` | field value → record id, for indexed fields |
/// | `hist/<kind>` | (record id, seq) → ``HistoryEntry`` |
/// | `materials/<kind>` | (record id, sha256) → ``Materials/Material`` |
/// | `stats/<kind>` | (dimension, cohort, college, major, class, value) → count, kept in the write transaction |
final class RecordTables: Sendable {
    let spec: RecordKindSpec
    let plugin: PluginID
    let workflow: Workflow?
    let pipeline: ReviewPipeline?
    /// State labels by state id (what answers show beside the state).
    let stateLabels: [String: String]
    let records: IndexedTable<String, StoredRecord>
    let byCollege: SecondaryIndex<String, StoredRecord>
    let byMajor: SecondaryIndex<String, StoredRecord>
    let byClass: SecondaryIndex<String, StoredRecord>
    let byStudent: SecondaryIndex<String, StoredRecord>
    let byState: SecondaryIndex<String, StoredRecord>
    let byLevel: SecondaryIndex<String, StoredRecord>
    let byParty: SecondaryIndex<String, StoredRecord>
    let byField: [String: SecondaryIndex<String, StoredRecord>]
    let history: Table<KeyPair<String, UInt32>, HistoryEntry>
    /// Record id → HMAC of the last unkeyed entry its chain had when keying began (see ``HistorySeal``).
    let legacySeals: Table<String, [UInt8]>
    /// What new history entries are signed with.
    let historyKey: HistoryKey
    /// Attached files: (record id, sha256) → material.
    let materials: Table<KeyPair<String, String>, Materials.Material>
    /// The fields whose values the envelope keeps as terms: indexed fields and code fields.
    let termFields: [FieldSpec]
    /// The position among the terms of the field a staff-visibility rule reads.
    let visibilityTerm: Int?
    /// Live counts: (dimension, cohort, college, major, class, value) → records.
    let stats: CounterIndex<StoredRecord>
    /// The statistics dimensions: `state`, `level.<role>`, and `field.<key>` for every code field.
    let dimensions: [String]
    /// What a record answer lists as `editable`, made once per kind (it was a tenth of a record
    /// GET): per staff role, the fields it may change while staff may edit (all but registry
    /// data, plus the registry fields the role may correct) and the registry fields it may
    /// correct alone; and the student's own fields. Keys in declared order.
    let editable: (staff: [Role: (all: [String], correctable: [String])], student: [String])
    /// The kind's 数据核查 indexes, if it declares one (``AuditIndex``).
    let audit: AuditIndex?

    init(environment: Environment, plugin: PluginID, spec: RecordKindSpec, historyKey: HistoryKey) throws {
        self.historyKey = historyKey
        self.spec = spec
        self.plugin = plugin
        workflow = spec.process.workflow
        stateLabels = Dictionary(uniqueKeysWithValues: (spec.process.workflow?.states ?? []).map { ($0.id, $0.label.zh) })
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
        byParty = try SecondaryIndex(environment, name: "idx/\(k)/party", term: { (r: StoredRecord) -> String? in r.party.isEmpty ? nil : r.party })
        let termFields = spec.fields.filter { f in
            if f.indexed || f.key == spec.staffVisibility?.field { return true }
            if case .code = f.type { return true }
            return false
        }
        self.termFields = termFields
        visibilityTerm = spec.staffVisibility.flatMap { rule in termFields.firstIndex { $0.key == rule.field } }
        var fields: [String: SecondaryIndex<String, StoredRecord>] = [:]
        for (i, f) in termFields.enumerated() where f.indexed {
            fields[f.key] = try SecondaryIndex(environment, name: "idx/\(k)/f/\(f.key)") { r in
                i < r.terms.count && !r.terms[i].isEmpty ? r.terms[i] : nil
            }
        }
        byField = fields
        let codeFields = termFields.enumerated().filter { if case .code = $0.element.type { return true } else { return false } }
        let stages: [ReviewStage]
        if case .review(let p) = spec.process { stages = p.stages } else { stages = [] }
        let initial = spec.process.workflow?.initial ?? ""
        // `approved.field.<key>`: the values of indexed code fields among records approved at the
        // last level (the placement rate's 已审核 figure), for reviewed kinds. Indexed ones only:
        // every counter costs each approval a write, and batch approval does ten thousand.
        let approvedDimensions = stages.isEmpty ? [] : codeFields.filter(\.element.indexed)
            .map { (position: $0.offset, dimension: "approved.field.\($0.element.key)") }
        editable = (
            Dictionary(uniqueKeysWithValues: Role.allCases.filter(\.isStaff).map { role in
                let correctable = Set(spec.correctableFields(by: [role]).map(\.key))
                return (role, (spec.fields.filter { $0.editableBy != .nobody || correctable.contains($0.key) }.map(\.key),
                               spec.fields.map(\.key).filter(correctable.contains)))
            }),
            spec.fields.filter { $0.editableBy.allows(.student) }.map(\.key))
        dimensions = ["state"] + stages.map { "level.\($0.role.rawValue)" } + codeFields.map { "field.\($0.element.key)" } + approvedDimensions.map(\.dimension)
        // Each dimension's name and its per-college and per-major sums' names, made once: a
        // batch of 10 000 approvals computes every record's counter keys twice.
        typealias Names = (dimension: String, college: String, major: String)
        func names(_ d: String) -> Names { (d, StatsQuery.Rollup.college.dimension(d), StatsQuery.Rollup.major.dimension(d)) }
        let total = names("total"), state = names("state")
        let levelDimensions = stages.map { names("level.\($0.role.rawValue)") }
        let fieldDimensions = codeFields.map { (position: $0.offset, names: names("field.\($0.element.key)")) }
        let approvedNames = approvedDimensions.map { (position: $0.position, names: names($0.dimension)) }
        stats = try CounterIndex(environment, name: "stats/\(k)") { r in
            var out: [StatsKey] = []
            out.reserveCapacity(3 * (2 + levelDimensions.count + fieldDimensions.count + approvedNames.count))
            // Each class's count and its college's and major's sums move together.
            func add(_ n: Names, _ value: String) {
                out.append(StatsKey(dimension: n.dimension, cohort: r.cohort, college: r.collegeID, major: r.majorID, classID: r.classID, value: value))
                out.append(StatsKey(dimension: n.college, cohort: r.cohort, college: r.collegeID, major: 0, classID: 0, value: value))
                out.append(StatsKey(dimension: n.major, cohort: r.cohort, college: r.collegeID, major: r.majorID, classID: 0, value: value))
            }
            add(total, "")
            add(state, r.state)
            for (i, d) in levelDimensions.enumerated() where i < r.levels.count {
                add(d, r.state == initial ? "unsubmitted" : r.levels[i].name)
            }
            for f in fieldDimensions where f.position < r.terms.count && !r.terms[f.position].isEmpty {
                add(f.names, r.terms[f.position])
            }
            if r.state == "approved" {
                for f in approvedNames where f.position < r.terms.count && !r.terms[f.position].isEmpty {
                    add(f.names, r.terms[f.position])
                }
            }
            return out
        }
        audit = try AuditIndex(environment: environment, spec: spec)
        records = IndexedTable(primary: try Table(environment, name: "rec/\(k)"),
                               indexes: [byCollege, byMajor, byClass, byStudent, byState, byLevel, byParty] + Array(fields.values) + (audit.map { [$0.index] } ?? []),
                               counters: [stats])
        history = try Table(environment, name: "hist/\(k)")
        legacySeals = try Table(environment, name: "hist-legacy/\(k)")
        materials = try Table(environment, name: "materials/\(k)")
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

    /// Stores new official values: derived fields computed by the kind, then the index terms and
    /// the party refreshed — the one way values change.
    func setValues(_ record: inout StoredRecord, _ values: JSONObject) throws {
        var values = values
        spec.derive?(&values)
        record.values = try StoredRecord.bytes(values)
        refreshTerms(&record, values: values)
    }

    /// Whether a student's value of `key` goes to their form rather than the official values: on
    /// reviewed kinds that keep the form apart (``StudentForm/separate``), where staff check it and
    /// copy it over (一键复制填报). Everywhere else the student writes the record itself.
    func isFormField(_ key: String) -> Bool {
        keepsStudentForm && spec.field(key)?.editableBy == .student
    }

    /// Whether the student's values are kept apart from the official ones.
    var keepsStudentForm: Bool { pipeline != nil && spec.studentForm == .separate }

    /// The label of a reject reason (信息有误 for `incorrect`); free-text reasons are their own label.
    func reasonLabel(_ reason: String) -> String {
        pipeline?.rejectReasons.first { $0.code == reason }?.name ?? reason
    }

    /// The level of the review pipeline a record in `state` waits at, nil when it waits at none.
    func waitingLevel(_ state: String) -> Role? {
        guard case .pending(let role) = ReviewState(id: state), pipeline?.stages.contains(where: { $0.role == role }) == true else { return nil }
        return role
    }

    /// The label of a state, never its raw id: a state the workflow no longer declares (a level
    /// removed from the configuration) is named from its role, or as unknown.
    func stateLabel(_ state: String) -> String {
        if let label = stateLabels[state] { return label }
        switch ReviewState(id: state) {
        case .other: return "未知状态"
        case let known: return known.label.zh
        }
    }

    /// Recomputes the index terms, and the party, after the official values changed.
    func refreshTerms(_ record: inout StoredRecord, values: JSONObject) {
        record.terms = termFields.map { values[$0.key].flatMap(Self.term) ?? "" }
        if let field = spec.party?.field { record.party = values[field].flatMap(Self.term) ?? "" }
    }

    /// The registry fields of a student as this kind names them.
    func registryValues(_ s: StudentEntry, name: (UInt32) -> String?) -> JSONObject {
        var out = JSONObject()
        for (key, attribute) in spec.registry.sorted(by: { $0.key < $1.key }) {
            let v: JSONValue? = switch attribute {
            case .studentNumber: .string(s.number)
            case .name: .string(s.name)
            case .idNumber: .string(s.idNumber)
            case .gender: .string(s.gender)
            case .college: name(s.collegeID).map(JSONValue.string)
            case .major: name(s.majorID).map(JSONValue.string)
            case .className: name(s.classID).map(JSONValue.string)
            case .educationLevel: .string(s.educationLevel)
            case .cohort: .int(Int(s.cohort))
            case .birthDate: (try? IDNumber(s.idNumber)).map { .string($0.birthDate) }
            }
            if let v { out[key] = v }
        }
        return out
    }

    /// The position of a field among the terms, if it has one.
    func termIndex(_ key: String) -> Int? { termFields.firstIndex { $0.key == key } }

    /// The position of a review level by role.
    func levelIndex(_ role: Role) -> Int? { pipeline?.stages.firstIndex { $0.role == role } }

    /// Appends a history entry and moves the record's chain head.
    func append(_ txn: Transaction, to record: inout StoredRecord, actor: String, role: String, action: String, level: String,
                from: String, to: String, reason: String, note: String, now: Double) throws -> HistoryEntry {
        let entry = HistoryEntry(seq: record.historyCount + 1, time: now, actor: actor, role: role, action: action, level: level,
                                 from: from, to: to, reason: reason, note: note, prev: record.historyHead,
                                 key: historyKey, kind: spec.id, record: record.id)
        try history.put(txn, KeyPair(record.id, entry.seq), entry)
        try audit?.noted(txn, record, from: from, to: to, time: now)
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
