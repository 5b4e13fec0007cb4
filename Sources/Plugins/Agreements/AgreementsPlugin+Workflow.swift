import PluginAPI

extension AgreementsPlugin {
    /// 空白协议书 → 邀约中 / 网签中 → 盖章中 → 已盖章 → 已完成, with the side exits.
    ///
    /// Staff's approvals are typed `approve` (and the rejection `reject`), so 首页 counts what
    /// waits for them (网签中 for every level, 已盖章待学校确认 for the school) and 批量审核 applies.
    ///
    /// A blank agreement holds an issued number. An employer's invitation is a record of its own
    /// (created by the employer, so it is the party); when the student accepts it, the number of
    /// their blank agreement moves onto it (``AgreementRules``).
    static let workflow = Workflow(
        initial: "blank",
        states: [
            WorkflowState("blank", LocalizedText("空白协议书", en: "number issued")),
            WorkflowState("invited", LocalizedText("邀约中", en: "invited")),
            WorkflowState("signing", LocalizedText("网签中", en: "under review")),
            WorkflowState("sealing", LocalizedText("盖章中", en: "awaiting seal")),
            WorkflowState("sealed", LocalizedText("已盖章待学校确认", en: "sealed, awaiting school")),
            WorkflowState("completed", LocalizedText("已完成", en: "completed")),
            WorkflowState("offline", LocalizedText("线下签约", en: "signed offline")),
            WorkflowState("used", LocalizedText("编号已转入签约", en: "number moved to a signing"), final: true),
            WorkflowState("declined", LocalizedText("学生已拒绝", en: "declined"), final: true),
            WorkflowState("withdrawn", LocalizedText("单位已撤回", en: "withdrawn"), final: true),
            WorkflowState("rejected", LocalizedText("审核未通过", en: "rejected"), final: true),
            WorkflowState("terminated", LocalizedText("已解约", en: "terminated"), final: true),
        ],
        transitions: [
            WorkflowTransition(from: ["blank"], action: "invite", to: "invited", roles: [.employer], label: LocalizedText("发起邀约", en: "invite"),
                               requiresComplete: true, emits: "invited"),
            WorkflowTransition(from: ["invited"], action: "edit-invitation", to: "invited", roles: [.employer], label: LocalizedText("修改邀约", en: "edit invitation"),
                               requiresComplete: true),
            WorkflowTransition(from: ["invited"], action: "withdraw", to: "withdrawn", roles: [.employer], label: LocalizedText("撤回", en: "withdraw")),
            WorkflowTransition(from: ["invited"], action: "accept", to: "signing", roles: [.student], label: LocalizedText("接受", en: "accept"),
                               emits: "accepted"),
            WorkflowTransition(from: ["invited"], action: "decline", to: "declined", roles: [.student], label: LocalizedText("拒绝", en: "decline"),
                               requiresReason: true),
            WorkflowTransition(from: ["blank"], action: "start", to: "signing", roles: [.student], label: LocalizedText("学生发起签约", en: "start signing"),
                               requiresComplete: true, conditions: [FieldCondition("signingType", in: ["online"])], emits: "started"),
            WorkflowTransition(from: ["blank"], action: "sign-offline", to: "offline", roles: Role.staff, label: LocalizedText("设为线下签约", en: "set offline"),
                               conditions: [FieldCondition("signingType", in: ["directed", "blank-print"])], emits: "offline"),
            // Taken by the plugin when the student accepts an invitation: the number moves there.
            WorkflowTransition(from: ["blank"], action: "use", to: "used", roles: [], label: LocalizedText("编号转入签约", en: "number used")),
            WorkflowTransition(from: ["signing"], action: "approve", to: "sealing", roles: Role.staff, label: LocalizedText("审核通过", en: "approve"),
                               emits: "approved", outbox: ["esign.start"],
                               // 以短信的形式通知单位、学生: both sign on the provider's page.
                               sms: "sms.esign", effect: .approve),
            WorkflowTransition(from: ["signing"], action: "reject", to: "rejected", roles: Role.staff, label: LocalizedText("审核不通过", en: "reject"),
                               requiresReason: true, emits: "rejected", effect: .reject),
            // The employer seals through the API, or the e-signing provider's callback does it for them.
            WorkflowTransition(from: ["sealing"], action: "seal", to: "sealed", roles: [.employer], label: LocalizedText("单位盖章", en: "seal")),
            WorkflowTransition(from: ["sealed"], action: "confirm", to: "completed", roles: [.school], label: LocalizedText("学校确认", en: "confirm"),
                               emits: "completed", effect: .approve),
            // Taken by the termination plugin when a termination is approved, never by a person.
            WorkflowTransition(from: ["completed", "offline"], action: "terminate", to: "terminated", roles: [], label: LocalizedText("解约", en: "terminate"),
                               emits: "terminated"),
        ])

    /// States in which an agreement binds the student: while one exists, no other may be signed.
    static let currentStates: Set<String> = ["signing", "sealing", "sealed", "completed", "offline"]
}
