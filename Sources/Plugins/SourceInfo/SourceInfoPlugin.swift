import PluginAPI

/// 生源信息: the graduate record each student verifies and staff review at three levels.
public struct SourceInfoPlugin: Plugin {
    public static let id: PluginID = "source-info"
    public static let version: PluginVersion = "0.1.0"
    public static let label = LocalizedText("生源信息", en: "graduate record")

    public init(configuration: EmptyConfiguration) {}

    public func register(into context: RegistrationContext) throws {
        context.codeTable(Self.studyMode)
        // One record per graduate, made by the student import; the registry fields follow the registry.
        context.recordKind(RecordKindSpec(
            id: "source-info", label: Self.label, fields: Self.fields,
            process: .review(.standard), cardinality: .onePerStudent,
            registry: [
                "studentNumber": .studentNumber, "name": .name, "gender": .gender, "idNumber": .idNumber, "birthDate": .birthDate,
                "college": .college, "majorName": .major, "className": .className, "educationLevel": .educationLevel, "cohort": .cohort,
            ],
            createOnImport: true,
            // Staff own the record; the student's version stays apart until copied over (一键复制填报).
            studentForm: .separate))
    }

    /// 学习形式.
    static let studyMode = CodeTable(
        id: "study-mode", label: LocalizedText("学习形式", en: "study mode"),
        entries: [CodeEntry("1", "全日制"), CodeEntry("2", "非全日制")])
}
