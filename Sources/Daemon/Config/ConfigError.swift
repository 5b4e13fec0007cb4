/// One configuration error, with the place it is about: `plugins.yaml:14:9: plugins.x.y: reason`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given on the command line.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The key path, e.g. `plugins.source-info.kinds.source-info.review.stages[1]`.
    public var path: String
    /// What is wrong.
    public var message: String

    public init(file: String, line: Int?, column: Int?, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return path.isEmpty ? "\(place): \(message)" : "\(place): \(path): \(message)"
    }
}

/// Every error found in a configuration: the checks go on past the first so an operator
/// fixes them in one round.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The errors in file order where known.
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors.sorted { ($0.line ?? .max, $0.column ?? .max) < ($1.line ?? .max, $1.column ?? .max) }
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A key path being built while walking the YAML: `a.b[2].c`.
struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    var parts: [Part] = []
    enum Part: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    func appending(_ key: String) -> ConfigPath { ConfigPath(parts: parts + [.key(key)]) }
    func appending(index: Int) -> ConfigPath { ConfigPath(parts: parts + [.index(index)]) }

    var description: String {
        var out = ""
        for p in parts {
            switch p {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}
