import Foundation
import PluginAPI
import Storage

/// Creates, updates and moves records through their workflow, for every kind the same way:
/// scope first (outside it a record does not exist), then edit rights per field, then the
/// transition table. Every transition appends to the hash-chained history and queues a
/// notification for the student, in the caller's transaction.
struct RecordEngine {
    let kinds: RecordKinds
    let directory: DirectoryStore
    let outbox: Outbox
    /// Attached files, for rules that ask for proof.
    var materials: Materials? = nil

    /// Keys a client may never set through an update: review state moves only by transitions.
    static let reviewKeys: Set<String> = ["state", "levels", "level", "status", "reviewers", "history"]

    // MARK: Reading

    /// The record, or `notFound` when it is missing or outside the caller's scope.
    func fetch(_ txn: Transaction, _ kind: RecordTables, id: String, scope: Scope) throws -> StoredRecord {
        guard let r = try kind.records.get(txn, id), scope.contains(r) else { throw EngineError.notFound }
        return r
    }

    // MARK: Creating and updating

    /// A new record for `student`. Staff may set any field (registry fields included, as an import
    /// would); a student creates their own and fills their form.
    func create(_ txn: Transaction, _ kind: RecordTables, caller: Caller, student number: String, values input: JSONObject, now: Double) throws -> StoredRecord {
        guard let student = try directory.students.get(txn, number), caller.scope.contains(student) else { throw EngineError.notFound }
        let id: String
        switch kind.spec.cardinality {
        case .onePerStudent:
            id = number
            if try kind.records.get(txn, id) != nil { throw EngineError.exists(id) }
        case .many:
            id = "\(number).\(try kind.byStudent.count(txn, matching: number) + 1)"
        }
        var record = StoredRecord(id: id, student: student, state: kind.workflow?.initial ?? "", levels: kind.pipeline?.stages.count ?? 0, now: now)
        let isStaff = caller.account.roles.contains(where: \.isStaff)
        let clean = try checked(input, kind, allowed: { f in isStaff || f.editableBy == .student })
        var values = JSONObject(), filled = JSONObject()
        for (k, v) in clean {
            if isStaff { values[k] = v } else { filled[k] = v }
        }
        record.values = try StoredRecord.bytes(values)
        record.filled = try StoredRecord.bytes(filled)
        kind.refreshTerms(&record, values: values)
        _ = try kind.append(txn, to: &record, actor: caller.account.id, role: primaryRole(caller), action: "create", level: "",
                            from: "", to: record.state, reason: "", note: "", now: now)
        try kind.records.put(txn, id, record)
        return record
    }

    /// Changes fields. The owning student writes their form (only while it is theirs to edit);
    /// staff write the official values. Registry fields and review state are refused.
    func update(_ txn: Transaction, _ kind: RecordTables, caller: Caller, id: String, values input: JSONObject, now: Double) throws -> StoredRecord {
        var record = try fetch(txn, kind, id: id, scope: caller.scope)
        let original = record
        let isOwner = caller.account.roles.contains(.student) && record.student == caller.account.id
        let isStaff = caller.account.roles.contains(where: \.isStaff)
        guard isOwner || isStaff else { throw EngineError.roleNotAllowed("修改") }
        if isOwner && !isStaff {
            guard studentMayEdit(kind, record) else { throw EngineError.notEditableInState(stateLabel(kind, record.state)) }
            var filled = try record.filledObject()
            for (k, v) in try checked(input, kind, allowed: { $0.editableBy == .student }) { filled[k] = v }
            record.filled = try StoredRecord.bytes(filled)
        } else {
            let final = kind.workflow?.states.first { $0.id == record.state }?.isFinal ?? false
            if final && !caller.account.roles.contains(.school) { throw EngineError.notEditableInState(stateLabel(kind, record.state)) }
            var values = try record.valuesObject()
            for (k, v) in try checked(input, kind, allowed: { $0.editableBy != .nobody }) { values[k] = v }
            record.values = try StoredRecord.bytes(values)
            kind.refreshTerms(&record, values: values)
        }
        record.updated = now
        try kind.records.put(txn, id, record, replacing: original)
        return record
    }

    /// Validates input against the kind's fields: unknown fields, review state, edit rights, types.
    func checked(_ input: JSONObject, _ kind: RecordTables, allowed: (FieldSpec) -> Bool) throws -> JSONObject {
        var out = JSONObject()
        for (key, value) in input {
            if Self.reviewKeys.contains(key) { throw EngineError.reviewStateReadOnly(key) }
            guard let field = kind.spec.field(key) else { throw EngineError.badRequest("没有字段 \(key)", field: key) }
            guard allowed(field) else { throw EngineError.notEditable(field: key, label: field.label.zh) }
            switch field.validate(value, tables: kinds.codeTables) {
            case .success(let v): out[key] = v
            case .failure(let p): throw EngineError.invalidField(p)
            }
        }
        return out
    }

    func studentMayEdit(_ kind: RecordTables, _ record: StoredRecord) -> Bool {
        guard let w = kind.workflow else { return true }
        return record.state == w.initial || record.state.hasPrefix("rejected:")
    }

    // MARK: Transitions

    /// What a transition may carry besides its action.
    struct TransitionInput {
        var action: String
        var reason: String = ""
        var note: String = ""
        /// 一键复制填报: copy the student's form into the official values first.
        var copyFill = false
        /// Official values a reviewer sets with the transition.
        var values: JSONObject = [:]
        /// Refuse unless the record is in this state (a batch approves only what every lower
        /// level approved); nil for any state the workflow allows.
        var onlyFrom: String? = nil
    }

    /// Takes one transition of the kind's workflow, or refuses with the reason.
    @discardableResult
    func transition(_ txn: Transaction, _ kind: RecordTables, caller: Caller, id: String, _ input: TransitionInput, now: Double) throws -> StoredRecord {
        // Scope first: outside it the record does not exist, whatever its kind allows.
        var record = try fetch(txn, kind, id: id, scope: caller.scope)
        let original = record
        guard let workflow = kind.workflow, input.onlyFrom == nil || input.onlyFrom == record.state,
              let t = workflow.transition(from: record.state, action: input.action) else {
            throw EngineError.invalidTransition(state: stateLabel(kind, record.state), action: input.action)
        }
        let acting = caller.account.roles.intersection(t.roles)
        guard let role = acting.sorted().last else { throw EngineError.roleNotAllowed(t.label.zh) }
        if role == .student && record.student != caller.account.id { throw EngineError.notFound }
        let reason = input.reason.trimmingSpaces
        if t.requiresReason {
            guard !reason.isEmpty else { throw EngineError.reasonRequired }
            if let pipeline = kind.pipeline, !pipeline.rejectReasons.contains(where: { $0.code == reason }) {
                throw EngineError.invalidReason(reason)
            }
        }
        let level = kind.pipeline.flatMap { _ in record.state.hasPrefix("pending:") ? Role(rawValue: String(record.state.dropFirst(8))) : nil }
        let levelIndex = level.flatMap(kind.levelIndex)
        if input.action == "approve" {
            // No self-approval: not one's own record, and not a second level of the same round.
            if record.student == caller.account.id || record.reviewers.contains(caller.account.id) { throw EngineError.selfApproval }
        }
        if role == .student, ["submit", "resubmit"].contains(input.action) { try requireFilled(kind, record, txn) }

        if input.copyFill || !input.values.isEmpty {
            guard role.isStaff else { throw EngineError.roleNotAllowed("修改") }
            var values = try record.valuesObject()
            if input.copyFill {
                for (k, v) in try record.filledObject() where kind.spec.field(k)?.editableBy == .student { values[k] = v }
            }
            for (k, v) in try checked(input.values, kind, allowed: { $0.editableBy != .nobody }) { values[k] = v }
            record.values = try StoredRecord.bytes(values)
            kind.refreshTerms(&record, values: values)
        }

        let from = record.state
        record.state = t.to
        if let pipeline = kind.pipeline { applyLevels(&record, pipeline: pipeline, action: input.action, at: levelIndex, from: from, actor: caller.account.id) }
        record.updated = now
        _ = try kind.append(txn, to: &record, actor: caller.account.id, role: role.rawValue, action: input.action, level: level?.rawValue ?? "",
                            from: from, to: t.to, reason: reason, note: input.note, now: now)
        try kind.records.put(txn, id, record, replacing: original)
        if role != .student {
            try outbox.enqueue(txn, event: "record.\(input.action)", to: record.student, kind: kind.spec.id, record: id,
                               data: ["state": .string(t.to), "stateLabel": .string(stateLabel(kind, t.to)), "reason": .string(reason),
                                      "note": .string(input.note), "by": .string(caller.account.displayName)], now: now)
        }
        return record
    }

    /// The per-level statuses after a pipeline transition (DOMAIN.md §1).
    func applyLevels(_ r: inout StoredRecord, pipeline: ReviewPipeline, action: String, at level: Int?, from: String, actor: String) {
        switch action {
        case "submit":
            for i in r.levels.indices { r.levels[i] = r.rejectedMask & (1 << i) != 0 ? .fixed : .pending; r.reviewers[i] = "" }
        case "approve":
            if let i = level {
                r.levels[i] = .approved
                r.reviewers[i] = actor
                r.rejectedMask &= ~(1 << UInt32(i))
            }
        case "reject":
            if let i = level {
                r.levels[i] = .rejected
                r.rejectedMask |= 1 << UInt32(i)
            }
        case "resubmit":
            let rejectedAt = pipeline.stages.firstIndex { ReviewPipeline.rejectedState($0.role) == from } ?? 0
            let restart = pipeline.resubmission == .firstStage ? 0 : rejectedAt
            for i in r.levels.indices where i >= restart {
                r.levels[i] = r.rejectedMask & (1 << UInt32(i)) != 0 ? .fixed : .pending
                r.reviewers[i] = ""
            }
        default:
            break
        }
    }

    /// Every required field must be filled before a submission: the student's own fields in their
    /// form, the others in the official values.
    func requireFilled(_ kind: RecordTables, _ record: StoredRecord, _ txn: Transaction) throws {
        let filled = try record.filledObject(), values = try record.valuesObject()
        func value(_ f: FieldSpec) -> JSONValue? {
            let v = f.editableBy == .student ? (filled[f.key] ?? values[f.key]) : values[f.key]
            return v == .null ? nil : v
        }
        for f in kind.spec.fields where f.required && value(f) == nil {
            throw EngineError.required(field: f.key, label: f.label.zh)
        }
        // Rules that depend on other values (毕业去向 decides which fields and proof are needed).
        for rule in kind.spec.rules {
            guard let decider = kind.spec.field(rule.field), let v = value(decider).flatMap(RecordTables.term), rule.applies(to: v) else { continue }
            for key in rule.required {
                if let f = kind.spec.field(key), value(f) == nil { throw EngineError.required(field: key, label: f.label.zh) }
            }
            if rule.materials > 0, let materials {
                var count = 0
                try materials.table(kind).scan(txn, prefix: KeyPrefix(record.id)) { _, _ in count += 1; return count < rule.materials }
                if count < rule.materials { throw EngineError.materialsRequired(rule.materials) }
            }
        }
    }

    func stateLabel(_ kind: RecordTables, _ state: String) -> String {
        kind.workflow?.states.first { $0.id == state }?.label.zh ?? state
    }

    func primaryRole(_ caller: Caller) -> String {
        (caller.account.roles.sorted().last ?? .student).rawValue
    }
}
