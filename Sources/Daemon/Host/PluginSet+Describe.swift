import PluginAPI

extension PluginSet {
    /// What `/api/v1/plugins` and `jiuyectl plugin list --json` show: each plugin with its
    /// version, dependencies, kinds (fields, states and transitions), routes, verbs and events.
    public var describe: JSONValue {
        .array(plugins.map { p in
            [
                "id": .string(p.id.rawValue),
                "label": .string(p.label.zh),
                "labelEn": .string(p.label.en),
                "version": .string(p.version.description),
                "dependencies": .array(p.dependencies.map { .string($0.rawValue) }),
                "kinds": .array(p.kinds.map(Self.describe)),
                "routes": .array(p.routes.map { r in
                    [
                        "method": .string(r.method.rawValue),
                        "path": .string("/api/v1/\(p.id.rawValue)/\(r.path)"),
                        "roles": .array(r.roles.sorted().map { .string($0.rawValue) }),
                        "summary": .string(r.summary.zh),
                    ]
                }),
                "adminCommands": .array(p.adminCommands.map { .string($0.words.joined(separator: " ")) }),
                "emits": .array(p.emittedEvents.map { .string($0.name) }),
                "listensTo": .array(p.hooks.map { .string($0.event) }),
            ]
        })
    }

    /// The statuses a review level shows (DOMAIN.md §1), as list filters take them.
    static let levelStatuses = [
        ("unsubmitted", "已保存未提交", "saved, not submitted"), ("pending", "未审核", "not reviewed"), ("approved", "通过", "approved"),
        ("rejected", "未通过待修改", "rejected, awaiting fix"), ("fixed", "未通过已修改", "rejected, fixed"),
    ]

    static func describe(_ kind: RecordKindSpec) -> JSONValue {
        var o: JSONObject = [
            "id": .string(kind.id),
            "label": .string(kind.label.zh),
            "labelEn": .string(kind.label.en),
            "studentForm": .string(kind.studentForm.rawValue),
            "cardinality": .string(kind.cardinality.rawValue),
            "party": kind.party.map { ["role": .string($0.role.rawValue), "field": .string($0.field)] } ?? .null,
            "creators": .array(kind.creators.sorted().map { .string($0.rawValue) }),
            "fields": .array(kind.fields.map(\.json)),
            "views": .array(kind.views.map { v in
                ["id": .string(v.id), "label": .string(v.label.zh), "labelEn": .string(v.label.en),
                 "filters": .object(JSONObject(v.filters.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))]
            }),
        ]
        switch kind.process {
        case .none:
            o["process"] = "none"
        case .review(let pipeline):
            o["process"] = "review"
            o["stages"] = .array(pipeline.stages.map { .string($0.role.rawValue) })
            o["resubmission"] = .string(pipeline.resubmission.rawValue)
            // What a screen shows for the levels: 辅导员/学院/学校, not role ids.
            o["stageLabels"] = .array(pipeline.stages.map { ["role": .string($0.role.rawValue), "label": .string($0.role.label.zh),
                                                              "labelEn": .string($0.role.label.en)] })
            o["rejectReasons"] = .array(pipeline.rejectReasons.map { ["code": .string($0.code), "label": .string($0.name)] })
            o["levelStatuses"] = .array(Self.levelStatuses.map { ["status": .string($0.0), "label": .string($0.1), "labelEn": .string($0.2)] })
        case .workflow:
            o["process"] = "workflow"
        }
        if let workflow = kind.process.workflow { o["workflow"] = workflow.json }
        return .object(o)
    }
}
