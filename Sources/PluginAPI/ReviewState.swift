/// A record's state as the review engine reads it. A review pipeline's states are typed values,
/// so no code tells a level's state by how its id is spelled; the states a plugin's own workflow
/// declares (盖章中, 已解约 …) are ``other(_:)``.
///
/// Ids: `draft`, `pending:<role>`, `rejected:<role>`, `approved`, or the workflow's own.
public enum ReviewState: Sendable, Hashable {
    /// Saved, not yet submitted (已保存未提交).
    case draft
    /// Waiting at a level (待学院审核).
    case pending(Role)
    /// Rejected at a level, awaiting the student's fix (学院审核未通过待修改).
    case rejected(Role)
    /// Approved at every level (审核通过).
    case approved
    /// A state of the plugin's own workflow.
    case other(String)

    /// The state an id names; ids of no review state are ``other(_:)``.
    public init(id: String) {
        switch id {
        case "draft": self = .draft
        case "approved": self = .approved
        default:
            if let colon = id.firstIndex(of: ":"), let role = Role(rawValue: String(id[id.index(after: colon)...])) {
                switch id[..<colon] {
                case "pending": self = .pending(role); return
                case "rejected": self = .rejected(role); return
                default: break
                }
            }
            self = .other(id)
        }
    }

    /// The id records store.
    public var id: String {
        switch self {
        case .draft: "draft"
        case .pending(let role): "pending:\(role.rawValue)"
        case .rejected(let role): "rejected:\(role.rawValue)"
        case .approved: "approved"
        case .other(let id): id
        }
    }

    /// The level it waits at or was rejected at.
    public var level: Role? {
        switch self {
        case .pending(let role), .rejected(let role): role
        default: nil
        }
    }

    /// Whether it waits for a reviewer.
    public var isPending: Bool { if case .pending = self { true } else { false } }

    /// The label users read; a plugin's own state is labelled by its workflow (this is its id).
    public var label: LocalizedText {
        switch self {
        case .draft: LocalizedText("已保存未提交", en: "saved, not submitted")
        case .pending(let role): LocalizedText("待\(role.label.zh)审核", en: "awaiting \(role.label.en) review")
        case .rejected(let role): LocalizedText("\(role.label.zh)审核未通过待修改", en: "rejected by \(role.label.en), awaiting fix")
        case .approved: LocalizedText("审核通过", en: "approved")
        case .other(let id): LocalizedText(id, en: id)
        }
    }
}

extension WorkflowState {
    /// The workflow state of a review state, with its label.
    public init(_ state: ReviewState, final isFinal: Bool = false) {
        self.init(state.id, state.label, final: isFinal)
    }

    /// What the state means to the review engine.
    public var review: ReviewState { ReviewState(id: id) }
}
