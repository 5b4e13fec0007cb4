import Foundation
import PluginAPI

/// `plugins.resume-library.config`: how completeness is weighed and where "complete" starts.
public struct ResumeLibraryConfiguration: PluginConfiguration, Equatable {
    /// The sections and their labels, in form order.
    static let sections: [(String, LocalizedText)] = [
        ("basicInfo", LocalizedText("基本信息", en: "basic information")),
        ("education", LocalizedText("教育经历", en: "education")),
        ("experience", LocalizedText("实习与工作经历", en: "experience")),
        ("projects", LocalizedText("项目经历", en: "projects")),
        ("skills", LocalizedText("专业技能", en: "skills")),
        ("awards", LocalizedText("获奖情况", en: "awards")),
        ("certificates", LocalizedText("证书", en: "certificates")),
        ("selfEvaluation", LocalizedText("自我评价", en: "self-evaluation")),
    ]

    /// A resume at least this complete (percent) counts, and may be viewed, pinned or deleted by staff.
    public var threshold = 70
    /// Each section's share of 100.
    public var weights: [String: Int] = [
        "basicInfo": 20, "education": 20, "experience": 15, "projects": 10,
        "skills": 10, "awards": 5, "certificates": 5, "selfEvaluation": 15,
    ]

    public init() {}

    /// Completeness from the filled sections, and the statistics field: the student's level when
    /// this is their default resume and it reaches the threshold.
    func derive(_ values: inout JSONObject) {
        var score = 0
        for (key, _) in Self.sections {
            if case .string(let text)? = values[key], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                score += weights[key] ?? 0
            }
        }
        values["completeness"] = .int(score)
        let ready = values["isDefault"] == .bool(true) && score >= threshold
        values["readyLevel"] = ready ? (values["educationLevel"] ?? .null) : .null
    }

    /// What ``derive(_:)`` depends on: stored resumes are recomputed when it changes.
    var derivation: String {
        "threshold=\(threshold);" + weights.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if !(0...100).contains(threshold) { problems.append(ConfigProblem(path: ["threshold"], "must be between 0 and 100")) }
        let known = Set(Self.sections.map(\.0))
        for (key, weight) in weights.sorted(by: { $0.key < $1.key }) {
            if !known.contains(key) {
                problems.append(ConfigProblem(path: ["weights", key], "unknown section \"\(key)\" (sections: \(Self.sections.map(\.0).joined(separator: ", ")))"))
            } else if weight < 0 {
                problems.append(ConfigProblem(path: ["weights", key], "must not be negative"))
            }
        }
        let total = weights.values.reduce(0, +)
        if total != 100 { problems.append(ConfigProblem(path: ["weights"], "the weights add up to \(total), not 100")) }
        return problems
    }
}
