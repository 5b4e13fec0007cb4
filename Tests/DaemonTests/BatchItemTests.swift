import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

/// A plugin whose hook refuses the final approval of a record that says so: the refusal comes
/// after the engine wrote the record, its history and its notification.
struct RefusingPlugin: Plugin {
    static let id: PluginID = "refusing"
    static let version: PluginVersion = "0.1.0"
    static let label = LocalizedText("会拒绝的插件", en: "refusing")
    struct Configuration: PluginConfiguration, Equatable { init() {} }
    init(configuration: Configuration) {}

    func register(into context: RegistrationContext) throws {
        context.recordKind(RecordKindSpec(id: "vetted", label: "核验单", fields: [FieldSpec("note", "备注", .text())], process: .review(.standard)))
        context.on("refusing.approved") { event, _ in
            if event.payload["values"]?["note"] == "refuse" { throw PluginError.conflict("插件拒绝了这条审批") }
        }
    }
}

@Suite("Batch items, each all or nothing")
struct BatchItemTests {
    @Test("a batch item a hook refuses after the record was written leaves nothing of itself; the others commit")
    func hookRefusesOneItem() async throws {
        try await TestDaemon.with(.inProcess, plugins: [RefusingPlugin.self], config: "plugins: {source-info: {}, refusing: {}}", seedDemo: true) { d in
            #expect(try await d.admin("seed", "records", "vetted", "--state", "pending:school", "--count", "2").ok)
            let school = try await d.login("school", Demo.password)
            let ids = try #require(try await d.request(.get, "/api/v1/records/vetted", token: school).json["records"]?.arrayValue?
                .compactMap { $0["id"]?.stringValue })
            try #require(ids.count == 2)
            let patched = try await d.request(.patch, "/api/v1/records/vetted/\(ids[1])", body: ["values": ["note": "refuse"]], token: school)
            #expect(patched.status == 200)
            let before = try await d.request(.get, "/api/v1/records/vetted/\(ids[1])/history", token: school).json["history"]?.arrayValue?.count

            let batch = try await d.request(.post, "/api/v1/records/vetted/batch", body: ["action": "approve", "ids": .array(ids.map { .string($0) })],
                                            token: school).json
            #expect(batch["succeeded"] == 1 && batch["failed"] == 1)
            #expect(batch["results"]?.arrayValue?.last?["error"]?["code"] == "conflict")
            #expect(try await d.request(.get, "/api/v1/records/vetted/\(ids[0])", token: school).json["state"] == "approved")
            let refused = try await d.request(.get, "/api/v1/records/vetted/\(ids[1])", token: school).json
            #expect(refused["state"] == "pending:school", "the refused item's write is undone")
            #expect(try await d.request(.get, "/api/v1/records/vetted/\(ids[1])/history", token: school).json["history"]?.arrayValue?.count == before)
            let stats = try await d.request(.get, "/api/v1/stats/vetted?by=state&group=none", token: school).json
            #expect(stats["totals"]?["approved"] == 1 && stats["totals"]?["pending:school"] == 1, "the counters follow only what committed")
        }
    }
}
