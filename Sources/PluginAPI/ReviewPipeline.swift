/// One level of review, taken by one staff role.
public struct ReviewStage: Sendable, Hashable, Codable {
    /// The reviewing role.
    public var role: Role
    /// A stage reviewed by `role`.
    public init(_ role: Role) { self.role = role }
}

/// The multi-level review a record passes after the student submits it, by default
/// 辅导员 → 学院 → 学校. Institutions may set other stages per kind in `plugins.yaml`.
public struct ReviewPipeline: Sendable, Hashable {
    /// Where a resubmitted record starts again.
    public enum Resubmission: String, Sendable, Hashable, Codable {
        /// At the first level.
        case firstStage = "first-stage"
        /// At the level that rejected it.
        case rejectingStage = "rejecting-stage"
    }

    /// The levels, lowest first.
    public var stages: [ReviewStage]
    /// Where a resubmission restarts.
    public var resubmission: Resubmission
    /// The reasons a reviewer chooses from when rejecting (a note may add detail).
    public var rejectReasons: [CodeEntry]
    /// Who submits: the student, and for kinds with a party possibly the party too (an employer
    /// applying for a termination).
    public var submitters: Set<Role>

    /// The reasons offered when none are configured.
    public static let defaultRejectReasons = [
        CodeEntry("incomplete", "信息不完整"), CodeEntry("incorrect", "信息有误"),
        CodeEntry("proof", "证明材料不符合要求"), CodeEntry("other", "其他（见备注）"),
    ]

    /// A pipeline of `stages`, lowest first, with the reasons a rejection may give.
    public init(stages: [ReviewStage], resubmission: Resubmission = .firstStage,
                rejectReasons: [CodeEntry] = ReviewPipeline.defaultRejectReasons, submitters: Set<Role> = [.student]) {
        self.stages = stages
        self.submitters = submitters
        self.resubmission = resubmission
        self.rejectReasons = rejectReasons
    }

    /// counselor → college → school.
    public static let standard = ReviewPipeline(stages: [.init(.counselor), .init(.college), .init(.school)])

    /// The id of the state of a record waiting at `role`'s level (``ReviewState/pending(_:)``).
    public static func pendingState(_ role: Role) -> String { ReviewState.pending(role).id }
    /// The id of the state of a record rejected at `role`'s level (``ReviewState/rejected(_:)``).
    public static func rejectedState(_ role: Role) -> String { ReviewState.rejected(role).id }

    /// The label of ``pendingState(_:)``: 待学院审核.
    public static func pendingLabel(_ role: Role) -> LocalizedText { ReviewState.pending(role).label }
    /// The label of ``rejectedState(_:)``: 学院审核未通过待修改.
    public static func rejectedLabel(_ role: Role) -> LocalizedText { ReviewState.rejected(role).label }

    /// The pipeline as states and transitions, so the engine runs one shape for everything.
    public var workflow: Workflow {
        var states = [WorkflowState(ReviewState.draft)]
        var transitions: [WorkflowTransition] = []
        let first = stages.first.map { Self.pendingState($0.role) } ?? "approved"
        transitions.append(.init(from: ["draft"], action: "submit", to: first, roles: submitters,
                                 label: LocalizedText("提交", en: "submit"), requiresComplete: true, emits: "submitted", effect: .submit))
        for (i, stage) in stages.enumerated() {
            let pending = Self.pendingState(stage.role), rejected = Self.rejectedState(stage.role)
            let next = i + 1 < stages.count ? Self.pendingState(stages[i + 1].role) : "approved"
            states.append(WorkflowState(ReviewState.pending(stage.role)))
            states.append(WorkflowState(ReviewState.rejected(stage.role)))
            transitions.append(.init(from: [pending], action: "approve", to: next, roles: [stage.role],
                                     label: LocalizedText("通过", en: "approve"), emits: next == "approved" ? "approved" : nil,
                                     effect: .approve, independentReview: true))
            transitions.append(.init(from: [pending], action: "reject", to: rejected, roles: [stage.role],
                                     label: LocalizedText("不通过", en: "reject"), requiresReason: true, emits: "rejected", effect: .reject))
            let restart = resubmission == .firstStage ? first : pending
            transitions.append(.init(from: [rejected], action: "resubmit", to: restart, roles: submitters,
                                     label: LocalizedText("修改后重新提交", en: "resubmit"), requiresComplete: true, emits: "resubmitted",
                                     effect: .resubmit))
        }
        states.append(WorkflowState(ReviewState.approved, final: true))
        return Workflow(initial: "draft", states: states, transitions: transitions)
    }

    /// Problems with the stages: none, non-staff roles, repeats.
    public func problems() -> [String] {
        var out: [String] = []
        if stages.isEmpty { out.append("a review needs at least one stage") }
        for s in stages where !s.role.isStaff { out.append("role \"\(s.role.rawValue)\" cannot review; use counselor, college or school") }
        if Set(stages.map(\.role)).count != stages.count { out.append("a role appears twice among the stages") }
        return out
    }
}
