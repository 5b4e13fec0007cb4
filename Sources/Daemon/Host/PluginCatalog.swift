import PluginAPI

/// The plugin types this binary can run, by id. `plugins.yaml` switches them on.
public struct PluginCatalog: Sendable {
    /// The types, by id.
    public let types: [PluginID: any Plugin.Type]

    /// - Parameter types: the plugin types; a duplicate id is a programming error.
    public init(_ types: [any Plugin.Type]) {
        var byID: [PluginID: any Plugin.Type] = [:]
        for t in types {
            precondition(byID[t.id] == nil, "two plugin types share the id \(t.id)")
            precondition(PluginID.isValid(t.id.rawValue), "malformed plugin id \(t.id)")
            byID[t.id] = t
        }
        self.types = byID
    }

    /// A catalog with these types added (test kits add their own plugins to the built-in ones).
    public func adding(_ more: [any Plugin.Type]) -> PluginCatalog {
        PluginCatalog(Array(types.values) + more)
    }

    /// The ids, sorted.
    public var ids: [PluginID] { types.keys.sorted() }
}
