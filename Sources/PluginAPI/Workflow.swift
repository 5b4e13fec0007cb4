/// A state a record can be in.
public struct WorkflowState: Sendable, Hashable {
    /// The state's id, e.g. `sealing`.
    public var id: String
    /// The label users read, e.g. 盖章中.
    public var label: LocalizedText
    /// Whether no transition leaves it normally (completed, withdrawn …).
    public var isFinal: Bool

    /// A state with its id and label; `final` when nothing leaves it.
    public init(_ id: String, _ label: LocalizedText, final isFinal: Bool = false) {
        self.id = id
        self.label = label
        self.isFinal = isFinal
    }
}

/// What a transition means to the review engine, whatever its action is called.
public enum TransitionEffect: String, Sendable, Hashable {
    /// A plain move between states.
    case move
    /// The first submission: every level starts 未审核.
    case submit
    /// A submission after a rejection: the rejecting levels show 未通过已修改.
    case resubmit
    /// A level approves (通过).
    case approve
    /// A level rejects (不通过), with a reason.
    case reject
}

/// A role-guarded move `(from, action) → to`. Only transitions change a record's state.
public struct WorkflowTransition: Sendable, Hashable {
    /// The states it leaves from.
    public var from: [String]
    /// The action's name, e.g. `approve`.
    public var action: String
    /// The state it leads to.
    public var to: String
    /// The roles that may take it. Empty: only the core or a plugin's event hook may take it
    /// (e.g. an agreement becoming 已解约 when a termination is approved).
    public var roles: Set<Role>
    /// The label on the button, e.g. 通过.
    public var label: LocalizedText
    /// Whether the actor must give a reason (rejections, declines).
    public var requiresReason: Bool
    /// Whether every required field (and every submission rule) must be met after the
    /// transition's own values are applied: moves that hand a record to someone else.
    public var requiresComplete: Bool
    /// Values the record must hold before the move, e.g. 签约方式 网签 to start online signing.
    public var conditions: [FieldCondition]
    /// The event the core emits, as `<plugin id>.<emits>`, inside the transaction: hooks may act
    /// on it or refuse it by throwing.
    public var emits: String?
    /// Messages the core queues in the outbox for outside systems, e.g. `esign.start` for the
    /// e-signing provider, with the record's values.
    public var outbox: [String]
    /// An SMS the core sends the student and the party when the move is taken, e.g. `sms.esign`
    /// when an online agreement goes to signing: the message carries each one's mobile number
    /// and goes to the channels that take `sms.*`; its text is the template of that event.
    public var sms: String?
    /// What the move means to the engine (levels, resubmission), independent of its name.
    public var effect: TransitionEffect
    /// Whether the actor must be independent of the record: not its student, and not the
    /// reviewer of another level in the same round (no self-approval), whatever the action's name.
    public var independentReview: Bool

    /// A transition; see the properties for each parameter.
    public init(
        from: [String], action: String, to: String, roles: Set<Role>, label: LocalizedText,
        requiresReason: Bool = false, requiresComplete: Bool = false, conditions: [FieldCondition] = [],
        emits: String? = nil, outbox: [String] = [], sms: String? = nil,
        effect: TransitionEffect = .move, independentReview: Bool = false
    ) {
        self.sms = sms
        self.effect = effect
        self.independentReview = independentReview
        self.from = from
        self.action = action
        self.to = to
        self.roles = roles
        self.label = label
        self.requiresReason = requiresReason
        self.requiresComplete = requiresComplete
        self.conditions = conditions
        self.emits = emits
        self.outbox = outbox
    }
}

/// A value a record must hold: `field` is one of `codes`.
public struct FieldCondition: Sendable, Hashable {
    /// The field.
    public var field: String
    /// The values that satisfy it.
    public var codes: [String]

    /// `field` must hold one of `codes`.
    public init(_ field: String, in codes: [String]) {
        self.field = field
        self.codes = codes
    }
}

/// States and transitions as data, the one shape the engine runs for every plugin.
public struct Workflow: Sendable, Hashable {
    /// Where a new record starts.
    public var initial: String
    /// Every state.
    public var states: [WorkflowState]
    /// Every allowed move.
    public var transitions: [WorkflowTransition]

    /// A workflow starting at `initial`.
    public init(initial: String, states: [WorkflowState], transitions: [WorkflowTransition]) {
        self.initial = initial
        self.states = states
        self.transitions = transitions
    }

    /// The transition for `action` out of `state`, or nil when none exists.
    public func transition(from state: String, action: String) -> WorkflowTransition? {
        transitions.first { $0.from.contains(state) && $0.action == action }
    }

    /// The problems with this workflow: unknown states, ambiguous actions, unreachable states.
    /// An empty list means it is sound.
    public func problems() -> [String] {
        var out: [String] = []
        let ids = Set(states.map(\.id))
        if ids.count != states.count { out.append("duplicate state ids") }
        if !ids.contains(initial) { out.append("initial state \"\(initial)\" is not declared") }
        var seen = Set<String>()
        for t in transitions {
            for f in t.from where !ids.contains(f) { out.append("transition \"\(t.action)\" leaves unknown state \"\(f)\"") }
            if !ids.contains(t.to) { out.append("transition \"\(t.action)\" leads to unknown state \"\(t.to)\"") }
            for f in t.from where !seen.insert("\(f)/\(t.action)").inserted {
                out.append("action \"\(t.action)\" is declared twice from state \"\(f)\"")
            }
        }
        var reached: Set<String> = [initial]
        var frontier = [initial]
        while let s = frontier.popLast() {
            for t in transitions where t.from.contains(s) && reached.insert(t.to).inserted { frontier.append(t.to) }
        }
        for s in states where !reached.contains(s.id) { out.append("state \"\(s.id)\" cannot be reached from \"\(initial)\"") }
        return out
    }

    /// The events its transitions emit (local names, each once).
    public var events: [String] {
        var seen = Set<String>()
        return transitions.compactMap(\.emits).filter { seen.insert($0).inserted }
    }

    /// A description for listings.
    public var json: JSONValue {
        [
            "initial": .string(initial),
            "states": .array(states.map { ["id": .string($0.id), "label": .string($0.label.zh), "labelEn": .string($0.label.en), "final": .bool($0.isFinal)] }),
            "transitions": .array(transitions.map { t in
                [
                    "from": .array(t.from.map { .string($0) }), "action": .string(t.action), "to": .string(t.to),
                    "roles": .array(t.roles.sorted().map { .string($0.rawValue) }),
                    "label": .string(t.label.zh), "labelEn": .string(t.label.en), "requiresReason": .bool(t.requiresReason),
                    "requiresComplete": .bool(t.requiresComplete), "effect": .string(t.effect.rawValue),
                    "independentReview": .bool(t.independentReview),
                    "emits": t.emits.map(JSONValue.string) ?? .null,
                ]
            }),
        ]
    }
}
