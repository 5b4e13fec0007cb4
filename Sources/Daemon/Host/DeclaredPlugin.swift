import PluginAPI

/// A plugin written only in `plugins.yaml` (`plugins.<id>.declare`): record kinds with their fields
/// and review stages, and no Swift. The generic record routes serve it like any other.
struct DeclaredPlugin: Plugin {
    static let id: PluginID = "declared"
    static let version: PluginVersion = "1.0.0"
    static let label = LocalizedText("声明式插件", en: "declared in plugins.yaml")

    let kinds: [RecordKindSpec]

    init(configuration: EmptyConfiguration) { kinds = [] }
    init(kinds: [RecordKindSpec]) { self.kinds = kinds }

    func register(into context: RegistrationContext) throws {
        for k in kinds { context.recordKind(k) }
    }
}
