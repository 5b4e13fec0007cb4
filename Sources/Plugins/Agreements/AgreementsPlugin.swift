import PluginAPI

/// 三方协议: agreements between student, employer and school, signed online or offline.
///
/// The core runs the workflow (scopes, the employer party, history, notifications, the e-sign
/// outbox message); this plugin keeps the pool of agreement numbers and the rules that span
/// records: one current agreement per student, the number moving from the blank agreement to the
/// signed one, and the e-signing provider's callback.
public struct AgreementsPlugin: Plugin {
    public static let id: PluginID = "agreements"
    public static let version: PluginVersion = "0.2.0"
    public static let label = LocalizedText("三方协议", en: "tripartite agreements")
    /// Agreements are issued to students who have a graduate record.
    public static let dependencies: [PluginID] = ["source-info"]
    /// The record kind.
    public static let kind = "agreement"
    /// The codes of 签约方式.
    static let signingTypes = ["online", "directed", "blank-print"]

    public let configuration: AgreementsConfiguration

    public init(configuration: AgreementsConfiguration) {
        self.configuration = configuration
    }

    public func register(into context: RegistrationContext) throws {
        context.codeTable(CodeTable(
            id: "signing-type", label: LocalizedText("签约方式", en: "signing type"),
            entries: zip(Self.signingTypes, ["网签", "定向签约", "空白协议书打印"]).map { CodeEntry($0, $1) }))
        context.recordKind(RecordKindSpec(
            id: Self.kind, label: Self.label, fields: Self.fields, process: .workflow(Self.workflow), cardinality: .many,
            party: RecordParty(.employer, field: "employerCreditCode"),
            // Staff issue numbers (blank agreements); employers invite. Students start from their blank one.
            creators: [.school, .employer], views: Self.views,
            list: ListLayout(columns: ["agreementNumber", "signingType", "employerName", "position"])))
        let numbers = AgreementNumbers(pattern: configuration.numberPattern)
        numbers.register(into: context)
        AgreementRules(numbers: numbers).register(into: context)
        AgreementPrint().register(into: context)
        ESignCallback(settings: configuration.esign).register(into: context)
    }

    /// The tabs of 三方协议 (the manual's), as saved views; `plugins.yaml` may replace them.
    static let views = [
        SavedView("blank", LocalizedText("空白协议书", en: "blank"), filters: ["state": "blank"]),
        SavedView("signing", LocalizedText("网签中", en: "under review"), filters: ["state": "signing"]),
        SavedView("sealing", LocalizedText("盖章中", en: "sealing"), filters: ["state": "sealing,sealed"]),
        SavedView("completed", LocalizedText("已完成", en: "completed"), filters: ["state": "completed"]),
        SavedView("offline", LocalizedText("线下签", en: "offline"), filters: ["state": "offline"]),
        SavedView("terminated", LocalizedText("已解约", en: "terminated"), filters: ["state": "terminated"]),
    ]

    static let fields: [FieldSpec] = [
        // Only from the imported pool, set by this plugin: never typed in, so never a duplicate.
        FieldSpec("agreementNumber", LocalizedText("协议书编号", en: "agreement number"), .text(maxLength: 40), editableBy: .nobody, indexed: true),
        FieldSpec("signingType", LocalizedText("签约方式", en: "signing type"), .code(table: "signing-type"), editableBy: .staff, indexed: true),
        FieldSpec("employerName", LocalizedText("单位名称", en: "employer"), .text(maxLength: 128), required: true, editableBy: .parties, indexed: true),
        FieldSpec("employerCreditCode", LocalizedText("统一社会信用代码", en: "credit code"), .creditCode, required: true, editableBy: .parties, indexed: true),
        FieldSpec("position", LocalizedText("岗位", en: "position"), .text(maxLength: 64), required: true, editableBy: .parties),
        FieldSpec("monthlySalary", LocalizedText("月薪(元)", en: "monthly salary (CNY)"), .number(min: 0, max: 1_000_000), required: true, editableBy: .parties),
        FieldSpec("termMonths", LocalizedText("合同期限(月)", en: "term (months)"), .number(min: 1, max: 240), required: true, editableBy: .parties),
        FieldSpec("workplaceRegionCode", LocalizedText("工作地点", en: "workplace region"), .regionCode, required: true, editableBy: .parties),
        FieldSpec("workplaceAddress", LocalizedText("工作地址", en: "workplace address"), .text(maxLength: 200), editableBy: .parties),
    ]
}
