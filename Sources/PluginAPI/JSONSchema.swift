/// The shape of a route's input or output, as a JSON Schema subset: enough for the OpenAPI
/// document and for clients to generate forms.
public indirect enum JSONSchema: Sendable, Hashable {
    /// A string, optionally with a format (`date`, `email`, …), allowed values and a pattern.
    case string(format: String? = nil, values: [String]? = nil, pattern: String? = nil)
    /// A whole number.
    case integer
    /// Any number.
    case number
    /// `true` or `false`.
    case boolean
    /// An array of one element shape.
    case array(JSONSchema)
    /// An object with named properties, some required.
    case object([(name: String, schema: JSONSchema)], required: [String] = [])
    /// An object with any string keys and values of one shape.
    case map(JSONSchema)
    /// A named schema in the document's `components.schemas`.
    case reference(String)
    /// Anything.
    case any
    /// A schema with a description attached.
    case described(JSONSchema, String)
    /// A value of the inner shape, or `null` (a list's `next` on its last page).
    case nullable(JSONSchema)

    /// A plain string.
    public static let text = JSONSchema.string()

    /// The schema as a JSON Schema document.
    public var json: JSONValue {
        switch self {
        case .string(let format, let values, let pattern):
            var o: JSONObject = ["type": "string"]
            if let format { o["format"] = .string(format) }
            if let values { o["enum"] = .array(values.map { .string($0) }) }
            if let pattern { o["pattern"] = .string(pattern) }
            return .object(o)
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .array(let item): return ["type": "array", "items": item.json]
        case .object(let properties, let required):
            var props = JSONObject()
            for p in properties { props[p.name] = p.schema.json }
            var o: JSONObject = ["type": "object", "properties": .object(props)]
            if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
            return .object(o)
        case .map(let value): return ["type": "object", "additionalProperties": value.json]
        case .reference(let name): return ["$ref": .string("#/components/schemas/\(name)")]
        case .any: return [:]
        case .described(let inner, let text):
            guard case .object(var o) = inner.json else { return inner.json }
            o["description"] = .string(text)
            return .object(o)
        case .nullable(let inner):
            guard case .object(var o) = inner.json else { return inner.json }
            o["nullable"] = true
            return .object(o)
        }
    }

    public static func == (a: JSONSchema, b: JSONSchema) -> Bool { a.json == b.json }
    public func hash(into h: inout Hasher) { h.combine(json) }
}

/// A type that can describe its JSON shape, so typed routes feed the OpenAPI document.
public protocol SchemaDescribing {
    /// The JSON shape of this type.
    static var schema: JSONSchema { get }
}

extension JSONValue: SchemaDescribing {
    /// Any JSON value.
    public static var schema: JSONSchema { .any }
}
