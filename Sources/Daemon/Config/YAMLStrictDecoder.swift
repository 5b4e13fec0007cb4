import Yams

/// Decodes `Decodable` values from a Yams `Node`, strictly: a key the type does not know is an
/// error, and every error carries the line and column of the node it is about.
struct YAMLStrictDecoder {
    let file: String

    /// Decodes `T` from `node`, found at `path` in the file.
    func decode<T: Decodable>(_ type: T.Type, from node: Node, path: ConfigPath) throws -> T {
        let decoder = NodeDecoder(node: node, path: path, file: file)
        return try decoder.decodeValue(T.self)
    }
}

extension Node {
    /// What a node is, for messages.
    var kindName: String {
        switch self {
        case .scalar(let s): isNull ? "nothing" : "\"\(s.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    var isNull: Bool {
        if case .scalar = self { return null != nil }
        return false
    }
}

private struct NodeDecoder: Decoder {
    let node: Node
    let path: ConfigPath
    let file: String
    var codingPath: [CodingKey] { path.parts.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func error(_ message: String, at node: Node? = nil, path: ConfigPath? = nil) -> ConfigError {
        let mark = (node ?? self.node).mark
        return ConfigError(file: file, line: mark?.line, column: mark?.column,
                           path: (path ?? self.path).description, message: message)
    }

    /// Runs `T.init(from:)` on this node, turning decoding errors into located config errors.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try T(from: self)
        } catch let e as ConfigError {
            throw e
        } catch let DecodingError.dataCorrupted(ctx) {
            throw error(ctx.debugDescription)
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw error(ctx.debugDescription)
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw error(ctx.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw error("missing key \"\(key.stringValue)\"")
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        // An empty value (`kinds:` with nothing after it) reads as an empty mapping.
        if node.isNull { return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, pairs: [])) }
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping, found \(node.kindName)")
        }
        var pairs: [(String, Node, Node)] = []
        var problems: [ConfigError] = []
        for pair in mapping {
            guard case .scalar(let keyScalar) = pair.key else {
                throw error("a key must be plain text", at: pair.key)
            }
            let name = keyScalar.string
            if Key(stringValue: name) == nil {
                let known = KnownKeys.names(of: Key.self)
                let hint = known.isEmpty ? "" : " (known keys: \(known.joined(separator: ", ")))"
                problems.append(error("unknown key \"\(name)\"\(hint)", at: pair.key, path: path.appending(name)))
            }
            pairs.append((name, pair.key, pair.value))
        }
        if let first = problems.first {
            throw problems.count == 1 ? first : ConfigErrors(problems) as Error
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, pairs: pairs))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        if node.isNull { return UnkeyedContainer(decoder: self, nodes: []) }
        guard case .sequence(let seq) = node else {
            throw error("expected a list, found \(node.kindName)")
        }
        return UnkeyedContainer(decoder: self, nodes: Array(seq))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleContainer(decoder: self) }

    func child(_ node: Node, _ path: ConfigPath) -> NodeDecoder { NodeDecoder(node: node, path: path, file: file) }

    func scalar<T>(_ what: String, _ construct: (Node.Scalar) -> T?) throws -> T {
        guard case .scalar(let s) = node, !node.isNull, let value = construct(s) else {
            throw error("expected \(what), found \(node.kindName)")
        }
        return value
    }
}

/// The key names a `CodingKey` type accepts, when it can list them.
enum KnownKeys {
    static func names<K: CodingKey>(of type: K.Type) -> [String] {
        (type as? any CaseIterable.Type).map { t in
            (t.allCases as any Collection).compactMap { ($0 as? CodingKey)?.stringValue }
        } ?? []
    }
}

private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ part: ConfigPath.Part) {
        switch part {
        case .key(let k): stringValue = k; intValue = nil
        case .index(let i): stringValue = "\(i)"; intValue = i
        }
    }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.intValue = intValue
        stringValue = "\(intValue)"
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let pairs: [(name: String, key: Node, value: Node)]
    var codingPath: [CodingKey] { decoder.codingPath }
    var allKeys: [Key] { pairs.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { pairs.contains { $0.name == key.stringValue } }

    private func child(_ key: Key) throws -> NodeDecoder {
        guard let pair = pairs.first(where: { $0.name == key.stringValue }) else {
            throw decoder.error("missing key \"\(key.stringValue)\"")
        }
        return decoder.child(pair.value, decoder.path.appending(key.stringValue))
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).node.isNull }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(T.self) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        let c = try child(key)
        return c.node.isNull ? nil : try c.decodeValue(T.self)
    }
    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        try child(key).container(keyedBy: N.self)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> Decoder { try child(key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let nodes: [Node]
    var currentIndex = 0
    var codingPath: [CodingKey] { decoder.codingPath }
    var count: Int? { nodes.count }
    var isAtEnd: Bool { currentIndex >= nodes.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.error("the list is too short") }
        defer { currentIndex += 1 }
        return decoder.child(nodes[currentIndex], decoder.path.appending(index: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, nodes[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }
    mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
        try next().container(keyedBy: N.self)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.scalar("true or false", Bool.construct) }
    func decode(_ type: String.Type) throws -> String {
        try decoder.scalar("text") { $0.string }
    }
    func decode(_ type: Double.Type) throws -> Double { try decoder.scalar("a number", Double.construct) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.scalar("a whole number", Int.construct) }
    func decode(_ type: Int8.Type) throws -> Int8 { try narrow(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try narrow(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try narrow(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try narrow(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try narrow(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try narrow(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }

    private func narrow<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let wide = try decode(Int.self)
        guard let v = T(exactly: wide) else {
            throw decoder.error("\(wide) is out of range (\(T.min)…\(T.max))")
        }
        return v
    }
}
