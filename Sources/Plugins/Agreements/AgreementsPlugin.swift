import PluginAPI

/// 三方协议: agreements between student, employer and school, signed online or offline.
public struct AgreementsPlugin: Plugin {
    public static let id: PluginID = "agreements"
    public static let version: PluginVersion = "0.1.0"
    public static let label = LocalizedText("三方协议", en: "tripartite agreements")
    /// Agreements are issued to students who have a graduate record.
    public static let dependencies: [PluginID] = ["source-info"]

    public init(configuration: EmptyConfiguration) {}

    public func register(into context: RegistrationContext) throws {
        context.codeTable(CodeTable(
            id: "signing-type", label: LocalizedText("签约方式", en: "signing type"),
            entries: [CodeEntry("online", "网签"), CodeEntry("directed", "定向签约"), CodeEntry("blank-print", "空白协议书打印")]))
        context.recordKind(RecordKindSpec(
            id: "agreement", label: Self.label,
            fields: [
                FieldSpec("agreementNumber", LocalizedText("协议书编号", en: "agreement number"), .text(maxLength: 40), required: true, editableBy: .staff, indexed: true),
                FieldSpec("signingType", LocalizedText("签约方式", en: "signing type"), .code(table: "signing-type"), required: true, editableBy: .staff, indexed: true),
                FieldSpec("employerName", LocalizedText("单位名称", en: "employer"), .text(maxLength: 128), required: true, indexed: true),
                FieldSpec("employerCreditCode", LocalizedText("统一社会信用代码", en: "credit code"), .creditCode, required: true, indexed: true),
                FieldSpec("position", LocalizedText("岗位", en: "position"), .text(maxLength: 64), required: true),
                FieldSpec("monthlySalary", LocalizedText("月薪(元)", en: "monthly salary (CNY)"), .number(min: 0, max: 1_000_000), required: true),
                FieldSpec("termMonths", LocalizedText("合同期限(月)", en: "term (months)"), .number(min: 1, max: 240), required: true),
                FieldSpec("workplaceRegionCode", LocalizedText("工作地点", en: "workplace region"), .regionCode, required: true),
                FieldSpec("workplaceAddress", LocalizedText("工作地址", en: "workplace address"), .text(maxLength: 200)),
                FieldSpec("declineReason", LocalizedText("拒绝原因", en: "reason for declining"), .text(maxLength: 500)),
            ],
            process: .workflow(Self.workflow), cardinality: .many, parties: [.employer]))
        context.emits("completed", summary: LocalizedText("协议已完成", en: "an agreement was completed"))
    }

    /// 空白协议书 → 邀约中 / 网签中 → 盖章中 → 已盖章 → 已完成, with the side exits.
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
            WorkflowState("declined", LocalizedText("学生已拒绝", en: "declined"), final: true),
            WorkflowState("withdrawn", LocalizedText("单位已撤回", en: "withdrawn"), final: true),
            WorkflowState("rejected", LocalizedText("审核未通过", en: "rejected"), final: true),
            WorkflowState("terminated", LocalizedText("已解约", en: "terminated"), final: true),
        ],
        transitions: [
            WorkflowTransition(from: ["blank"], action: "invite", to: "invited", roles: [.employer], label: LocalizedText("发起邀约", en: "invite")),
            WorkflowTransition(from: ["invited"], action: "edit-invitation", to: "invited", roles: [.employer], label: LocalizedText("修改邀约", en: "edit invitation")),
            WorkflowTransition(from: ["invited"], action: "withdraw", to: "withdrawn", roles: [.employer], label: LocalizedText("撤回", en: "withdraw")),
            WorkflowTransition(from: ["invited"], action: "accept", to: "signing", roles: [.student], label: LocalizedText("接受", en: "accept")),
            WorkflowTransition(from: ["invited"], action: "decline", to: "declined", roles: [.student], label: LocalizedText("拒绝", en: "decline"), requiresReason: true),
            WorkflowTransition(from: ["blank"], action: "start", to: "signing", roles: [.student], label: LocalizedText("学生发起签约", en: "start signing")),
            WorkflowTransition(from: ["blank"], action: "sign-offline", to: "offline", roles: [.school], label: LocalizedText("设为线下签约", en: "set offline")),
            WorkflowTransition(from: ["signing"], action: "approve", to: "sealing", roles: Role.staff, label: LocalizedText("审核通过", en: "approve")),
            WorkflowTransition(from: ["signing"], action: "reject", to: "rejected", roles: Role.staff, label: LocalizedText("审核不通过", en: "reject"), requiresReason: true),
            WorkflowTransition(from: ["sealing"], action: "seal", to: "sealed", roles: [.employer], label: LocalizedText("单位盖章", en: "seal")),
            WorkflowTransition(from: ["sealed"], action: "confirm", to: "completed", roles: [.school], label: LocalizedText("学校确认", en: "confirm")),
            // Taken by the termination plugin when a termination is approved, never by a person.
            WorkflowTransition(from: ["completed", "offline"], action: "terminate", to: "terminated", roles: [], label: LocalizedText("解约", en: "terminate")),
        ])
}
