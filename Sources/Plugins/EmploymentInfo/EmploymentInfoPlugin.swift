import PluginAPI

/// 就业信息 (毕业去向登记): where a graduate goes, with proof, reviewed at three levels.
public struct EmploymentInfoPlugin: Plugin {
    public static let id: PluginID = "employment-info"
    public static let version: PluginVersion = "0.1.0"
    public static let label = LocalizedText("就业信息", en: "graduation destination")
    /// The destination is registered against the student's graduate record.
    public static let dependencies: [PluginID] = ["source-info"]

    public init(configuration: EmptyConfiguration) {}

    public func register(into context: RegistrationContext) throws {
        let employer = "单位信息", study = "升学信息", abroad = "留学信息", proof = "证明材料"
        var kind = RecordKindSpec(
            id: "employment-info", label: Self.label,
            fields: [
                FieldSpec("destination", LocalizedText("毕业去向", en: "destination"), .code(table: "destination"), required: true, national: 1, indexed: true),
                FieldSpec("employerName", LocalizedText("单位名称", en: "employer"), .text(maxLength: 128), national: 2, indexed: true, group: employer),
                FieldSpec("employerCreditCode", LocalizedText("统一社会信用代码", en: "credit code"), .creditCode, national: 3, indexed: true, group: employer),
                FieldSpec("employerNature", LocalizedText("单位性质", en: "employer type"), .code(table: "employer-nature"), national: 4, indexed: true, group: employer),
                FieldSpec("industry", LocalizedText("单位行业", en: "industry"), .code(table: "industry"), national: 5, indexed: true, group: employer),
                FieldSpec("employerRegionCode", LocalizedText("单位所在地", en: "employer region"), .regionCode, national: 6, indexed: true, group: employer),
                FieldSpec("employerAddress", LocalizedText("单位地址", en: "employer address"), .text(maxLength: 200), national: 7, group: employer),
                FieldSpec("jobCategory", LocalizedText("工作职位类别", en: "job category"), .code(table: "job-category"), national: 8, group: employer),
                FieldSpec("contactName", LocalizedText("联系人", en: "contact"), .text(maxLength: 64), national: 9, group: employer),
                FieldSpec("contactPhone", LocalizedText("联系电话", en: "contact phone"), .text(maxLength: 32), national: 10, group: employer),
                FieldSpec("contactEmail", LocalizedText("联系邮箱", en: "contact email"), .email, national: 11, group: employer),
                FieldSpec("signedDate", LocalizedText("签约日期", en: "signing date"), .date, national: 12, group: employer),
                FieldSpec("studySchool", LocalizedText("升学院校", en: "school of further study"), .text(maxLength: 128), national: 13, group: study),
                FieldSpec("studyMajor", LocalizedText("升学专业", en: "major of further study"), .text(maxLength: 128), national: 14, group: study),
                FieldSpec("abroadCountry", LocalizedText("留学国家地区", en: "country or region of study"), .text(maxLength: 64), national: 15, group: abroad),
                FieldSpec("abroadSchoolZh", LocalizedText("留学院校中文名称", en: "school (Chinese)"), .text(maxLength: 128), national: 16, group: abroad),
                FieldSpec("abroadSchoolEn", LocalizedText("留学院校外文名称", en: "school (foreign)"), .text(maxLength: 128), national: 17, group: abroad),
                FieldSpec("abroadMajorZh", LocalizedText("留学专业中文名称", en: "major (Chinese)"), .text(maxLength: 128), national: 18, group: abroad),
                FieldSpec("abroadMajorEn", LocalizedText("留学专业外文名称", en: "major (foreign)"), .text(maxLength: 128), national: 19, group: abroad),
                FieldSpec("proofFile", LocalizedText("证明材料", en: "proof"), .file, group: proof),
            ],
            process: .review(.standard), cardinality: .onePerStudent, rules: Self.rules)
        kind.audit = Self.audit
        context.recordKind(kind)

        context.route(.get, "placement", roles: Role.staff, summary: LocalizedText("去向落实率", en: "placement rate"),
                      output: PlacementReport.self) { request in
            try PlacementRate.report(request.statistics, cohort: request.query["cohort"].flatMap(Int.init),
                                     group: StatisticsGroup(rawValue: request.query["group"] ?? "college") ?? .college)
        }
        // The same figures as a console page: the console draws it from the route above.
        context.consolePage(PlacementRate.page)
        context.adminCommand(AdminCommandSpec(words: ["stats", "placement"], usage: "[--cohort YEAR] [--group none|college|major]",
                                              summary: "去向落实率 per college or major (2024 definition)", changesState: false,
                                              valueOptions: ["cohort", "group"]) { request in
            guard let statistics = request.statistics else { throw PluginError.conflict("statistics unavailable") }
            let report = try PlacementRate.report(statistics, cohort: request.options["cohort"].flatMap(Int.init),
                                                  group: StatisticsGroup(rawValue: request.options["group"] ?? "college") ?? .college)
            let rows = report.rows.map { r in
                [r.name, "\(r.graduates)", "\(r.approved.employed)", "\(r.approved.entrepreneurs)", "\(r.approved.freelancers)",
                 "\(r.approved.furtherStudy)", String(format: "%.2f%%", r.rate * 100),
                 "\(r.registered.landed)", String(format: "%.2f%%", r.registered.rate * 100)]
            }
            return AdminReply(result: try JSONValue(encoding: report),
                              columns: ["单位", "毕业生", "单位就业", "自主创业", "自由职业", "升学", "去向落实率", "已登记(含待审核)", "登记落实率"], rows: rows)
        })
    }

    /// 就业数据核查 (`jiuyectl audit employment`): proof, employers, contacts and dates a
    /// reviewer should look at twice. The limit and the per-cohort signing windows are set under
    /// `kinds.employment-info.audit` in `plugins.yaml`.
    static let audit = RecordAudit(name: "employment", label: LocalizedText("就业数据核查", en: "employment data audit"), rules: [
        .sharedFile(field: "proofFile"),
        .consistentName(key: "employerCreditCode", name: "employerName"),
        .sharedContact(fields: ["contactPhone", "contactEmail"], distinctBy: "employerCreditCode"),
        .dateNotAfterSubmission(field: "signedDate"),
        .dateWindow(field: "signedDate"),
        .changedAfterApproval(fields: ["destination"]),
    ])

    /// What a submission needs for each destination (DOMAIN.md §2; 教学厅函〔2021〕19号).
    static let rules: [SubmissionRule] = [
        SubmissionRule(when: "destination", in: ["10", "11", "12", "27"],
                       require: ["employerName", "employerCreditCode", "employerNature", "industry", "employerRegionCode", "jobCategory"]),
        SubmissionRule(when: "destination", in: ["46", "50", "51"], require: ["employerName", "employerRegionCode"]),
        SubmissionRule(when: "destination", in: ["80"], require: ["studySchool", "studyMajor"]),
        SubmissionRule(when: "destination", in: ["85"], require: ["abroadCountry", "abroadSchoolZh"]),
        // 其他录用形式就业 needs an employer's certificate; 自由职业 the student's signed statement.
        SubmissionRule(when: "destination", in: ["12", "76"], materials: 1),
    ]
}
