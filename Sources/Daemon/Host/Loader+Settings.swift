import PluginAPI
import Yams

/// Phase 1 of loading: the daemon's own settings and the code tables, each section strict and
/// over its defaults, so that one bad section hides no other.
extension Loader {
    /// The top-level keys of `plugins.yaml`.
    static let sections = ["institution", "server", "admin", "storage", "auth", "wechat", "notifications", "materials", "imports", "codeTables", "plugins"]

    mutating func readSettings(_ rootMap: Node.Mapping) -> DaemonSettings {
        let root = ConfigPath()
        for pair in rootMap where !Self.sections.contains(pair.key.string ?? "") {
            let name = pair.key.string ?? ""
            errors.append(doc.error("unknown key \"\(name)\" (known keys: \(Self.sections.joined(separator: ", ")))", at: pair.key, path: root.appending(name)))
        }
        var settings = DaemonSettings()
        decode("institution", into: \.institution, of: &settings, from: rootMap)
        decode("server", into: \.server, of: &settings, from: rootMap)
        decode("admin", into: \.admin, of: &settings, from: rootMap)
        decode("auth", into: \.auth, of: &settings, from: rootMap)
        decode("wechat", into: \.wechat, of: &settings, from: rootMap)
        decode("notifications", into: \.notifications, of: &settings, from: rootMap)
        decode("materials", into: \.materials, of: &settings, from: rootMap)
        decode("imports", into: \.imports, of: &settings, from: rootMap)
        decode("storage", into: \.storage, of: &settings, from: rootMap)
        return settings
    }

    /// Decodes one section over the default already in `settings`; on error the default stays.
    private mutating func decode<T: Codable & Sendable>(_ section: String, into key: WritableKeyPath<DaemonSettings, T>,
                                                        of settings: inout DaemonSettings, from rootMap: Node.Mapping) {
        do {
            settings[keyPath: key] = try doc.decodeWithDefaults(T.self, defaults: settings[keyPath: key], from: rootMap[section],
                                                                path: ConfigPath().appending(section))
        } catch { record(error) }
    }

    /// The built-in code tables with the file's `codeTables:` merged in: new tables, new labels, new codes.
    mutating func readCodeTables(_ rootMap: Node.Mapping) -> [String: CodeTable] {
        var codeTables = CodeTable.builtin
        do {
            let extra = try doc.decodeWithDefaults([String: CodeTableSettings].self, defaults: [:], from: rootMap["codeTables"],
                                                   path: ConfigPath().appending("codeTables"))
            for (id, t) in extra.sorted(by: { $0.key < $1.key }) {
                var table = codeTables[id] ?? CodeTable(id: id, label: LocalizedText(t.label ?? id), entries: [])
                if let l = t.label { table.label = LocalizedText(l, en: table.label.en) }
                for e in t.entries where !table.contains(e.code) { table.entries.append(CodeEntry(e.code, e.name, parent: e.parent)) }
                codeTables[id] = table
            }
        } catch { record(error) }
        return codeTables
    }

    /// The settings' checks beyond types, each at the key it is about.
    mutating func checkSettings(_ settings: DaemonSettings) {
        for (path, message) in settings.problems() {
            errors.append(doc.error(message, at: ConfigDocument.find(path.parts.map(\.text), in: doc.root), path: path))
        }
    }
}
