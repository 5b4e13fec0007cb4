import PluginAPI

extension OpenAPIDocument {
    /// Where a route sits in the document: its full path, tag and operation id.
    struct Placement {
        /// `/api/v1/…` with `{name}` parameters.
        var path: String
        var tag: String
        var operationID: String

        /// A core route: tagged `core`, its operation id derived from the method and path unless it names one.
        init(core route: CoreRoute) {
            path = "/api/v1/" + Self.openAPIPath(route.segments)
            tag = "core"
            operationID = route.operationID ?? (route.method.rawValue.lowercased() + path).replacingOccurrences(of: "/api/v1/", with: "-")
                .replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
        }

        /// A plugin route: under the plugin's id, tagged with it.
        init(plugin entry: RouteTable.Entry) {
            path = "/api/v1/\(entry.plugin.rawValue)/" + Self.openAPIPath(entry.segments)
            tag = entry.plugin.rawValue
            operationID = entry.spec.operationID ?? ([entry.plugin.rawValue, entry.spec.method.rawValue.lowercased()]
                + entry.segments.map { $0.replacingOccurrences(of: ":", with: "by-") }).joined(separator: "-")
        }

        /// `records/:kind` as `records/{kind}`.
        static func openAPIPath(_ segments: [String]) -> String {
            segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }.joined(separator: "/")
        }
    }

    /// The operation object of `route`; `error` is the shared error response.
    static func operation<Handler>(_ route: APIRoute<Handler>, at place: Placement, error errorResponse: JSONValue) -> JSONValue {
        var object: JSONObject = ["summary": .string(route.summary.zh), "tags": [.string(place.tag)], "operationId": .string(place.operationID)]
        let path: [JSONValue] = route.parameters.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]] }
        let query: [JSONValue] = route.query.map { ["name": .string($0.name), "in": "query", "required": false, "schema": $0.schema.json] }
        if !(path + query).isEmpty { object["parameters"] = .array(path + query) }
        if let input = route.input {
            object["requestBody"] = ["required": true, "content": [route.inputType: ["schema": input.json]]]
        }
        var responses: JSONObject = [String(route.status): ["description": "成功", "content": [route.outputType: ["schema": route.output.json]]]]
        responses["400"] = errorResponse
        if !route.roles.isEmpty {
            object["security"] = [["bearer": []]]
            object["x-roles"] = .array(route.roles.sorted().map { .string($0.rawValue) })
            responses["401"] = errorResponse
            responses["403"] = errorResponse
            responses["404"] = errorResponse
        }
        if route.input != nil { responses["413"] = errorResponse }
        // Every other refusal (409 conflicts, 405, 408, 429 …) has the same error body.
        responses["204"] = ["description": "成功，无内容"]
        responses["default"] = errorResponse
        object["responses"] = .object(responses)
        return .object(object)
    }

    /// The error body every refusal has; `x-codes` lists the codes the core answers with, each
    /// with what it means (a plugin may add its own).
    static var errorSchema: JSONValue {
        var codes = JSONObject()
        for code in ErrorCode.allCases { codes[code.rawValue] = .string(code.summary) }
        // `field` is null when the error concerns no one field.
        return ["type": "object", "required": ["error"], "properties": ["error": [
            "type": "object", "required": ["code", "message"],
            "properties": ["code": ["type": "string", "x-codes": .object(codes)], "message": ["type": "string"],
                           "field": ["type": "string", "nullable": true]],
        ]]]
    }

    /// Shapes the core routes refer to by name.
    static let coreSchemas: JSONObject = [
        "CodeTable": JSONSchema.object([("id", .text), ("label", .text), ("source", .text),
                                        ("entries", .array(.object([("code", .text), ("name", .text), ("parent", .text)])))]).json,
        "Material": JSONSchema.object([("sha256", .text), ("type", .text), ("size", .integer), ("name", .text), ("uploadedBy", .text),
                                       ("uploaded", .number)]).json,
        "Job": JSONSchema.object([("id", .text), ("kind", .text), ("format", .text), ("state", .string(values: ["running", "done", "failed"])),
                                  ("done", .integer), ("total", .integer), ("rows", .integer), ("error", .nullable(.text))]).json,
    ]
}
