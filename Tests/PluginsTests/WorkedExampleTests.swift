import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing

// The worked example of docs/plugins.md, verbatim, so the guide cannot drift from what compiles.

/// 就业见习: trainee posts students apply to; the school reviews the applications.
public struct TraineeshipPlugin: Plugin {
    public static let id: PluginID = "traineeship"
    public static let version: PluginVersion = "1.0.0"
    public static let label = LocalizedText("就业见习", en: "traineeships")
    public static let dependencies: [PluginID] = ["source-info"]

    /// `plugins.traineeship.config` in plugins.yaml; unknown keys are refused with their line.
    public struct Configuration: PluginConfiguration {
        public var maxApplications = 3
        public init() {}
        public func validate() -> [ConfigProblem] {
            maxApplications < 1 ? [ConfigProblem(path: ["maxApplications"], "must be at least 1")] : []
        }
    }

    let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    public func register(into context: RegistrationContext) throws {
        // A kind: the generic routes, scopes and review come from the core.
        context.recordKind(RecordKindSpec(
            id: "traineeship", label: Self.label,
            fields: [
                FieldSpec("post", LocalizedText("见习岗位", en: "post"), .text(maxLength: 64), required: true, indexed: true),
                FieldSpec("employerCreditCode", LocalizedText("统一社会信用代码"), .creditCode, required: true),
                FieldSpec("months", LocalizedText("见习月数"), .number(min: 1, max: 12), required: true),
            ],
            process: .review(ReviewPipeline(stages: [ReviewStage(.college), ReviewStage(.school)])),
            cardinality: .many))

        // A route of its own, for the roles named; the core checks the token and roles first.
        struct Limit: Codable, SchemaDescribing {
            var maxApplications: Int
            static var schema: JSONSchema { .object([("maxApplications", .integer)]) }
        }
        let limit = configuration.maxApplications
        context.route(.get, "limits", roles: [.student], summary: "见习申请上限", output: Limit.self) { _ in
            Limit(maxApplications: limit)
        }

        // React to another plugin's event inside its transaction.
        context.on("agreements.completed") { event, txn in
            try txn.put("placed", event.recordID ?? "", event.payload)
        }
    }
}


@Test("the worked example in docs/plugins.md compiles, configures and answers") func limits() async throws {
    try await TestDaemon.with(.inProcess, plugins: [TraineeshipPlugin.self],
                              config: "plugins: {source-info: {}, agreements: {}, traineeship: {config: {maxApplications: 2}}}",
                              seedDemo: true) { daemon in
        let token = try await daemon.login("202211001", "020118")
        let r = try await daemon.request(.get, "/api/v1/traineeship/limits", token: token)
        #expect(try r.json["maxApplications"] == 2)
    }
}
