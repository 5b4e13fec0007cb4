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
    /// The plugins' hooks, run for the events transitions emit.
    var events: EventDispatcher? = nil
    /// Whether `kinds` still belong to the plugin set being served. Asked inside every write
    /// transaction: a reload switches the set inside its own, so a request that picked up the
    /// old kinds before it cannot write a state the new stages no longer have.
    var isCurrent: @Sendable (RecordKinds) -> Bool = { _ in true }

    /// Refuses a write under kinds a reload has replaced.
    func ensureCurrent() throws {
        guard isCurrent(kinds) else { throw EngineError.configurationChanged }
    }

    /// Keys a client may never set through an update: review state moves only by transitions.
    static let reviewKeys: Set<String> = ["state", "levels", "level", "status", "reviewers", "history"]

    // MARK: Reading

    // MARK: Creating and updating

    /// A new record for `student`, with `action` taken as its first transition in the same
    /// transaction. Staff may set any field (registry fields included, as an import would); a
    /// student creates their own; a party (an employer) names the student by number and name —
    /// it cannot see students otherwise — and becomes the record's party.
    func create(_ txn: Transaction, _ kind: RecordTables, caller: Caller, student number: String, studentName: String? = nil,
                values input: JSONObject, action: String? = nil, now: Double) throws -> StoredRecord {
        try ensureCurrent()
        let asParty = !caller.isSystem && kind.spec.party.map { caller.account.roles.contains($0.role) } == true
            && !caller.account.roles.contains(where: \.isStaff)
        guard caller.isSystem || !caller.account.roles.isDisjoint(with: kind.spec.creators) else { throw EngineError.roleNotAllowed("新建") }
        guard let student = try directory.students.get(txn, number) else { throw EngineError.notFound }
        var input = input
        if asParty, let party = kind.spec.party {
            // The same answer for a wrong name as for no such student: numbers cannot be probed.
            guard let name = studentName?.trimmingSpaces, name == student.name else { throw EngineError.notFound }
            input[party.field] = .string(caller.partyID ?? caller.account.id)
        } else if !caller.records.students(directory).contains(student) {
            throw EngineError.notFound
        }
        let id: String
        switch kind.spec.cardinality {
        case .onePerStudent:
            id = number
            if try kind.records.get(txn, id) != nil { throw EngineError.exists(id) }
        case .many:
            id = "\(number).\(try kind.byStudent.count(txn, matching: number) + 1)"
        }
        var record = StoredRecord(id: id, student: student, state: kind.workflow?.initial ?? "", levels: kind.pipeline?.stages.count ?? 0, now: now)
        let role = actingRole(caller, among: kind.spec.creators)
        // A student's own form stays apart from the official values where staff review it (一键复制).
        let intoForm = role == .student
        let clean = try checked(input, kind, allowed: { f in role == nil || f.editableBy.allows(role!) || (asParty && f.key == kind.spec.party?.field) })
        var values = JSONObject(), filled = JSONObject()
        for (k, v) in clean {
            if intoForm && kind.isFormField(k) { filled[k] = v } else { values[k] = v }
        }
        // Registry fields mirror the registry from the start, as an import keeps them after.
        if !kind.spec.registry.isEmpty {
            let units = try directory.unitsByID(txn)
            for (k, v) in kind.registryValues(student, name: { units[$0]?.name }) { values[k] = v }
        }
        try kind.setValues(&record, values)
        record.filled = try StoredRecord.bytes(filled)
        _ = try kind.append(txn, to: &record, actor: caller.account.id, role: role?.rawValue ?? "system", action: "create", level: "",
                            from: "", to: record.state, reason: "", note: "", now: now)
        try kind.records.put(txn, id, record)
        guard let action else { return record }
        return try transition(txn, kind, caller: caller, id: id, TransitionInput(action: action), now: now)
    }

    /// The role the caller acts in among `roles` (the highest they hold), nil for the core itself.
    func actingRole(_ caller: Caller, among roles: Set<Role>) -> Role? {
        caller.isSystem ? nil : caller.account.roles.intersection(roles).sorted().last ?? caller.account.roles.sorted().last
    }

    /// Changes fields. The owning student writes their form (only while it is theirs to edit);
    /// staff write the official values. Review state is refused, and registry fields too except
    /// as a correction by the roles allowed (``correctionPlan``).
    func update(_ txn: Transaction, _ kind: RecordTables, caller: Caller, id: String, values input: JSONObject, now: Double) throws -> StoredRecord {
        try ensureCurrent()
        var record = try caller.records.fetch(txn, kind, id)
        let original = record
        let isOwner = caller.account.roles.contains(.student) && record.student == caller.account.id
        let isStaff = caller.isSystem || caller.account.roles.contains(where: \.isStaff)
        guard isOwner || isStaff else { throw EngineError.roleNotAllowed("修改") }
        var correction: RegistryCorrection?
        if isOwner && !isStaff {
            guard studentMayEdit(kind, record) else { throw EngineError.notEditableInState(stateLabel(kind, record.state)) }
            var filled = try record.filledObject(), values = try record.valuesObject()
            for (k, v) in try checked(input, kind, allowed: { $0.editableBy.allows(.student) }) {
                if kind.isFormField(k) { filled[k] = v } else { values[k] = v }
            }
            record.filled = try StoredRecord.bytes(filled)
            try kind.setValues(&record, values)
        } else {
            // Registry corrections (学籍信息) are facts about the student, not the record: any state.
            let fixes = corrections(in: input, kind, caller: caller)
            let rest = JSONObject(input.filter { fixes[$0.key] == nil }.map { ($0.key, $0.value) })
            guard rest.isEmpty && !fixes.isEmpty || staffMayEdit(kind, state: record.state, caller: caller) else {
                throw EngineError.notEditableInState(stateLabel(kind, record.state))
            }
            var values = try record.valuesObject()
            // The core itself (a plugin's hook) also sets computed fields nobody edits.
            for (k, v) in try checked(rest, kind, allowed: { caller.isSystem || $0.editableBy != .nobody }) { values[k] = v }
            correction = try correctionPlan(txn, kind, record, fixes, caller: caller)
            try kind.setValues(&record, values)
        }
        record.updated = now
        try kind.records.put(txn, id, record, replacing: original)
        if let correction { return try applyCorrection(txn, kind, id: id, correction, caller: caller, now: now) }
        return record
    }

    /// Removes a record with its history and attachment rows (the files stay, content-addressed,
    /// for other records that share them). Only where the kind allows it: its owner when students
    /// may, or staff in a role it names.
    func delete(_ txn: Transaction, _ kind: RecordTables, caller: Caller, id: String) throws {
        let record = try caller.records.fetch(txn, kind, id)
        let allowed = kind.spec.deletableBy
        let asOwner = allowed.contains(.student) && caller.account.roles.contains(.student) && record.student == caller.account.id
        let asStaff = caller.isSystem || !caller.account.roles.intersection(allowed.intersection(Role.staff)).isEmpty
        guard asOwner || asStaff else { throw EngineError.roleNotAllowed("删除") }
        _ = try kind.records.delete(txn, id)
        var keys: [KeyPair<String, UInt32>] = []
        try kind.history.scan(txn, prefix: KeyPrefix(id)) { k, _ in keys.append(k); return true }
        for k in keys { _ = try kind.history.delete(txn, k) }
        var files: [KeyPair<String, String>] = []
        try kind.materials.scan(txn, prefix: KeyPrefix(id)) { k, _ in files.append(k); return true }
        for k in files { _ = try kind.materials.delete(txn, k) }
        try kind.audit?.removed(txn, record: id, files: files.map(\.second))
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

    /// Whether the record is the student's to edit: before its first submission, or after a
    /// rejection (a state a resubmission leaves from).
    func studentMayEdit(_ kind: RecordTables, _ record: StoredRecord) -> Bool { studentMayEdit(kind, state: record.state) }

    func studentMayEdit(_ kind: RecordTables, state: String) -> Bool {
        guard let w = kind.workflow else { return true }
        return state == w.initial || w.transitions.contains { $0.effect == .resubmit && $0.from.contains(state) }
    }

    /// Whether staff may change a record in `state`: not once it is final, except the school.
    func staffMayEdit(_ kind: RecordTables, state: String, caller: Caller) -> Bool {
        let final = kind.workflow?.states.first { $0.id == state }?.isFinal ?? false
        return !final || caller.account.roles.contains(.school) || caller.isSystem
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

    /// Takes one transition of the kind's workflow, or refuses with the reason. The transition's
    /// values are applied first (with the actor's edit rights), then its conditions and, where it
    /// hands the record on, the required fields are checked. Notifies the student and the party
    /// (not the actor), queues the transition's outbox messages and emits its event.
    @discardableResult
    func transition(_ txn: Transaction, _ kind: RecordTables, caller: Caller, id: String, _ input: TransitionInput, now: Double) throws -> StoredRecord {
        try ensureCurrent()
        // Scope first: outside it the record does not exist, whatever its kind allows.
        var record = try caller.records.fetch(txn, kind, id)
        let original = record
        guard let workflow = kind.workflow, input.onlyFrom == nil || input.onlyFrom == record.state,
              let t = workflow.transition(from: record.state, action: input.action) else {
            throw EngineError.invalidTransition(state: stateLabel(kind, record.state), action: input.action)
        }
        let role = try actor(of: t, on: record, kind, caller: caller)
        let reason = try checkedReason(input.reason, t, kind)
        let level = kind.waitingLevel(record.state)
        if t.independentReview && role != nil {
            // No self-approval: not one's own record, and not a second level of the same round.
            let approvers = try roundApprovers(txn, kind, id: id, reviewers: record.reviewers)
            if Self.isDependent(caller, student: record.student, reviewers: approvers) { throw EngineError.selfApproval }
        }
        if input.copyFill || !input.values.isEmpty { try applyReviewerValues(input, to: &record, kind, role: role, caller: caller) }
        try checkConditions(t, record, kind)
        if t.requiresComplete { try requireFilled(kind, record, txn) }

        let from = record.state
        record.state = t.to
        if t.requiresReason {
            record.rejection = StoredRecord.rejection(action: input.action, state: t.to, level: level?.rawValue ?? "", reason: reason,
                                                      label: reasonLabel(kind, reason), note: input.note, by: caller.account.displayName, now: now)
        }
        if let pipeline = kind.pipeline {
            applyLevels(&record, pipeline: pipeline, effect: t.effect, at: level.flatMap(kind.levelIndex), from: from, actor: caller.account.id)
        }
        record.updated = now
        let roleName = role?.rawValue ?? "system"
        _ = try kind.append(txn, to: &record, actor: caller.account.id, role: roleName, action: input.action, level: level?.rawValue ?? "",
                            from: from, to: t.to, reason: reason, note: input.note, now: now)
        try kind.records.put(txn, id, record, replacing: original)
        try notify(txn, kind, record, t, actor: caller, reason: reason, note: input.note, now: now)
        return try afterTransition(txn, kind, record, t, from: from, input: input, caller: caller, role: roleName, now: now)
    }

    /// The role `caller` takes `t` in, nil for the core itself (which may take any transition,
    /// those no role may take included). A student acts only on their own record, a party only
    /// on its own; anyone else is told the record does not exist.
    private func actor(of t: WorkflowTransition, on record: StoredRecord, _ kind: RecordTables, caller: Caller) throws -> Role? {
        if caller.isSystem { return nil }
        guard let role = caller.account.roles.intersection(t.roles).sorted().last else { throw EngineError.roleNotAllowed(t.label.zh) }
        if role == .student && record.student != caller.account.id { throw EngineError.notFound }
        if let party = kind.spec.party, role == party.role, record.party != caller.partyID { throw EngineError.notFound }
        return role
    }

    /// The reason a transition that needs one carries: given, and one of the pipeline's reasons.
    private func checkedReason(_ text: String, _ t: WorkflowTransition, _ kind: RecordTables) throws -> String {
        let reason = text.trimmingSpaces
        guard t.requiresReason else { return reason }
        guard !reason.isEmpty else { throw EngineError.reasonRequired }
        if let pipeline = kind.pipeline, !pipeline.rejectReasons.contains(where: { $0.code == reason }) {
            throw EngineError.invalidReason(reason)
        }
        return reason
    }

    /// 一键复制填报 and the values a reviewer sets with the transition, with the actor's edit rights.
    private func applyReviewerValues(_ input: TransitionInput, to record: inout StoredRecord, _ kind: RecordTables, role: Role?, caller: Caller) throws {
        // Reviewed kinds keep the student's form apart: only staff write their official values.
        if kind.pipeline != nil, let role, !role.isStaff { throw EngineError.roleNotAllowed("修改") }
        if input.copyFill, let role, !role.isStaff { throw EngineError.roleNotAllowed("修改") }
        if input.copyFill && !kind.keepsStudentForm {
            throw EngineError.badRequest("\(kind.spec.label.zh)没有单独的学生填报版本，无需一键复制", field: "copyFill")
        }
        var values = try record.valuesObject()
        if input.copyFill {
            for (k, v) in try record.filledObject() where kind.spec.field(k)?.editableBy == .student { values[k] = v }
        }
        for (k, v) in try checked(input.values, kind, allowed: { f in role.map(f.editableBy.allows) ?? (f.editableBy != .nobody) }) { values[k] = v }
        // A party cannot hand its record to another party.
        if let party = kind.spec.party, role == party.role, let me = caller.partyID { values[party.field] = .string(me) }
        try kind.setValues(&record, values)
    }

    /// The values the transition requires the record to hold (签约方式 网签 to start online signing).
    private func checkConditions(_ t: WorkflowTransition, _ record: StoredRecord, _ kind: RecordTables) throws {
        guard !t.conditions.isEmpty else { return }
        let values = try record.valuesObject()
        for c in t.conditions where !(values[c.field].flatMap(RecordTables.term).map(c.codes.contains) ?? false) {
            let label = kind.spec.field(c.field)?.label.zh ?? c.field
            let names = c.codes.map { code in kind.spec.field(c.field).flatMap { kinds.codeName($0, code) } ?? code }
            throw EngineError.conditionNotMet(field: c.field, label: label, allowed: names.joined(separator: "、"))
        }
    }

    /// The transition's event for the plugins' hooks, then its SMS; answers the record as stored
    /// after them (hooks may have set a number or a computed field).
    private func afterTransition(_ txn: Transaction, _ kind: RecordTables, _ record: StoredRecord, _ t: WorkflowTransition, from: String,
                                 input: TransitionInput, caller: Caller, role: String, now: Double) throws -> StoredRecord {
        var record = record
        if let name = t.emits, let events, events.listens(to: kind.plugin, name) {
            try events.dispatch(PluginEvent(name: "\(kind.plugin.rawValue).\(name)", recordID: record.id,
                                            payload: try eventPayload(kind, record, action: input.action, from: from, by: caller, role: role)),
                                from: kind.plugin, txn: txn)
            record = try kind.records.get(txn, record.id) ?? record
        }
        // After the hooks, so the text carries what they set (the agreement's number).
        if let sms = t.sms {
            try text(sms, kind, record, data: ["state": .string(t.to), "stateLabel": .string(stateLabel(kind, t.to))], txn: txn, now: now)
        }
        return record
    }

    /// Whether taking `action` out of `state` runs plugins' hooks, after the engine has written
    /// the record: the only way a transition is refused once writing began.
    func runsHooks(_ kind: RecordTables, action: String, from state: String) -> Bool {
        guard let name = kind.workflow?.transition(from: state, action: action)?.emits, let events else { return false }
        return events.listens(to: kind.plugin, name)
    }

    /// Tells who a transition concerns — the student and the party, not the actor — and queues the
    /// transition's messages for outside systems.
    private func notify(_ txn: Transaction, _ kind: RecordTables, _ record: StoredRecord, _ t: WorkflowTransition, actor: Caller,
                        reason: String, note: String, now: Double) throws {
        // People read the reason's label (信息有误); the code stays for gateways that map it.
        let data: JSONObject = ["state": .string(t.to), "stateLabel": .string(stateLabel(kind, t.to)), "reason": .string(reasonLabel(kind, reason)),
                                "reasonCode": .string(reason), "note": .string(note), "by": .string(actor.account.displayName)]
        let actorParty = actor.partyID
        for recipient in Self.concerned(record) where recipient != actor.account.id && recipient != actorParty {
            try outbox.enqueue(txn, event: "record.\(t.action)", to: recipient, kind: kind.spec.id, record: record.id, data: data, now: now)
        }
        guard !t.outbox.isEmpty else { return }
        var message = data
        message["student"] = .string(record.student)
        message["studentName"] = .string(record.studentName)
        message["party"] = .string(record.party)
        message["values"] = .object(try record.valuesObject())
        for event in t.outbox {
            // Addressed to the system the event's prefix names: `esign.start` goes to `esign`.
            try outbox.enqueue(txn, event: event, to: String(event.split(separator: ".").first ?? ""), kind: kind.spec.id, record: record.id, data: message, now: now)
        }
    }

    /// Queues `event` as an SMS to the student and the party, each with their mobile number;
    /// someone with no known number gets the in-app notice only.
    private func text(_ event: String, _ kind: RecordTables, _ record: StoredRecord, data: JSONObject, txn: Transaction, now: Double) throws {
        let values = try record.valuesObject()
        var message = data
        message["studentName"] = .string(record.studentName)
        for key in ["agreementNumber", "employerName"] { if let v = values[key] { message[key] = v } }
        for recipient in Self.concerned(record) {
            guard let mobile = try mobile(of: recipient, isStudent: recipient == record.student, txn) else { continue }
            message["mobile"] = .string(mobile)
            try outbox.enqueue(txn, event: event, to: recipient, kind: kind.spec.id, record: record.id, data: message, now: now)
        }
    }

    /// Who a record concerns: its student and, where it has one, its party.
    static func concerned(_ record: StoredRecord) -> [String] {
        record.party.isEmpty ? [record.student] : [record.student, record.party]
    }

    /// An account's bound mobile number; for a student without one, the 手机号码 of their
    /// registry record (a `.phone` field of a kind created on import), as staff keep it or, not
    /// yet copied over, as the student gave it.
    private func mobile(of id: String, isStudent: Bool, _ txn: Transaction) throws -> String? {
        if let m = try directory.account(txn, id)?.mobile, !m.isEmpty { return m }
        guard isStudent else { return nil }
        for kind in kinds.tables.values.sorted(by: { $0.spec.id < $1.spec.id }) where kind.spec.createOnImport {
            guard let r = try kind.byStudent.keys(txn, matching: id).first.flatMap({ try kind.records.get(txn, $0) }) else { continue }
            let values = try r.valuesObject(), filled = try r.filledObject()
            for f in kind.spec.fields where f.type == .phone {
                for v in [values[f.key], filled[f.key]] { if case .string(let m)? = v, !m.isEmpty { return m } }
            }
        }
        return nil
    }

    /// What hooks receive about a transition.
    private func eventPayload(_ kind: RecordTables, _ r: StoredRecord, action: String, from: String, by caller: Caller, role: String) throws -> JSONValue {
        ["kind": .string(kind.spec.id), "student": .string(r.student), "party": .string(r.party), "action": .string(action),
         "by": .string(caller.account.id), "role": .string(role),
         "from": .string(from), "to": .string(r.state), "values": .object(try r.valuesObject())]
    }

    /// The per-level statuses after a pipeline transition (DOMAIN.md §1).
    func applyLevels(_ r: inout StoredRecord, pipeline: ReviewPipeline, effect: TransitionEffect, at level: Int?, from: String, actor: String) {
        switch effect {
        case .submit:
            for i in r.levels.indices { r.levels[i] = r.rejectedMask & (1 << i) != 0 ? .fixed : .pending; r.reviewers[i] = "" }
        case .approve:
            if let i = level {
                r.levels[i] = .approved
                r.reviewers[i] = actor
                r.rejectedMask &= ~(1 << UInt32(i))
            }
        case .reject:
            if let i = level {
                r.levels[i] = .rejected
                r.rejectedMask |= 1 << UInt32(i)
            }
        case .resubmit:
            let rejectedAt = pipeline.stages.firstIndex { .rejected($0.role) == ReviewState(id: from) } ?? 0
            let restart = pipeline.resubmission == .firstStage ? 0 : rejectedAt
            for i in r.levels.indices where i >= restart {
                r.levels[i] = r.rejectedMask & (1 << UInt32(i)) != 0 ? .fixed : .pending
                r.reviewers[i] = ""
            }
        case .move:
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
            if !rule.isUnconditional {
                guard let decider = kind.spec.field(rule.field), let v = value(decider).flatMap(RecordTables.term), rule.applies(to: v) else { continue }
            }
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

    /// The label of a reject reason (信息有误 for `incorrect`); free-text reasons are their own label.
    func reasonLabel(_ kind: RecordTables, _ reason: String) -> String { kind.reasonLabel(reason) }

    func stateLabel(_ kind: RecordTables, _ state: String) -> String {
        kind.stateLabel(state)
    }

    func primaryRole(_ caller: Caller) -> String {
        (caller.account.roles.sorted().last ?? .student).rawValue
    }
}
