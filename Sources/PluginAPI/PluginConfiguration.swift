/// What a plugin accepts under `plugins.<id>.config` in `plugins.yaml`.
///
/// `init()` gives the defaults. The host writes the defaults out, lays the institution's YAML
/// over them and decodes the result strictly: an unknown key is an error with its line and
/// column. So a plain `Codable` struct with default values is all a plugin writes.
public protocol PluginConfiguration: Codable, Sendable {
    /// The defaults.
    init()
    /// Checks that go beyond types (ranges, cross-field rules). Empty when valid.
    func validate() -> [ConfigProblem]
}

extension PluginConfiguration {
    /// No checks beyond types by default.
    public func validate() -> [ConfigProblem] { [] }
}

/// One problem in a plugin's configuration, at a key path relative to the plugin's `config`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// Keys from the plugin's `config` down, e.g. `["weights", "education"]`; indices as decimal text.
    public var path: [String]
    /// What is wrong, for the operator.
    public var message: String

    /// A problem at `path` (relative to the plugin's `config`).
    public init(path: [String], _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { (path.isEmpty ? "" : path.joined(separator: ".") + ": ") + message }
}

/// The configuration of a plugin that takes none: any key under its `config` is an error.
public struct EmptyConfiguration: PluginConfiguration, Equatable {
    /// The only value.
    public init() {}

    private struct NoKeys: CodingKey {
        var stringValue: String { "" }
        var intValue: Int? { nil }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    /// Asks for a mapping that admits no key, so a strict decoder reports any key as unknown.
    public init(from decoder: Decoder) throws {
        _ = try decoder.container(keyedBy: NoKeys.self)
    }

    public func encode(to encoder: Encoder) throws {
        _ = encoder.container(keyedBy: NoKeys.self)
    }
}
