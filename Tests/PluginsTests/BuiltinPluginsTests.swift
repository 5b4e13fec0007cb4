import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing

@Suite("Built-in plugins")
struct BuiltinPluginsTests {
    static let repositoryConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("plugins.yaml").path

    /// Registers a plugin the way the host does and returns what it declared.
    func declarations(_ plugin: some Plugin) throws -> RegistrationContext {
        let context = RegistrationContext(pluginID: type(of: plugin).id)
        try plugin.register(into: context)
        return context
    }

    @Test("the five plugins run from the default plugins.yaml and describe their kinds")
    func fivePlugins() async throws {
        let config = try String(contentsOfFile: Self.repositoryConfig, encoding: .utf8)
        let daemon = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: config)
        let plugins = try await daemon.request(.get, "/api/v1/plugins").json["plugins"]?.arrayValue ?? []
        try await daemon.stop()
        let kinds = Dictionary(uniqueKeysWithValues: plugins.compactMap { p in p["id"]?.stringValue.map { ($0, p["kinds"]?.arrayValue?.first) } })
        #expect(Set(kinds.keys) == ["source-info", "employment-info", "agreements", "termination", "resume-library"])
        #expect(kinds["source-info"]??["stages"] == ["counselor", "college", "school"])
        #expect(kinds["termination"]??["stages"] == ["school"])
        #expect(kinds["agreements"]??["process"] == "workflow")
        #expect(kinds["agreements"]??["party"]?["role"] == "employer" && kinds["agreements"]??["party"]?["field"] == "employerCreditCode")
        #expect(kinds["resume-library"]??["process"] == "none")
    }

    @Test("生源信息 carries the national column set in order, with the registry fields locked for students")
    func sourceInfoFields() throws {
        let kind = try #require(declarations(SourceInfoPlugin(configuration: .init())).kinds.first)
        let national = kind.nationalFields
        #expect(national.map(\.nationalOrder!) == Array(1...32))
        #expect(national.first?.label.zh == "学号")
        for key in ["studentNumber", "name", "idNumber", "college", "majorName", "className", "cohort"] {
            #expect(kind.field(key)?.editableBy == .nobody, "\(key) is registry data")
            #expect(kind.field(key)?.indexed == true, "\(key) is filterable")
        }
        #expect(kind.field("mobile")?.editableBy == .student)
        #expect(kind.field("ethnicity")?.type == .code(table: "ethnicity"))
    }

    @Test("the agreement workflow is sound; only the plugins' own moves (number used, terminated) are closed to people")
    func agreementWorkflow() throws {
        let kind = try #require(declarations(AgreementsPlugin(configuration: .init())).kinds.first)
        let workflow = try #require(kind.process.workflow)
        #expect(workflow.problems().isEmpty)
        #expect(workflow.transition(from: "invited", action: "accept")?.roles == [.student])
        #expect(workflow.transition(from: "invited", action: "decline")?.requiresReason == true)
        #expect(workflow.transition(from: "signing", action: "approve")?.to == "sealing")
        #expect(workflow.transition(from: "sealed", action: "confirm")?.to == "completed")
        #expect(workflow.transitions.filter { $0.roles.isEmpty }.map(\.action) == ["use", "terminate"])
        #expect(workflow.transition(from: "blank", action: "start")?.conditions == [FieldCondition("signingType", in: ["online"])])
        #expect(workflow.transition(from: "signing", action: "approve")?.outbox == ["esign.start"])
    }

    @Test("the resume weights are validated")
    func resumeConfiguration() {
        var c = ResumeLibraryConfiguration()
        #expect(c.validate().isEmpty)
        c.weights["skills"] = 30
        #expect(c.validate().map(\.description) == ["weights: the weights add up to 120, not 100"])
        c = ResumeLibraryConfiguration()
        c.threshold = 101
        #expect(c.validate().first?.path == ["threshold"])
    }
}
