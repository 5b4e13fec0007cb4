import Testing
@testable import PluginAPI

@Suite("Review pipelines and workflows")
struct WorkflowTests {
    @Test("the standard pipeline runs counselor → college → school and back to the student on rejection")
    func standardPipeline() throws {
        let w = ReviewPipeline.standard.workflow
        #expect(w.problems().isEmpty)
        #expect(w.initial == "draft")
        #expect(w.transition(from: "draft", action: "submit")?.to == "pending:counselor")
        #expect(w.transition(from: "pending:counselor", action: "approve")?.to == "pending:college")
        #expect(w.transition(from: "pending:college", action: "approve")?.to == "pending:school")
        #expect(w.transition(from: "pending:school", action: "approve")?.to == "approved")
        let reject = try #require(w.transition(from: "pending:college", action: "reject"))
        #expect(reject.to == "rejected:college" && reject.requiresReason && reject.roles == [.college])
        #expect(w.transition(from: "rejected:college", action: "resubmit")?.to == "pending:counselor")
        // Nobody approves their own level twice or skips a level.
        #expect(w.transition(from: "pending:counselor", action: "submit") == nil)
        #expect(w.transition(from: "approved", action: "reject") == nil)
    }

    @Test("resubmission can restart at the rejecting level")
    func resubmitAtRejectingStage() {
        let w = ReviewPipeline(stages: [.init(.college), .init(.school)], resubmission: .rejectingStage).workflow
        #expect(w.transition(from: "rejected:school", action: "resubmit")?.to == "pending:school")
        #expect(w.transition(from: "draft", action: "submit")?.to == "pending:college")
    }

    @Test("pipelines with students as reviewers or repeated roles are refused")
    func pipelineProblems() {
        #expect(!ReviewPipeline(stages: []).problems().isEmpty)
        #expect(ReviewPipeline(stages: [.init(.student)]).problems().contains { $0.contains("cannot review") })
        #expect(ReviewPipeline(stages: [.init(.school), .init(.school)]).problems().contains { $0.contains("twice") })
        #expect(ReviewPipeline.standard.problems().isEmpty)
    }

    @Test("a workflow names unknown states, duplicate actions and unreachable states")
    func workflowProblems() {
        let w = Workflow(
            initial: "a",
            states: [WorkflowState("a", "A"), WorkflowState("b", "B"), WorkflowState("island", "孤岛")],
            transitions: [
                WorkflowTransition(from: ["a"], action: "go", to: "b", roles: [.student], label: "去"),
                WorkflowTransition(from: ["a"], action: "go", to: "b", roles: [.school], label: "去"),
                WorkflowTransition(from: ["b"], action: "jump", to: "nowhere", roles: [.school], label: "跳"),
            ])
        let problems = w.problems()
        #expect(problems.contains { $0.contains("\"go\" is declared twice") })
        #expect(problems.contains { $0.contains("unknown state \"nowhere\"") })
        #expect(problems.contains { $0.contains("\"island\" cannot be reached") })
    }
}
