import PluginAPI
import Yams

/// The YAML overrides of a plugin's kinds (`plugins.<id>.kinds.<kind>`), applied at registration.
extension Loader {
    func applyOverrides(to plugin: LoadedPlugin, entry: Entry) throws -> LoadedPlugin {
        var kinds = plugin.kinds
        var problems: [ConfigError] = []
        let kindsNode = ConfigDocument.find(["kinds"], in: entry.node)
        for (name, settings) in entry.settings.kinds.sorted(by: { $0.key < $1.key }) {
            let path = entry.path.appending("kinds").appending(name)
            guard let i = kinds.firstIndex(where: { $0.id == name }) else {
                let known = kinds.map(\.id).joined(separator: ", ")
                problems.append(doc.error("plugin \"\(plugin.id)\" has no record kind \"\(name)\" (it has: \(known))",
                                          at: kindsNode.flatMap { ConfigDocument.keyNode(name, in: $0) }, path: path))
                continue
            }
            // Before the fields: a field's own correctableBy wins over the kind's.
            if let correctors = settings.correctableBy {
                if let problem = FieldSettings.correctorsProblem(correctors) {
                    problems.append(doc.error(problem, at: kindsNode.flatMap { ConfigDocument.find([name, "correctableBy"], in: $0) },
                                              path: path.appending("correctableBy")))
                }
                for j in kinds[i].fields.indices { kinds[i].fields[j].correctableBy = Set(correctors) }
            }
            for (j, f) in (settings.fields ?? []).enumerated() {
                if let problem = f.apply(to: &kinds[i].fields) {
                    problems.append(doc.error(problem, at: kindsNode.flatMap { ConfigDocument.find([name, "fields", "\(j)"], in: $0) },
                                              path: path.appending("fields").appending(index: j)))
                }
            }
            if let form = settings.studentForm { kinds[i].studentForm = form }
            if let audit = settings.audit {
                applyAuditSettings(audit, to: &kinds[i], node: kindsNode.flatMap { ConfigDocument.find([name, "audit"], in: $0) },
                                   path: path.appending("audit"), problems: &problems)
            }
            if let review = settings.review {
                override(&kinds[i], with: review, node: kindsNode.flatMap { ConfigDocument.find([name, "review"], in: $0) },
                         path: path.appending("review"), problems: &problems)
            }
            // After the stages: views name the levels the file configures, not the plugin's own.
            applyListSettings(settings.list, views: settings.views, to: &kinds[i], node: kindsNode.flatMap { ConfigDocument.find([name], in: $0) },
                              path: path, problems: &problems)
        }
        if !problems.isEmpty { throw ConfigErrors(problems) }
        return plugin.with(kinds: kinds)
    }

    /// `review:` replaces a reviewed kind's stages and, where given, its resubmission, submitters and reasons.
    private func override(_ kind: inout RecordKindSpec, with review: ReviewSettings, node reviewNode: Node?, path reviewPath: ConfigPath,
                          problems: inout [ConfigError]) {
        guard case .review(var pipeline) = kind.process else {
            problems.append(doc.error("kind \"\(kind.id)\" has no review stages to set", at: reviewNode, path: reviewPath))
            return
        }
        for (j, role) in review.stages.enumerated() where !role.isStaff {
            problems.append(doc.error("role \"\(role.rawValue)\" cannot review; use counselor, college or school",
                                      at: reviewNode.flatMap { ConfigDocument.find(["stages", "\(j)"], in: $0) },
                                      path: reviewPath.appending("stages").appending(index: j)))
        }
        pipeline.stages = review.stages.map(ReviewStage.init)
        if let r = review.resubmission { pipeline.resubmission = r }
        if let s = review.submitters { pipeline.submitters = Set(s) }
        if let reasons = review.rejectReasons { pipeline.rejectReasons = reasons }
        for p in pipeline.problems() where review.stages.allSatisfy(\.isStaff) {
            problems.append(doc.error(p, at: reviewNode.flatMap { ConfigDocument.find(["stages"], in: $0) }, path: reviewPath.appending("stages")))
        }
        kind.process = .review(pipeline)
    }
}

extension ReviewSettings {
    /// The reasons given, as code entries; nil when none are (the pipeline's own stay).
    var rejectReasons: [CodeEntry]? {
        guard let reasons, !reasons.isEmpty else { return nil }
        return reasons.map { CodeEntry($0.code, $0.name) }
    }
}
