import PluginAPI

/// Builds the OpenAPI 3 document from the route declarations: the core's (`CoreRoutes.all`) and
/// the plugins' (the plugin set's route table), so it documents exactly what the router serves.
enum OpenAPIDocument {
    static func build(_ set: PluginSet, version: String) -> JSONValue {
        var paths = JSONObject()
        let errorResponse: JSONValue = ["description": "错误", "content": ["application/json": ["schema": .object(["$ref": "#/components/schemas/Error"])]]]

        func add<Handler>(_ route: APIRoute<Handler>, at place: Placement) {
            var item = paths[place.path]?.objectValue ?? JSONObject()
            item[route.method.rawValue.lowercased()] = operation(route, at: place, error: errorResponse)
            paths[place.path] = .object(item)
        }
        for route in CoreRoutes.all { add(route, at: Placement(core: route)) }
        for entry in set.routes.entries { add(entry.spec, at: Placement(plugin: entry)) }

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
            "Error": errorSchema,
        ]
        for (name, schema) in coreSchemas { schemas[name] = schema }
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
