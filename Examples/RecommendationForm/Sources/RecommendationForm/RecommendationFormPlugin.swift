import PluginAPI

/// 就业推荐表: the form a student fills to be recommended to employers. The college reviews it
/// and writes its opinion, then the school approves it; the core does the rest (routes, scopes,
/// the two-stage review, history, notifications).
public struct RecommendationFormPlugin: Plugin {
    public static let id: PluginID = "recommendation-form"
    public static let version: PluginVersion = "1.0.0"
    public static let label = LocalizedText("就业推荐表", en: "recommendation form")
    /// The student's name, college and class come from their 生源 record.
    public static let dependencies: [PluginID] = ["source-info"]
    /// The record kind: `/api/v1/records/recommendation-form`.
    public static let kind = "recommendation-form"

    public init(configuration: EmptyConfiguration) {}

    public func register(into context: RegistrationContext) throws {
        context.recordKind(RecordKindSpec(
            id: Self.kind, label: Self.label,
            fields: [
                FieldSpec("intention", LocalizedText("求职意向", en: "intended position"), .text(maxLength: 100), required: true),
                FieldSpec("strengths", LocalizedText("个人特长", en: "strengths"), .text(maxLength: 1000), required: true),
                FieldSpec("awards", LocalizedText("获奖情况", en: "awards"), .text(maxLength: 1000)),
                FieldSpec("collegeOpinion", LocalizedText("学院推荐意见", en: "college's opinion"), .text(maxLength: 500), editableBy: .staff),
            ],
            // Two stages: the college first, then the school.
            process: .review(ReviewPipeline(stages: [ReviewStage(.college), ReviewStage(.school)]))))

        // A route of its own at /api/v1/recommendation-form/summary: how far the forms the
        // caller may see have come. The core checks the token and the roles first.
        context.route(.get, "summary", roles: [.college, .school], summary: "就业推荐表审核进度",
                      output: RecommendationSummary.self) { request in
            try request.store.read { txn in
                try RecommendationSummary(txn.records.list(Self.kind, filters: [:], after: nil, limit: 10_000))
            }
        }
    }
}

/// How many forms wait where; `records.list` already leaves out those outside the caller's scope.
public struct RecommendationSummary: Codable, Sendable, SchemaDescribing {
    public var total = 0, awaitingCollege = 0, awaitingSchool = 0, approved = 0

    init(_ records: [RecordSnapshot]) {
        // States are typed: a review level's state is `.pending(role)`, whatever its id's spelling.
        let states = records.map { ReviewState(id: $0.state) }
        total = records.count
        awaitingCollege = states.count { $0 == .pending(.college) }
        awaitingSchool = states.count { $0 == .pending(.school) }
        approved = states.count { $0 == .approved }
    }

    public static var schema: JSONSchema {
        .object([("total", .integer), ("awaitingCollege", .integer), ("awaitingSchool", .integer), ("approved", .integer)])
    }
}
