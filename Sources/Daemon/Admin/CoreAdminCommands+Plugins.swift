import AdminProtocol
import PluginAPI

/// The `plugin` verbs: the running set, and re-reading `plugins.yaml`.
extension CoreAdminCommands {
    /// `plugin list`.
    static func pluginList(host: PluginHost) -> AdminCommandSpec {
        AdminCommandSpec(words: ["plugin", "list"], summary: "the enabled plugins in start order", changesState: false) { _ in
            let set = host.current
            let rows = set.plugins.map { p in
                [p.id.rawValue, p.version.description, p.label.zh, p.dependencies.map(\.rawValue).joined(separator: ","),
                 p.kinds.map(\.id).joined(separator: ","), "\(p.routes.count)"]
            }
            return AdminReply(result: set.describe, columns: ["ID", "VERSION", "NAME", "DEPENDS", "KINDS", "ROUTES"], rows: rows)
        }
    }

    /// `plugin reload`: all or nothing.
    static func pluginReload(host: PluginHost) -> AdminCommandSpec {
        AdminCommandSpec(words: ["plugin", "reload"], summary: "re-read plugins.yaml; all or nothing: on error the old set keeps serving",
                         changesState: true) { _ in
            do {
                let reloaded = try await host.reload()
                let set = reloaded.set
                let changes = reloaded.recordChanges
                return AdminReply(result: ["plugins": .array(set.pluginIDs.map { .string($0.rawValue) }),
                                           "recordChanges": .array(changes.map(JSONValue.string))],
                                  message: (["reloaded \(set.source): \(set.pluginIDs.map(\.rawValue).joined(separator: ", "))"] + changes)
                                      .joined(separator: "\n"))
            } catch {
                throw AdminFailure(code: .failed, message: "reload refused, the old plugin set keeps serving:\n\(error)")
            }
        }
    }
}
