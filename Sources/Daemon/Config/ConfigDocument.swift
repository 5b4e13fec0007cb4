import Foundation
import Yams

/// A parsed `plugins.yaml`: the node tree with positions, and the helpers that decode parts of
/// it strictly with defaults laid underneath.
struct ConfigDocument {
    /// The file name used in messages.
    let file: String
    /// The root node (an empty mapping for an empty file).
    let root: Node

    /// Parses YAML text; syntax errors come back located.
    init(text: String, file: String) throws {
        self.file = file
        if let nul = Self.firstNUL(in: text) {
            throw ConfigErrors([ConfigError(file: file, line: nul.line, column: nul.column, path: "", message: "a NUL byte is not allowed in the file")])
        }
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping(.init([]))
        } catch let error as YamlError {
            throw ConfigErrors([Self.locate(error, file: file)])
        }
        guard case .mapping = root else {
            throw ConfigErrors([ConfigError(file: file, line: root.mark?.line, column: root.mark?.column, path: "",
                                            message: "expected a mapping at the top of the file, found \(root.kindName)")])
        }
    }

    /// Reads and parses a file.
    init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigErrors([ConfigError(file: path, line: nil, column: nil, path: "", message: "cannot read: \(error.localizedDescription)")])
        }
        if let bad = Self.firstInvalidUTF8(in: data) {
            throw ConfigErrors([ConfigError(file: path, line: bad.line, column: bad.column, path: "",
                                            message: "invalid UTF-8 (byte 0x\(String(bad.byte, radix: 16, uppercase: true))): save the file as UTF-8")])
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        try self.init(text: text, file: path)
    }

    /// The 1-based line and column (in characters) of the first byte that is not UTF-8, or nil.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, byte: UInt8)? {
        let bytes = [UInt8](data)
        var line = 1, column = 1, i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length = switch lead {
            case 0x00...0x7F: 1
            case 0xC2...0xDF: 2
            case 0xE0...0xEF: 3
            case 0xF0...0xF4: 4
            default: 0
            }
            guard length > 0, i + length <= bytes.count, bytes[i + 1 ..< i + length].allSatisfy({ $0 & 0xC0 == 0x80 }) else {
                return (line, column, lead)
            }
            // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
            if length > 2 {
                let second = bytes[i + 1]
                if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F) {
                    return (line, column, lead)
                }
            }
            if lead == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return nil
    }

    /// The 1-based line and column of the first NUL character, or nil.
    static func firstNUL(in text: String) -> (line: Int, column: Int)? {
        guard text.utf8.contains(0) else { return nil }
        var line = 1, column = 1
        for scalar in text.unicodeScalars {
            if scalar == "\0" { return (line, column) }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return nil
    }

    private static func locate(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, column: context.mark.column, path: "",
                               message: "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))")
        default:
            return ConfigError(file: file, line: nil, column: nil, path: "", message: "YAML: \(error)")
        }
    }

    /// A located error at `node`.
    func error(_ message: String, at node: Node?, path: ConfigPath) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, column: node?.mark?.column, path: path.description, message: message)
    }

    /// Decodes `T` from `node` with `T()`'s values underneath: keys the file leaves out keep their
    /// defaults, keys `T` does not know are errors.
    func decodeWithDefaults<T: Codable & Sendable>(_ type: T.Type, defaults: T, from node: Node?, path: ConfigPath) throws -> T {
        let base = try Self.node(encoding: defaults)
        let merged = node.map { Self.merge($0, over: base) } ?? base
        return try YAMLStrictDecoder(file: file).decode(T.self, from: merged, path: path)
    }

    /// The defaults as a node tree (without positions).
    static func node<T: Encodable>(encoding value: T) throws -> Node {
        try Yams.compose(yaml: try YAMLEncoder().encode(value)) ?? Node.mapping(.init([]))
    }

    /// Lays `user` over `base`: mappings merge key by key, anything else from `user` wins.
    /// The user's nodes keep their positions, so errors point into the file.
    static func merge(_ user: Node, over base: Node) -> Node {
        guard case .mapping(let u) = user, case .mapping(let b) = base else {
            return user.isNull && base.mapping != nil ? base : user
        }
        var pairs: [(Node, Node)] = []
        for pair in b {
            let name = pair.key.string ?? ""
            if let userPair = u.first(where: { $0.key.string == name }) {
                pairs.append((userPair.key, merge(userPair.value, over: pair.value)))
            } else {
                pairs.append((pair.key, pair.value))
            }
        }
        for pair in u where !b.contains(where: { $0.key.string == pair.key.string }) {
            pairs.append((pair.key, pair.value))
        }
        return .mapping(Node.Mapping(pairs, u.tag, u.style, u.mark))
    }

    /// The node at `keys` under `node`, following mapping keys and list indices.
    static func find(_ keys: [String], in node: Node) -> Node? {
        var current = node
        for k in keys {
            if case .mapping(let m) = current, let next = m[k] {
                current = next
            } else if case .sequence(let s) = current, let i = Int(k), i >= 0, i < s.count {
                current = s[i]
            } else {
                return nil
            }
        }
        return current
    }

    /// The key node of `key` in a mapping node (for errors about the key itself).
    static func keyNode(_ key: String, in node: Node) -> Node? {
        guard case .mapping(let m) = node else { return nil }
        return m.first { $0.key.string == key }?.key
    }
}
