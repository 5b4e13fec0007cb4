import Foundation
import PluginAPI

/// The plugin routes of one plugin set, matched by method and path segments.
struct RouteTable: Sendable {
    struct Entry: Sendable {
        let plugin: PluginID
        let spec: RouteSpec
        let segments: [String]
    }

    enum Match {
        case found(Entry, parameters: [String: String])
        /// The path exists, under other methods.
        case methodNotAllowed([HTTPMethod])
        case notFound
    }

    private var byPlugin: [String: [Entry]] = [:]

    /// All entries, in declaration order per plugin.
    var entries: [Entry] { byPlugin.keys.sorted().flatMap { byPlugin[$0]! } }

    mutating func add(_ spec: RouteSpec, plugin: PluginID) {
        byPlugin[plugin.rawValue, default: []].append(Entry(plugin: plugin, spec: spec, segments: spec.segments))
    }

    /// Whether another route already answers the same method and path shape.
    func conflicts(_ spec: RouteSpec, plugin: PluginID) -> Bool {
        let shape = spec.segments.map { $0.hasPrefix(":") ? ":" : $0 }
        return (byPlugin[plugin.rawValue] ?? []).contains { e in
            e.spec.method == spec.method && e.segments.map { $0.hasPrefix(":") ? ":" : $0 } == shape
        }
    }

    /// Finds the route for `/api/v1/<plugin>/<rest…>`; `path` holds the segments after `/api/v1/`.
    func match(method: HTTPMethod, path: [Substring]) -> Match {
        guard let first = path.first, let candidates = byPlugin[String(first)] else { return .notFound }
        let rest = path.dropFirst()
        var otherMethods: [HTTPMethod] = []
        for entry in candidates where entry.segments.count == rest.count {
            var params: [String: String] = [:]
            var ok = true
            for (pattern, actual) in zip(entry.segments, rest) {
                if pattern.hasPrefix(":") {
                    params[String(pattern.dropFirst())] = String(actual).removingPercentEncodingSafe
                } else if pattern != actual {
                    ok = false
                    break
                }
            }
            guard ok else { continue }
            if entry.spec.method == method { return .found(entry, parameters: params) }
            otherMethods.append(entry.spec.method)
        }
        return otherMethods.isEmpty ? .notFound : .methodNotAllowed(otherMethods)
    }
}

extension String {
    /// Percent-decoded text, or the text itself when it is not valid percent-encoding.
    var removingPercentEncodingSafe: String { removingPercentEncoding ?? self }
}
