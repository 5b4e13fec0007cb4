/// A plugin's identifier: lowercase words joined by hyphens, e.g. `source-info`.
/// It is the plugin's key in `plugins.yaml` and the first path segment of its routes.
public struct PluginID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier text.
    public let rawValue: String

    /// - Parameter rawValue: the identifier; see ``isValid(_:)``.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(value) }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (a: PluginID, b: PluginID) -> Bool { a.rawValue < b.rawValue }

    /// Whether `text` is a well-formed identifier: `[a-z][a-z0-9]*` words joined by single hyphens.
    public static func isValid(_ text: String) -> Bool {
        let words = text.split(separator: "-", omittingEmptySubsequences: false)
        return !text.isEmpty && text.count <= 64 && words.allSatisfy { word in
            guard let first = word.first, first.isASCII, first.isLowercase else { return false }
            return word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        }
    }
}

/// A semantic version, `major.minor.patch`.
public struct PluginVersion: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Incompatible changes.
    public var major: Int
    /// Compatible additions.
    public var minor: Int
    /// Fixes.
    public var patch: Int

    /// - Parameters: the three numbers.
    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `"1.2.3"`; missing parts are 0. A malformed literal is a programming error.
    public init(stringLiteral value: String) {
        let parts = value.split(separator: ".").map { Int($0) }
        precondition(parts.count <= 3 && parts.allSatisfy { $0 != nil }, "bad version \(value)")
        let n = parts.compactMap { $0 } + [0, 0, 0]
        self.init(n[0], n[1], n[2])
    }

    public init(from decoder: Decoder) throws {
        self.init(stringLiteral: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
    public static func < (a: PluginVersion, b: PluginVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}
