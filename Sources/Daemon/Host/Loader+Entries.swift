import PluginAPI
import Yams

/// Phase 2 of loading: the configured plugins resolved to their types, each entry decoded
/// strictly (`config` apart, which the plugin's own type decodes at registration).
extension Loader {
    /// What the `plugins:` section holds.
    struct Entries {
        /// The enabled plugins whose entry reads, in file order.
        var entries: [Entry] = []
        /// The plugins turned off with `enabled: false`.
        var disabled = Set<PluginID>()
        /// Plugins whose entry could not be read: enabled as far as dependency checks go.
        var unreadable = Set<PluginID>()
    }

    /// The entries, or nil when the section is missing or not a mapping (nothing after can be checked).
    mutating func readEntries(_ rootMap: Node.Mapping) -> Entries? {
        let pluginsPath = ConfigPath().appending("plugins")
        if let problem = Self.missingPlugins(rootMap) {
            let key = ConfigDocument.keyNode("plugins", in: doc.root)
            errors.append(ConfigError(file: doc.file, line: key?.mark?.line ?? 1, column: key?.mark?.column ?? 1, path: "plugins", message: problem))
            return nil
        }
        var found = Entries()
        guard let pluginsNode = rootMap["plugins"], !pluginsNode.isNull else { return found }
        guard case .mapping(let pluginsMap) = pluginsNode else {
            errors.append(doc.error("expected a mapping of plugin ids, found \(pluginsNode.kindName)", at: pluginsNode, path: pluginsPath))
            return nil
        }
        for pair in pluginsMap {
            let name = pair.key.string ?? ""
            let path = pluginsPath.appending(name)
            guard let type = resolve(name, key: pair.key, value: pair.value, path: path) else { continue }
            // The host's keys only; `config` is the plugin's own.
            let entryPairs = pair.value.mapping.map { m in m.filter { $0.key.string != "config" }.map { ($0.key, $0.value) } } ?? []
            let hostNode: Node = pair.value.mapping.map { .mapping(Node.Mapping(entryPairs, $0.tag, $0.style, $0.mark)) } ?? pair.value
            do {
                let s = try doc.decodeWithDefaults(PluginEntrySettings.self, defaults: PluginEntrySettings(), from: hostNode, path: path)
                if s.enabled { found.entries.append(Entry(id: PluginID(name), keyNode: pair.key, path: path, settings: s, node: pair.value, type: type)) }
                else { found.disabled.insert(PluginID(name)) }
            } catch {
                found.unreadable.insert(PluginID(name))
                record(error)
            }
        }
        return found
    }

    /// The type behind a plugin id: a built-in one from the catalogue, or ``DeclaredPlugin`` for
    /// an entry with `declare:`; nil (with the error recorded) when the id cannot be a plugin.
    private mutating func resolve(_ name: String, key: Node, value: Node, path: ConfigPath) -> (any Plugin.Type)? {
        if Self.corePaths.contains(name) {
            errors.append(doc.error("\"\(name)\" is a core API path and cannot be a plugin id", at: key, path: path))
            return nil
        }
        let declares = value.mapping?["declare"] != nil
        guard let type = catalog.types[PluginID(name)] ?? (declares ? DeclaredPlugin.self : nil) else {
            let known = catalog.ids.map(\.rawValue).joined(separator: ", ")
            errors.append(doc.error("unknown plugin \"\(name)\" (this jiuyed has: \(known); a plugin written in YAML needs declare:)", at: key, path: path))
            return nil
        }
        if declares && catalog.types[PluginID(name)] != nil {
            errors.append(doc.error("\"\(name)\" is a built-in plugin: declare: is only for plugins written in YAML",
                                    at: ConfigDocument.keyNode("declare", in: value), path: path.appending("declare")))
            return nil
        }
        guard PluginID.isValid(name) else {
            errors.append(doc.error("a plugin id is lowercase words joined by hyphens", at: key, path: path))
            return nil
        }
        return type
    }
}
