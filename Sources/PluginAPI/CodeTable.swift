/// One code of a code table.
public struct CodeEntry: Sendable, Hashable, Codable {
    /// The code as stored and exported, e.g. `31`.
    public var code: String
    /// The name users read, e.g. 本科生毕业.
    public var name: String
    /// The enclosing code for hierarchical tables (毕业去向 `502` under `50`).
    public var parent: String?

    /// A code, its name and, in hierarchical tables, its parent code.
    public init(_ code: String, _ name: String, parent: String? = nil) {
        self.code = code
        self.name = name
        self.parent = parent
    }
}

/// A table of codes, national (GB) or the institution's own.
public struct CodeTable: Sendable, Hashable {
    /// The table's id, used by ``FieldType/code(table:)``, e.g. `gender`.
    public var id: String
    /// The table's name, e.g. 性别.
    public var label: LocalizedText
    /// Where the codes come from, e.g. `GB/T 2261`.
    public var source: String?
    /// The codes in display order.
    public var entries: [CodeEntry]

    /// A table with its id, label, source standard and codes.
    public init(id: String, label: LocalizedText, source: String? = nil, entries: [CodeEntry]) {
        self.id = id
        self.label = label
        self.source = source
        self.entries = entries
    }

    /// The entry for `code`, or nil.
    public func entry(_ code: String) -> CodeEntry? { entries.first { $0.code == code } }

    /// Whether `code` is in the table.
    public func contains(_ code: String) -> Bool { entry(code) != nil }

    /// The codes under `parent` (direct children).
    public func children(of parent: String) -> [CodeEntry] { entries.filter { $0.parent == parent } }

    /// Each code's name, for writing labels beside codes (the first entry wins for a repeated code).
    public var names: [String: String] {
        Dictionary(entries.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// A description for listings.
    public var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "label": .string(label.zh), "labelEn": .string(label.en)]
        if let source { o["source"] = .string(source) }
        o["entries"] = .array(entries.map { e in
            var m: JSONObject = ["code": .string(e.code), "name": .string(e.name)]
            if let p = e.parent { m["parent"] = .string(p) }
            return .object(m)
        })
        return .object(o)
    }
}
