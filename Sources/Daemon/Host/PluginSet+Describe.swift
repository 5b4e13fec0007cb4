import PluginAPI

extension PluginSet {
    /// What `/api/v1/plugins` and `jiuyectl plugin list --json` show: each plugin with its
    /// version, dependencies, kinds (fields, states and transitions), routes, verbs and events.
    public var describe: JSONValue {
        .array(plugins.map { p in
            [
                "id": .string(p.id.rawValue),
                "label": .string(p.label.zh),
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

    static func describe(_ kind: RecordKindSpec) -> JSONValue {
        var o: JSONObject = [
            "id": .string(kind.id),
            "label": .string(kind.label.zh),
            "cardinality": .string(kind.cardinality.rawValue),
            "party": kind.party.map { ["role": .string($0.role.rawValue), "field": .string($0.field)] } ?? .null,
            "creators": .array(kind.creators.sorted().map { .string($0.rawValue) }),
            "fields": .array(kind.fields.map(\.json)),
        ]
        switch kind.process {
        case .none:
            o["process"] = "none"
        case .review(let pipeline):
            o["process"] = "review"
            o["stages"] = .array(pipeline.stages.map { .string($0.role.rawValue) })
            o["resubmission"] = .string(pipeline.resubmission.rawValue)
        case .workflow:
            o["process"] = "workflow"
        }
        if let workflow = kind.process.workflow { o["workflow"] = workflow.json }
        return .object(o)
    }
}
