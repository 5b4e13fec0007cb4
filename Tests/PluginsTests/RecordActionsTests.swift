import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// What a caller may do with a record now: the engine answers it from the rules it enforces.
@Suite("记录的可用操作")
struct RecordActionsTests {
    typealias Actors = GraduateFlowTests.Actors
    static let student = GraduateFlowTests.student

    static func actions(_ r: JSONValue) -> [String] { r["actions"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? [] }

    @Test("actions and editable fields per role and state, and no second review by the same person")
    func perRoleAndState() async throws {
        let a = try await Actors.start()
        let path = "/records/source-info/\(Self.student)"
        var r = try await a.call(.get, path, nil, a.student).json
        #expect(Self.actions(r) == ["submit"])
        let editable = r["editable"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(editable.contains("mobile") && !editable.contains("name"), "registry fields are never the student's")
        #expect(Self.actions(try await a.call(.get, path, nil, a.counselor).json).isEmpty)
        try await StageChangeTests.submit(a, Self.student, token: a.student)
        r = try await a.call(.get, path, nil, a.student).json
        #expect(Self.actions(r).isEmpty && r["editable"] == [], "submitted: nothing for the student until a rejection")
        r = try await a.call(.get, path, nil, a.counselor).json
        #expect(Set(Self.actions(r)) == ["approve", "reject"])
        #expect(r["actions"]?.arrayValue?.first { $0["action"] == "reject" }?["requiresReason"] == true)
        #expect(Self.actions(try await a.call(.get, path, nil, a.college).json).isEmpty, "not yet the college's level")

        // One person holding two levels approves once: the second approval is not offered, and refused.
        try await a.d.addAccount("dual", roles: [.counselor, .college], college: "计算机学院", classes: ["软件2201"])
        let dual = try await a.d.login("dual")
        #expect(Set(Self.actions(try await a.call(.get, path, nil, dual).json)) == ["approve", "reject"])
        let first = try await a.call(.post, "\(path)/review", ["action": "approve"], dual)
        #expect(try first.json["state"] == "pending:college")
        #expect(try Self.actions(first.json) == ["reject"], "the answer to a write says what is possible next")
        let second = try await a.call(.post, "\(path)/review", ["action": "approve"], dual)
        #expect(second.status == 403 && second.errorCode == "self_approval")
        #expect(Set(Self.actions(try await a.call(.get, path, nil, a.college).json)) == ["approve", "reject"])
        // A rejection gives the student the resubmission and their fields back.
        _ = try await a.call(.post, "\(path)/review", ["action": "reject", "reason": "incorrect"], a.college)
        r = try await a.call(.get, path, nil, a.student).json
        #expect(Self.actions(r) == ["resubmit"] && (r["editable"]?.arrayValue?.isEmpty == false))
        try await a.d.stop()
    }

    @Test("the no-second-review rule follows the transition's flag, not its name")
    func flagNotName() async throws {
        var pipeline = ReviewPipeline.standard.workflow
        // A workflow that calls its approval something else keeps the rule through the flag.
        pipeline.transitions = pipeline.transitions.map { t in
            var t = t
            if t.action == "approve" { t.action = "sign-off" }
            return t
        }
        let signOff = try #require(pipeline.transitions.first { $0.action == "sign-off" })
        #expect(signOff.independentReview && signOff.effect == .approve)
        #expect(pipeline.problems().isEmpty)
    }
}
