import PluginAPI

/// Builds the OpenAPI 3 document from the core routes and what the plugins registered.
enum OpenAPIDocument {
    static func build(_ set: PluginSet, version: String) -> JSONValue {
        var paths = JSONObject()
        let errorResponse: JSONValue = ["description": "错误", "content": ["application/json": ["schema": .object(["$ref": "#/components/schemas/Error"])]]]

        func operation(_ op: CoreOperation) -> JSONValue { Self.operation(op, error: errorResponse) }
        for op in CoreOperation.all {
            var item = paths[op.path]?.objectValue ?? JSONObject()
            item[op.method] = operation(op)
            paths[op.path] = .object(item)
        }

        for entry in set.routes.entries {
            let segments = entry.segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
            let path = "/api/v1/\(entry.plugin.rawValue)/" + segments.joined(separator: "/")
            let params = entry.segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
            let opID = ([entry.plugin.rawValue, entry.spec.method.rawValue.lowercased()] + entry.segments.map { $0.replacingOccurrences(of: ":", with: "by-") }).joined(separator: "-")
            var item = paths[path]?.objectValue ?? JSONObject()
            let method = entry.spec.method.rawValue.lowercased()
            item[method] = operation(CoreOperation(method, path, entry.spec.summary.zh, roles: entry.spec.roles, input: entry.spec.input,
                                                   output: entry.spec.output, parameters: params, tag: entry.plugin.rawValue, operationID: opID))
            paths[path] = .object(item)
        }

        var schemas: JSONObject = [
            "Account": JSONSchema.object([("id", .text), ("displayName", .text), ("roles", .array(.text)),
                                          ("mustChangePassword", .boolean), ("wechatBound", .boolean)]).json,
            "Record": JSONSchema.object([("id", .text), ("student", .text), ("studentName", .text), ("college", .text), ("major", .text),
                                         ("class", .text), ("cohort", .integer), ("state", .text), ("stateLabel", .text), ("levels", .map(.any)),
                                         ("values", .map(.any)), ("filled", .map(.any)), ("updated", .string(format: "date-time")),
                                         // The latest rejection, null before any; `labels` with ?labels=1.
                                         ("rejection", .nullable(.object([("action", .text), ("state", .text), ("level", .text), ("levelLabel", .text), ("reason", .text),
                                                                          ("reasonLabel", .text), ("note", .text), ("by", .text), ("time", .text)]))),
                                         ("labels", .map(.text)),
                                         // GET one: what this caller may do with the record now.
                                         ("actions", .array(.object([("action", .text), ("label", .text), ("labelEn", .text), ("requiresReason", .boolean),
                                                                     ("to", .text), ("toLabel", .text)]))),
                                         ("editable", .array(.text))]).json,
            "Student": JSONSchema.object([("number", .text), ("name", .text), ("gender", .text), ("college", .text), ("major", .text),
                                          ("class", .text), ("collegeId", .integer), ("majorId", .integer), ("classId", .integer),
                                          ("educationLevel", .text), ("cohort", .integer)]).json,
            // `field` is null when the error concerns no one field.
            "Error": ["type": "object", "required": ["error"], "properties": ["error": [
                "type": "object", "required": ["code", "message"],
                "properties": ["code": ["type": "string"], "message": ["type": "string"], "field": ["type": "string", "nullable": true]],
            ]]],
        ]
        for (name, schema) in CoreOperation.schemas { schemas[name] = schema }
        for p in set.plugins {
            for kind in p.kinds { schemas["\(kind.id).values"] = kind.valuesSchema.json }
        }

        return [
            "openapi": "3.0.3",
            "info": ["title": "jiuye 就业 API", "version": .string(version), "description": "高校毕业生就业管理：生源、就业、三方协议、解约、简历"],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas), "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
    }
}
