import PluginAPI

/// The links and buttons plugins add to their kinds' screens (``ConsoleLink``), as the console
/// schema carries them for a set of roles: only those the roles may see, with the route's full
/// path (`:id` left for the console to fill with the record's id).
extension ConsoleSchema {
    static func links(_ plugin: LoadedPlugin, kind: String, roles: Set<Role>) -> [JSONValue] {
        plugin.consoleLinks.filter { $0.kind == kind && !$0.roles.isDisjoint(with: roles) }.map { link in
            var o: JSONObject = [
                "id": .string(link.id), "label": .string(link.label.zh), "method": .string(link.method.rawValue),
                "path": .string("/api/v1/\(plugin.id.rawValue)/\(link.route)"), "placement": .string(link.placement.rawValue),
                "states": .array(link.states.map(JSONValue.string)),
                "conditions": .array(link.conditions.map { ["field": .string($0.field), "codes": .array($0.codes.map(JSONValue.string))] }),
            ]
            if case .post(let input) = link.target {
                switch input {
                case .none: o["input"] = "none"
                case .reason: o["input"] = "reason"
                case .file: o["input"] = "file"
                case .lines(let key, let label):
                    o["input"] = "lines"
                    o["key"] = .string(key)
                    o["inputLabel"] = .string(label.zh)
                }
            }
            return .object(o)
        }
    }
}

/// A plugin's ``ConsoleLink`` names something it did not declare: the plugin set does not load.
struct ConsoleLinkProblem: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
