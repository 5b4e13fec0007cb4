import PluginAPI

/// 解约管理: applications to terminate a completed agreement, reviewed by the school.
public struct TerminationPlugin: Plugin {
    public static let id: PluginID = "termination"
    public static let version: PluginVersion = "0.1.0"
    public static let label = LocalizedText("解约管理", en: "termination")
    /// A termination is always of an agreement.
    public static let dependencies: [PluginID] = ["agreements"]

    public init(configuration: EmptyConfiguration) {}

    public func register(into context: RegistrationContext) throws {
        context.codeTable(CodeTable(
            id: "termination-applicant", label: LocalizedText("申请方", en: "applicant"),
            entries: [CodeEntry("student", "学生"), CodeEntry("employer", "用人单位")]))
        context.recordKind(RecordKindSpec(
            id: "termination", label: Self.label,
            fields: [
                FieldSpec("agreementID", LocalizedText("协议", en: "agreement"), .text(maxLength: 64), required: true, indexed: true),
                FieldSpec("applicant", LocalizedText("申请方", en: "applicant"), .code(table: "termination-applicant"), required: true, indexed: true),
                FieldSpec("explanation", LocalizedText("解约说明", en: "explanation"), .text(maxLength: 2000), required: true),
                FieldSpec("materials", LocalizedText("解约材料", en: "materials"), .file, required: true),
            ],
            process: .review(ReviewPipeline(stages: [ReviewStage(.school)])),
            cardinality: .many, parties: [.employer]))
        context.emits("approved", summary: LocalizedText("解约申请已通过", en: "a termination was approved"))
        // Only completed agreements can be terminated: remember which ones are.
        context.on("agreements.completed") { event, txn in
            guard let id = event.recordID else { return }
            try txn.put("terminable", id, event.payload)
        }
    }
}
