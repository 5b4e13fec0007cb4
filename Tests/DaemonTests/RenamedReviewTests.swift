import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// A plugin whose two-level sign-off calls its approvals 初审 (`check`) and 复核 (`countersign`):
/// a workflow of its own, not a review pipeline, so nothing is named `approve`.
struct SignOffPlugin: Plugin {
    static let id: PluginID = "sign-off"
    static let version: PluginVersion = "0.1.0"
    static let label = LocalizedText("离校会签", en: "sign-off")
    struct Configuration: PluginConfiguration, Equatable {
        /// An upgrade that renames the first approval (`check` → `first-check`).
        var renamed: Bool?
        init() {}
    }
    let configuration: Configuration
    init(configuration: Configuration) { self.configuration = configuration }

    static func workflow(firstCheck: String) -> Workflow { Workflow(
        initial: "draft",
        states: [WorkflowState("draft", "未交"), WorkflowState("checking", "待初审"), WorkflowState("countersigning", "待复核"),
                 WorkflowState("done", "已办结", final: true)],
        transitions: [
            WorkflowTransition(from: ["draft"], action: "hand-in", to: "checking", roles: [.student], label: "交上", effect: .submit),
            WorkflowTransition(from: ["checking"], action: firstCheck, to: "countersigning", roles: [.counselor, .college], label: "初审",
                               effect: .approve, independentReview: true),
            WorkflowTransition(from: ["countersigning"], action: "countersign", to: "done", roles: [.college], label: "复核",
                               effect: .approve, independentReview: true),
        ]) }

    func register(into context: RegistrationContext) throws {
        context.recordKind(RecordKindSpec(id: "leave-request", label: "离校申请", fields: [FieldSpec("note", "事由", .text())],
                                          process: .workflow(Self.workflow(firstCheck: configuration.renamed == true ? "first-check" : "check"))))
    }
}

@Suite("No self-approval, whatever the approval is called")
struct RenamedReviewTests {
    @Test("one person cannot take both levels of a renamed two-level sign-off; someone else can, and the offer follows the rule")
    func renamedApproval() async throws {
        try await TestDaemon.with(plugins: [SignOffPlugin.self], builtins: BuiltinPlugins.all,
                                  config: "plugins: {source-info: {}, sign-off: {}}", seedDemo: true) { d in
            let student = try await d.login(Demo.student, Demo.studentPassword)
            try await d.addAccount("dual", roles: [.counselor, .college], college: "计算机学院", classes: ["软件2201"])
            let dual = try await d.login("dual")
            let college = try await d.login("cs-college", Demo.password)
            let path = "/api/v1/records/leave-request"
            let created = try await d.request(.post, path, body: ["student": .string(Demo.student), "values": ["note": "离校"], "action": "hand-in"],
                                              token: student)
            #expect(try created.status == 200 && created.json["state"] == "checking")
            let id = try #require(try created.json["id"]?.stringValue)
            func actions(_ token: String) async throws -> [String] {
                try await d.request(.get, "\(path)/\(id)", token: token).json["actions"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
            }
            #expect(try await actions(dual) == ["check"])
            let checked = try await d.request(.post, "\(path)/\(id)/review", body: ["action": "check"], token: dual)
            #expect(try checked.status == 200 && checked.json["state"] == "countersigning")
            // The second level is not offered to the first level's reviewer, and refused if asked.
            #expect(try await actions(dual) == [])
            let again = try await d.request(.post, "\(path)/\(id)/review", body: ["action": "countersign"], token: dual)
            #expect(again.status == 403 && again.errorCode == "self_approval")
            #expect(try await actions(college) == ["countersign"])
            let done = try await d.request(.post, "\(path)/\(id)/review", body: ["action": "countersign"], token: college)
            #expect(try done.status == 200 && done.json["state"] == "done")
        }
    }

    @Test("review states are typed: ids parse to levels and back, labels come from the state, a plugin's own state stays its own")
    func typedStates() {
        for state in [ReviewState.draft, .pending(.college), .rejected(.counselor), .approved, .other("sealing")] {
            #expect(ReviewState(id: state.id) == state)
        }
        #expect(ReviewState(id: "pending:school").level == .school && ReviewState(id: "pending:school").isPending)
        #expect(ReviewState(id: "pending:nobody") == .other("pending:nobody"))
        #expect(ReviewState.rejected(.college).label.zh == "学院审核未通过待修改")
        let states = ReviewPipeline.standard.workflow.states.map(\.review)
        #expect(states.first == .draft && states.last == .approved && states.contains(.pending(.counselor)))
    }

    @Test("after an upgrade renames the first approval, its reviewer still cannot take the second level: unknown history counts, failing closed")
    func renamedByUpgrade() async throws {
        try await TestDaemon.with(.inProcess, plugins: [SignOffPlugin.self], config: "plugins: {source-info: {}, sign-off: {}}", seedDemo: true) { d in
            let student = try await d.login(Demo.student, Demo.studentPassword)
            try await d.addAccount("dual", roles: [.counselor, .college], college: "计算机学院", classes: ["软件2201"])
            let dual = try await d.login("dual")
            let college = try await d.login("cs-college", Demo.password)
            let path = "/api/v1/records/leave-request"
            let id = try #require(try await d.request(.post, path, body: ["student": .string(Demo.student), "action": "hand-in"], token: student)
                .json["id"]?.stringValue)
            #expect(try await d.request(.post, "\(path)/\(id)/review", body: ["action": "check"], token: dual).status == 200)
            try d.writeConfig("plugins: {source-info: {}, sign-off: {config: {renamed: true}}}")
            #expect(try await d.admin("plugin", "reload").ok)
            let again = try await d.request(.post, "\(path)/\(id)/review", body: ["action": "countersign"], token: dual)
            #expect(again.status == 403 && again.errorCode == "self_approval")
            #expect(try await d.request(.post, "\(path)/\(id)/review", body: ["action": "countersign"], token: college).status == 200)
        }
    }
}
