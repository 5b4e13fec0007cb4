import Foundation
import JiuyeTesting
import PluginAPI
import RecommendationForm
import Testing

/// 就业推荐表 on a real daemon with the demo institution (示例大学): a student fills and submits
/// it, the college and then the school approve it, and the plugin's own route counts it.
@Suite("就业推荐表")
struct RecommendationFormTests {
    /// This package's plugins.yaml, as the school deploys it.
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("plugins.yaml")

    @Test("create, submit, the college approves, the school approves; the summary follows")
    func twoStageReview() async throws {
        let config = try String(contentsOf: Self.config, encoding: .utf8)
        try await TestDaemon.with(plugins: [RecommendationFormPlugin.self], config: config, seedDemo: true) { d in
            let student = try await d.login("202211001", "020118")   // 黄敏, 计算机学院
            let college = try await d.login("cs-college", "Demo@2026")
            let school = try await d.login("school", "Demo@2026")

            let created = try await d.request(.post, "/api/v1/records/recommendation-form", body: [
                "student": "202211001",
                "values": ["intention": "后端开发工程师", "strengths": "Swift、数据库", "awards": "校级一等奖学金"],
            ], token: student)
            #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
            let id = try #require(try created.json["id"]?.stringValue)
            let form = "/api/v1/records/recommendation-form/\(id)"

            #expect(try await d.request(.post, "\(form)/submit", token: student).json["state"] == "pending:college")
            #expect(try await d.request(.get, "/api/v1/recommendation-form/summary", token: college).json["awaitingCollege"] == 1)
            // The school's level has not come yet.
            #expect(try await d.request(.post, "\(form)/review", body: ["action": "approve"], token: school).status == 403)

            // The college writes its opinion (a staff field) and approves.
            #expect(try await d.request(.patch, form, body: ["values": ["collegeOpinion": "同意推荐"]], token: college).status == 200)
            #expect(try await d.request(.post, "\(form)/review", body: ["action": "approve"], token: college).json["state"] == "pending:school")
            #expect(try await d.request(.post, "\(form)/review", body: ["action": "approve"], token: school).json["state"] == "approved")

            let summary = try await d.request(.get, "/api/v1/recommendation-form/summary", token: school).json
            #expect(summary["total"] == 1 && summary["approved"] == 1 && summary["awaitingSchool"] == 0)
            // Students do not see the progress of others' forms.
            #expect(try await d.request(.get, "/api/v1/recommendation-form/summary", token: student).status == 403)
        }
    }
}
