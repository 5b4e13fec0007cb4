import PluginAPI
import Storage

/// What a caller may do with a record now, answered by the engine from the same rules it
/// enforces, so a screen shows exactly the buttons and inputs that will be accepted.
extension RecordEngine {
    /// The transitions out of the record's state that `caller` may take: one of their roles is
    /// allowed, a student only on their own record and a party only on its own, and no one on a
    /// record they may not review independently (their own, or one they reviewed at another
    /// level this round).
    func actions(_ kind: RecordTables, state: String, student: String, party: String, reviewers: Set<String>, caller: Caller) -> [WorkflowTransition] {
        guard let workflow = kind.workflow else { return [] }
        return workflow.transitions.filter { t in
            guard t.from.contains(state) else { return false }
            if caller.isSystem { return true }
            guard let role = caller.account.roles.intersection(t.roles).sorted().last else { return false }
            if role == .student && student != caller.account.id { return false }
            if let p = kind.spec.party, role == p.role, party != caller.partyID { return false }
            return !(t.independentReview && Self.isDependent(caller, student: student, reviewers: reviewers))
        }
    }

    /// The no-self-approval rule, one place for the check and for the offer: the record's own
    /// student, or someone who approved another level in this round.
    static func isDependent(_ caller: Caller, student: String, reviewers: Set<String>) -> Bool {
        student == caller.account.id || reviewers.contains(caller.account.id)
    }

    /// Who approved in the current round (since the last submission). A review pipeline keeps
    /// them per level in the record; another workflow's are read from the history, by what each
    /// entry's transition means (its effect), never by its action's name. An entry today's
    /// workflow no longer knows (an action renamed by an upgrade) counts its staff actor as an
    /// approver: the rule fails closed, another reviewer can still act.
    func roundApprovers(_ txn: Transaction, _ kind: RecordTables, id: String, reviewers: [String]) throws -> Set<String> {
        if kind.pipeline != nil { return Set(reviewers.filter { !$0.isEmpty }) }
        guard let workflow = kind.workflow, workflow.transitions.contains(where: \.independentReview) else { return [] }
        var out = Set<String>()
        for e in try kind.entries(txn, of: id).reversed() {
            if e.action == "create" { break }
            guard let effect = workflow.transition(from: e.from, action: e.action)?.effect else {
                if Role(rawValue: e.role)?.isStaff == true { out.insert(e.actor) }
                continue
            }
            if effect == .submit || effect == .resubmit { break }
            if effect == .approve { out.insert(e.actor) }
        }
        return out
    }

    /// The fields `caller` may change now with `PATCH`: staff every field but registry ones
    /// (none once the record is final, unless the school), and the registry fields their role
    /// may correct in any state; the owning student their own fields while the record is
    /// theirs; everyone else none.
    func editableFields(_ kind: RecordTables, state: String, student: String, caller: Caller) -> [String] {
        let isStaff = caller.isSystem || caller.account.roles.contains(where: \.isStaff)
        if isStaff {
            // One staff role (nearly every account): the lists the kind made once.
            if !caller.isSystem, caller.account.roles.count == 1, let role = caller.account.roles.first, let lists = kind.editable.staff[role] {
                return staffMayEdit(kind, state: state, caller: caller) ? lists.all : lists.correctable
            }
            let correctable = caller.isSystem ? [] : Set(kind.spec.correctableFields(by: caller.account.roles).map(\.key))
            guard staffMayEdit(kind, state: state, caller: caller) else { return kind.spec.fields.map(\.key).filter(correctable.contains) }
            return kind.spec.fields.filter { caller.isSystem || $0.editableBy != .nobody || correctable.contains($0.key) }.map(\.key)
        }
        guard caller.account.roles.contains(.student), student == caller.account.id, studentMayEdit(kind, state: state) else { return [] }
        return kind.editable.student
    }

    /// `actions` and `editable` as a record answer carries them.
    func permissions(_ txn: Transaction, _ kind: RecordTables, _ v: RecordView, caller: Caller) throws -> JSONObject {
        let reviewers = try roundApprovers(txn, kind, id: v.idText, reviewers: v.reviewers)
        let actions = actions(kind, state: v.state, student: v.student, party: v.party, reviewers: reviewers, caller: caller)
        return [
            "actions": .array(actions.map { t in
                ["action": .string(t.action), "label": .string(t.label.zh), "labelEn": .string(t.label.en),
                 "requiresReason": .bool(t.requiresReason), "to": .string(t.to), "toLabel": .string(kind.stateLabel(t.to))]
            }),
            "editable": .array(editableFields(kind, state: v.state, student: v.student, caller: caller).map(JSONValue.string)),
        ]
    }
}
