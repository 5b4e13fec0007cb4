import PluginAPI
import Yams

/// The record kinds of a plugin written in YAML (`plugins.<id>.declare.kinds`), read at registration.
extension Loader {
    func declaredKinds(_ declared: DeclaredPluginSettings, entry: Entry, codeTables: [String: CodeTable]) throws -> [RecordKindSpec] {
        var problems: [ConfigError] = []
        let kinds = declared.kinds.sorted(by: { $0.key < $1.key }).map { name, k in
            declaredKind(name, k, entry: entry, problems: &problems)
        }
        if !problems.isEmpty { throw ConfigErrors(problems) }
        return kinds
    }

    private func declaredKind(_ name: String, _ k: DeclaredKindSettings, entry: Entry, problems: inout [ConfigError]) -> RecordKindSpec {
        let base = entry.path.appending("declare").appending("kinds").appending(name)
        let kindsNode = ConfigDocument.find(["declare", "kinds"], in: entry.node)
        func at(_ parts: String...) -> Node? { kindsNode.flatMap { ConfigDocument.find([name] + parts, in: $0) } }
        var fields: [FieldSpec] = []
        for (j, f) in k.fields.enumerated() {
            if fields.contains(where: { $0.key == f.key }) {
                problems.append(doc.error("field \"\(f.key)\" is declared twice", at: at("fields", "\(j)"), path: base.appending("fields").appending(index: j)))
            } else if let problem = f.apply(to: &fields) {
                problems.append(doc.error(problem, at: at("fields", "\(j)"), path: base.appending("fields").appending(index: j)))
            }
        }
        var process = RecordProcess.none
        if let r = k.review {
            var pipeline = ReviewPipeline(stages: r.stages.map(ReviewStage.init), resubmission: r.resubmission ?? .firstStage,
                                          submitters: r.submitters.map(Set.init) ?? [.student])
            if let reasons = r.rejectReasons { pipeline.rejectReasons = reasons }
            for p in pipeline.problems() {
                problems.append(doc.error(p, at: at("review"), path: base.appending("review")))
            }
            process = .review(pipeline)
        }
        let cardinality = RecordKindSpec.Cardinality(rawValue: k.cardinality ?? "one-per-student")
        if cardinality == nil {
            problems.append(doc.error("cardinality is one-per-student or many", at: at("cardinality"), path: base.appending("cardinality")))
        }
        var kind = RecordKindSpec(id: name, label: LocalizedText(k.label), fields: fields, process: process, cardinality: cardinality ?? .onePerStudent,
                                  studentForm: k.studentForm ?? .direct)
        applyListSettings(k.list, views: k.views, to: &kind, node: kindsNode.flatMap { ConfigDocument.find([name], in: $0) }, path: base, problems: &problems)
        return kind
    }
}
