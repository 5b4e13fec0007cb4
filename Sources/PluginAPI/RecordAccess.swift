import Foundation

/// A record as a plugin sees it: who it belongs to, where it stands, and its values.
public struct RecordSnapshot: Sendable, Hashable {
    /// The record's id.
    public var id: String
    /// Its kind.
    public var kind: String
    /// The owning student's number.
    public var student: String
    /// The owning student's name.
    public var studentName: String
    /// The other party's account id ("" for none), e.g. an employer's credit code.
    public var party: String
    /// The workflow state.
    public var state: String
    /// The official values.
    public var values: JSONObject
    /// Created and last changed, seconds since 1970.
    public var created: Double, updated: Double

    /// Built by the core.
    public init(id: String, kind: String, student: String, studentName: String, party: String, state: String,
                values: JSONObject, created: Double, updated: Double) {
        self.id = id
        self.kind = kind
        self.student = student
        self.studentName = studentName
        self.party = party
        self.state = state
        self.values = values
        self.created = created
        self.updated = updated
    }

    /// The value of `field` as text ("" when absent).
    public func text(_ field: String) -> String {
        switch values[field] {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        default: ""
        }
    }
}

/// One entry of a record's history, as a plugin reads it.
public struct RecordHistoryEntry: Sendable, Hashable, Codable {
    /// 1, 2, … in order.
    public var seq: UInt32
    /// Seconds since 1970.
    public var time: Double
    /// Who acted (account id, or `system`).
    public var actor: String
    /// In which role.
    public var role: String
    /// The action, e.g. `approve`.
    public var action: String
    /// The states left and entered.
    public var from: String, to: String
    /// The reason code and the note given.
    public var reason: String, note: String

    /// Built by the core.
    public init(seq: UInt32, time: Double, actor: String, role: String, action: String, from: String, to: String, reason: String, note: String) {
        self.seq = seq
        self.time = time
        self.actor = actor
        self.role = role
        self.action = action
        self.from = from
        self.to = to
        self.reason = reason
        self.note = note
    }
}

/// Records of declared kinds inside a plugin's transaction, through the core's record engine:
/// the same scope, edit rights, transitions, history, notifications and events as the generic
/// routes. A record outside the actor's scope does not exist here either (nil, or not found).
///
/// In a route, ``PluginTransaction/records`` acts as the caller. In an event hook, and through
/// ``PluginTransaction/systemRecords``, the core itself acts (history actor `system`): it sees
/// every record and may take any transition, including those no role may take.
public protocol RecordAccess {
    /// The record, or nil when it is missing or outside the actor's scope.
    func record(_ kind: String, _ id: String) throws -> RecordSnapshot?
    /// A student's records of `kind`, oldest first (within the actor's scope).
    func records(_ kind: String, student: String) throws -> [RecordSnapshot]
    /// A page of `kind`'s records in id order after `after`, filtered as the list route filters
    /// (`cohort`, `college`, `major`, `class`, `state`, `level.<role>`, indexed fields), within
    /// the actor's scope. A bad filter throws a 400 naming it.
    func list(_ kind: String, filters: [String: String], after: String?, limit: Int) throws -> [RecordSnapshot]
    /// Creates a record for `student` and, with `action`, takes that first transition.
    func create(_ kind: String, student: String, values: JSONObject, action: String?) throws -> RecordSnapshot
    /// Sets official values, with the actor's edit rights.
    func update(_ kind: String, _ id: String, values: JSONObject) throws -> RecordSnapshot
    /// Takes one transition of the kind's workflow.
    func transition(_ kind: String, _ id: String, action: String, reason: String, note: String, values: JSONObject) throws -> RecordSnapshot
    /// The record's history, oldest first (nil outside scope).
    func history(_ kind: String, _ id: String) throws -> [RecordHistoryEntry]?
}

extension RecordAccess {
    /// Takes `action` with no reason, note or values.
    @discardableResult
    public func transition(_ kind: String, _ id: String, action: String, reason: String = "", note: String = "") throws -> RecordSnapshot {
        try transition(kind, id, action: action, reason: reason, note: note, values: [:])
    }
}
