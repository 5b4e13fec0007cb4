import Foundation
import PluginAPI
import Storage

/// The record kinds of one plugin set with their databases open: what the engine and the
/// generic routes work on. Rebuilt when a reload changes the set.
final class RecordKinds: Sendable {
    let tables: [String: RecordTables]
    let codeTables: [String: CodeTable]
    /// The plugin set these kinds were declared by: a write checks it is still the one served.
    let set: PluginSet

    /// - Parameter meta: where the sealing of legacy history chains is recorded; nil opens the
    ///   kinds without sealing (a read-only look, as `jiuyed check --data` takes).
    init(set: PluginSet, environment: Environment, historyKey: HistoryKey, meta: Table<String, UInt32>?) throws {
        var t: [String: RecordTables] = [:]
        for (id, entry) in set.kinds {
            let tables = try RecordTables(environment: environment, plugin: entry.plugin, spec: entry.spec, historyKey: historyKey)
            if let meta { try HistorySeal.sealLegacyChains(tables, environment: environment, meta: meta) }
            if let meta { try AuditIndex.build(tables, environment: environment, meta: meta) }
            t[id] = tables
        }
        tables = t
        codeTables = set.codeTables
        self.set = set
    }

    func kind(_ id: String) throws -> RecordTables {
        guard let t = tables[id] else { throw EngineError.unknownKind(id) }
        return t
    }

    /// The name of `code` in the code table of `field`, if it is a code field.
    func codeName(_ field: FieldSpec, _ code: String) -> String? {
        guard case .code(let table) = field.type else { return nil }
        return codeTables[table]?.entry(code)?.name
    }

    /// The registry fields an import may carry as extra columns: fields of kinds created on import
    /// that students cannot edit, matched by label.
    var importFields: [FieldSpec] {
        tables.values.filter(\.spec.createOnImport).flatMap { k in
            k.spec.fields.filter { $0.editableBy != .student && k.spec.registry[$0.key] == nil }
        }
    }

    /// Writes an import's extra registry values into the student's records of kinds created on import.
    func importExtras(_ txn: Transaction, student: String, values extra: JSONObject) throws {
        for kind in tables.values where kind.spec.createOnImport {
            for id in try kind.byStudent.keys(txn, matching: student) {
                guard var r = try kind.records.get(txn, id) else { continue }
                let original = r
                var values = try r.valuesObject()
                for (k, v) in extra where kind.spec.field(k) != nil { values[k] = v }
                try kind.setValues(&r, values)
                if r != original { try kind.records.put(txn, id, r, replacing: original) }
            }
        }
    }

    /// Moves every record of a student to their new place in the tree (after an import or 换届).
    func refreshPlacement(_ txn: Transaction, student: StudentEntry) throws {
        try sync(txn, student: student, created: false) { _ in nil }
    }

    /// Keeps the records of a student in step with the registry: their place in the tree, the
    /// registry fields kinds mirror, and, for kinds that want one per graduate, a new record.
    /// - Parameter name: unit names by id, when the caller has them (an import does); nil leaves
    ///   the registry's college, major and class fields as they are.
    func sync(_ txn: Transaction, student: StudentEntry, created: Bool, name: (UInt32) -> String?) throws {
        for kind in tables.values {
            let ids = try kind.byStudent.keys(txn, matching: student.number)
            if ids.isEmpty {
                guard kind.spec.createOnImport, created else { continue }
                let now = Date().timeIntervalSince1970
                var r = StoredRecord(id: student.number, student: student, state: kind.workflow?.initial ?? "",
                                     levels: kind.pipeline?.stages.count ?? 0, now: now)
                let values = kind.registryValues(student, name: name)
                try kind.setValues(&r, values)
                _ = try kind.append(txn, to: &r, actor: "registry", role: "admin", action: "import", level: "", from: "", to: r.state,
                                    reason: "", note: "", now: now)
                try kind.records.put(txn, r.id, r, replacing: nil)
                continue
            }
            for id in ids {
                guard var r = try kind.records.get(txn, id) else { continue }
                let original = r
                r.collegeID = student.collegeID; r.majorID = student.majorID; r.classID = student.classID
                r.cohort = student.cohort; r.studentName = student.name
                if !kind.spec.registry.isEmpty {
                    var values = try r.valuesObject()
                    for (k, v) in kind.registryValues(student, name: name) { values[k] = v }
                    try kind.setValues(&r, values)
                }
                guard r != original else { continue }
                try kind.records.put(txn, id, r, replacing: original)
            }
        }
    }
}

/// Why the engine refused; each maps to one HTTP answer.
enum EngineError: Error, Equatable {
    case unknownKind(String)
    case notFound
    case invalidField(FieldProblem)
    case required(field: String, label: String)
    case reviewStateReadOnly(String)
    case notEditable(field: String, label: String)
    case notEditableInState(String)
    case invalidTransition(state: String, action: String)
    case roleNotAllowed(String)
    case reasonRequired
    case invalidReason(String)
    case selfApproval
    case exists(String)
    case badRequest(String, field: String?)
    case materialsRequired(Int)
    case conditionNotMet(field: String, label: String, allowed: String)
    /// A reload switched the plugin set while the request was on its way: its stages may be gone.
    case configurationChanged

    var apiError: APIError {
        switch self {
        case .unknownKind(let k): APIError(.notFound, code: .unknownKind, message: "没有记录类型 \(k)")
        case .notFound: APIError(.notFound, code: .notFound, message: "记录不存在")
        case .invalidField(let p): APIError(.badRequest, rawCode: p.code, message: p.message, field: p.field)
        case .required(let f, let label): APIError(.badRequest, code: .required, message: "\(label)：必填", field: f)
        case .reviewStateReadOnly(let f):
            APIError(.badRequest, code: .reviewStateReadonly, message: "审核状态只能通过审核操作改变", field: f)
        case .notEditable(let f, let label): APIError(.forbidden, code: .fieldNotEditable, message: "\(label)：无权修改", field: f)
        case .notEditableInState(let s): APIError(.conflict, code: .notEditable, message: "当前状态（\(s)）不能修改")
        case .invalidTransition(let s, let a): APIError(.conflict, code: .invalidTransition, message: "当前状态（\(s)）不能执行“\(a)”")
        case .roleNotAllowed(let a): APIError(.forbidden, code: .forbidden, message: "无权执行“\(a)”")
        case .reasonRequired: APIError(.badRequest, code: .reasonRequired, message: "请选择原因", field: "reason")
        case .invalidReason(let r): APIError(.badRequest, code: .invalidReason, message: "未知的原因“\(r)”", field: "reason")
        case .selfApproval: APIError(.forbidden, code: .selfApproval, message: "不能审核本人提交或已审核过的记录")
        case .exists(let id): APIError(.conflict, code: .exists, message: "记录 \(id) 已存在")
        case .badRequest(let m, let f): APIError(.badRequest, code: .badRequest, message: m, field: f)
        case .materialsRequired(let n): APIError(.badRequest, code: .materialsRequired, message: "请上传证明材料（至少 \(n) 个文件）", field: "materials")
        case .conditionNotMet(let f, let label, let allowed):
            APIError(.conflict, code: .conditionNotMet, message: "\(label)须为 \(allowed) 才能执行此操作", field: f)
        case .configurationChanged: APIError(.conflict, code: .configurationChanged, message: "审核配置刚刚更新，请刷新后重试")
        }
    }
}
