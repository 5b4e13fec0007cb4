import PluginAPI

/// 学生简历库: students' resumes with a completeness score; staff see the complete ones.
public struct ResumeLibraryPlugin: Plugin {
    public static let id: PluginID = "resume-library"
    public static let version: PluginVersion = "0.1.0"
    public static let label = LocalizedText("学生简历库", en: "resume library")
    /// Statistics count planned graduates from the graduate records.
    public static let dependencies: [PluginID] = ["source-info"]

    public let configuration: ResumeLibraryConfiguration

    public init(configuration: ResumeLibraryConfiguration) {
        self.configuration = configuration
    }

    public func register(into context: RegistrationContext) throws {
        var fields = [
            FieldSpec("title", LocalizedText("简历名称", en: "title"), .text(maxLength: 64), required: true),
            FieldSpec("isDefault", LocalizedText("默认简历", en: "default"), .boolean),
            FieldSpec("pinned", LocalizedText("置顶", en: "pinned"), .boolean, editableBy: .staff),
            FieldSpec("completeness", LocalizedText("完整度", en: "completeness"), .number(min: 0, max: 100), editableBy: .nobody, indexed: true),
        ]
        fields += ResumeLibraryConfiguration.sections.map { key, label in
            FieldSpec(key, label, .text(maxLength: 20_000), group: "简历内容")
        }
        context.recordKind(RecordKindSpec(id: "resume", label: Self.label, fields: fields, process: .none, cardinality: .many))
    }
}

/// `plugins.resume-library.config`: how completeness is weighed and where "complete" starts.
public struct ResumeLibraryConfiguration: PluginConfiguration, Equatable {
    /// The sections and their labels, in form order.
    static let sections: [(String, LocalizedText)] = [
        ("basicInfo", LocalizedText("基本信息", en: "basic information")),
        ("education", LocalizedText("教育经历", en: "education")),
        ("experience", LocalizedText("实习与工作经历", en: "experience")),
        ("projects", LocalizedText("项目经历", en: "projects")),
        ("skills", LocalizedText("专业技能", en: "skills")),
        ("awards", LocalizedText("获奖情况", en: "awards")),
        ("certificates", LocalizedText("证书", en: "certificates")),
        ("selfEvaluation", LocalizedText("自我评价", en: "self-evaluation")),
    ]

    /// A resume at least this complete (percent) counts, and may be viewed, pinned or deleted by staff.
    public var threshold = 70
    /// Each section's share of 100.
    public var weights: [String: Int] = [
        "basicInfo": 20, "education": 20, "experience": 15, "projects": 10,
        "skills": 10, "awards": 5, "certificates": 5, "selfEvaluation": 15,
    ]

    public init() {}

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if !(0...100).contains(threshold) { problems.append(ConfigProblem(path: ["threshold"], "must be between 0 and 100")) }
        let known = Set(Self.sections.map(\.0))
        for (key, weight) in weights.sorted(by: { $0.key < $1.key }) {
            if !known.contains(key) {
                problems.append(ConfigProblem(path: ["weights", key], "unknown section \"\(key)\" (sections: \(Self.sections.map(\.0).joined(separator: ", ")))"))
            } else if weight < 0 {
                problems.append(ConfigProblem(path: ["weights", key], "must not be negative"))
            }
        }
        let total = weights.values.reduce(0, +)
        if total != 100 { problems.append(ConfigProblem(path: ["weights"], "the weights add up to \(total), not 100")) }
        return problems
    }
}
