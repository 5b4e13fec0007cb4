import PluginAPI

/// The plugins compiled into jiuyed. `plugins.yaml` chooses which of them run.
public enum BuiltinPlugins {
    /// Every built-in plugin type.
    public static let all: [any Plugin.Type] = [
        SourceInfoPlugin.self,
        EmploymentInfoPlugin.self,
        AgreementsPlugin.self,
        TerminationPlugin.self,
        ResumeLibraryPlugin.self,
    ]
}
