import PluginAPI

/// 学生简历库: students keep resumes with a completeness score; staff see the complete ones.
///
/// The core does the generic parts from the declaration: completeness and the statistics field
/// are derived whenever a resume changes (``RecordKindSpec/derive``), staff see a resume only
/// from the threshold on (``RecordKindSpec/staffVisibility``), the counters stay live. The plugin
/// adds the default resume, the shown-resume rule, the statistics and their drill-down.
public struct ResumeLibraryPlugin: Plugin {
    public static let id: PluginID = "resume-library"
    public static let version: PluginVersion = "0.2.0"
    public static let label = LocalizedText("学生简历库", en: "resume library")
    /// Statistics count planned graduates from the graduate records.
    public static let dependencies: [PluginID] = ["source-info"]
    /// The record kind.
    static let kind = "resume"

    public let configuration: ResumeLibraryConfiguration

    public init(configuration: ResumeLibraryConfiguration) {
        self.configuration = configuration
    }

    public func register(into context: RegistrationContext) throws {
        var fields = [
            FieldSpec("title", LocalizedText("简历名称", en: "title"), .text(maxLength: 64), required: true),
            FieldSpec("isDefault", LocalizedText("默认简历", en: "default"), .boolean, editableBy: .nobody),
            FieldSpec("pinned", LocalizedText("置顶", en: "pinned"), .boolean, editableBy: .staff, indexed: true),
            FieldSpec("completeness", LocalizedText("完整度", en: "completeness"), .number(min: 0, max: 100), editableBy: .nobody, indexed: true),
            FieldSpec("educationLevel", LocalizedText("学历层次", en: "education level"), .code(table: "education-level"), editableBy: .nobody),
            // The student's level when this is their default resume and complete enough: what the statistics count.
            FieldSpec("readyLevel", LocalizedText("达标默认简历", en: "complete default resume"), .code(table: "education-level"), editableBy: .nobody),
        ]
        fields += ResumeLibraryConfiguration.sections.map { key, label in
            FieldSpec(key, label, .text(maxLength: 20_000), group: "简历内容")
        }
        let configuration = self.configuration
        context.recordKind(RecordKindSpec(
            id: Self.kind, label: Self.label, fields: fields, process: .none, cardinality: .many,
            creators: [.student], registry: ["educationLevel": .educationLevel],
            derive: { values in configuration.derive(&values) },
            staffVisibility: StaffVisibility("completeness", atLeast: Double(configuration.threshold)),
            deletableBy: [.student, .counselor, .college, .school],
            derivation: configuration.derivation))
        ResumeRoutes(threshold: configuration.threshold).register(into: context)
        context.consolePage(Self.statisticsPage)
        context.consolePage(Self.studentPage)
    }

    /// The resume shown for a student: the default one; without one, the most complete; ties go
    /// to the most recently updated.
    public static func shown(_ resumes: [RecordSnapshot]) -> RecordSnapshot? {
        if let d = resumes.first(where: { $0.values["isDefault"] == .bool(true) }) { return d }
        return resumes.max { a, b in
            let (ca, cb) = (completeness(a), completeness(b))
            return ca != cb ? ca < cb : a.updated < b.updated
        }
    }

    /// A resume's completeness, percent.
    static func completeness(_ r: RecordSnapshot) -> Int { Int(r.text("completeness")) ?? 0 }
}
