import PluginAPI

/// Builds the OpenAPI 3 document from the core routes and what the plugins registered.
enum OpenAPIDocument {
    static func build(_ set: PluginSet, version: String) -> JSONValue {
        var paths = JSONObject()
        let errorResponse: JSONValue = ["description": "错误", "content": ["application/json": ["schema": .object(["$ref": "#/components/schemas/Error"])]]]

        func operation(summary: String, tag: String, roles: Set<Role>, input: JSONSchema?, output: JSONSchema,
                       parameters: [String], operationID: String) -> JSONValue {
            var op: JSONObject = ["summary": .string(summary), "tags": [.string(tag)], "operationId": .string(operationID)]
            if !parameters.isEmpty {
                op["parameters"] = .array(parameters.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]] })
            }
            if let input {
                op["requestBody"] = ["required": true, "content": ["application/json": ["schema": input.json]]]
            }
            var responses: JSONObject = ["200": ["description": "成功", "content": ["application/json": ["schema": output.json]]]]
            responses["400"] = errorResponse
            if !roles.isEmpty {
                op["security"] = [["bearer": []]]
                op["x-roles"] = .array(roles.sorted().map { .string($0.rawValue) })
                responses["401"] = errorResponse
                responses["403"] = errorResponse
                responses["404"] = errorResponse
            }
            if input != nil { responses["413"] = errorResponse }
            // Every other refusal (409 conflicts, 405, 408, 429 …) has the same error body.
            responses["204"] = ["description": "成功，无内容"]
            responses["default"] = errorResponse
            op["responses"] = .object(responses)
            return .object(op)
        }

        paths["/api/v1/health"] = ["get": operation(summary: "健康检查", tag: "core", roles: [], input: nil,
                                                     output: .object([("status", .text), ("version", .text), ("plugins", .integer)], required: ["status"]),
                                                     parameters: [], operationID: "health")]
        paths["/api/v1/plugins"] = ["get": operation(summary: "已启用的插件、记录类型、字段与审核流程", tag: "core", roles: [], input: nil,
                                                      output: .object([("institution", .object([("name", .text), ("code", .text)])),
                                                                       ("plugins", .array(.object([("id", .text), ("version", .text)])))]),
                                                      parameters: [], operationID: "plugins")]
        paths["/api/v1/openapi.json"] = ["get": operation(summary: "本接口文档", tag: "core", roles: [], input: nil, output: .any,
                                                           parameters: [], operationID: "openapi")]

        // The core's own routes: accounts, the WeChat gateway, the scoped student directory.
        let session: JSONSchema = .object([("token", .text), ("expiresAt", .string(format: "date-time")), ("account", .reference("Account"))])
        let login: JSONSchema = .object([("username", .text), ("password", .text)], required: ["username", "password"])
        let openID: JSONSchema = .object([("openid", .text)], required: ["openid"])
        let staff: Set<Role> = Role.staff
        let everyone = Set(Role.allCases)
        let core: [(String, String, String, Set<Role>, JSONSchema?, JSONSchema, [String])] = [
            ("post", "/api/v1/auth/login", "登录（学生用学号，初始密码为身份证号后六位）", [], login, session, []),
            ("post", "/api/v1/auth/logout", "退出登录", everyone, nil, .any, []),
            ("get", "/api/v1/auth/me", "当前账号", everyone, nil, .reference("Account"), []),
            ("post", "/api/v1/auth/password", "修改密码", everyone,
             .object([("oldPassword", .text), ("newPassword", .text)], required: ["oldPassword", "newPassword"]), .any, []),
            ("post", "/api/v1/wechat/login", "微信登录（网关签名）", [], openID, session, []),
            ("post", "/api/v1/wechat/bind", "绑定微信（网关签名）", everyone, openID, .any, []),
            ("post", "/api/v1/wechat/unbind", "解除本人微信绑定", everyone, nil, .any, []),
            ("get", "/api/v1/students", "学生名单（按权限范围）", staff, nil,
             .object([("students", .array(.reference("Student"))), ("next", .nullable(.text))]), []),
            ("get", "/api/v1/students/{number}", "学生信息", staff.union([.student]), nil, .reference("Student"), ["number"]),
            ("post", "/api/v1/students/{number}/reset-password", "重置密码", staff, nil, .any, ["number"]),
            ("post", "/api/v1/students/{number}/unbind-wechat", "重置绑定微信", staff, nil, .any, ["number"]),
            ("post", "/api/v1/students/{number}/unlock", "解锁账号", staff, nil, .any, ["number"]),
            ("post", "/api/v1/students/import", "导入学籍数据（CSV 或 XLSX）", [.school], .string(format: "binary"), .any, []),
            ("get", "/api/v1/org", "院系、专业、班级", staff, nil, .any, []),
            ("post", "/api/v1/employers/register", "用人单位注册（待学校审核）", [],
             .object([("creditCode", .text), ("name", .text), ("contact", .text), ("mobile", .text), ("password", .text)],
                     required: ["creditCode", "name", "contact", "mobile", "password"]), .any, []),
            ("get", "/api/v1/employers/registrations", "用人单位注册申请（status=pending|approved|rejected）", [.school], nil,
             .object([("registrations", .array(.any))]), []),
            ("post", "/api/v1/employers/registrations/{code}/approve", "通过用人单位注册", [.school], .object([("reason", .text)]), .any, ["code"]),
            ("post", "/api/v1/employers/registrations/{code}/reject", "驳回用人单位注册（须填原因）", [.school],
             .object([("reason", .text)], required: ["reason"]), .any, ["code"]),
            ("get", "/api/v1/records/{kind}", "记录列表：按届别、院系、专业、班级、各级审核状态、索引字段筛选；size 为 20/50/100/200",
             everyone, nil, .object([("records", .array(.reference("Record"))), ("next", .nullable(.text))]), ["kind"]),
            ("post", "/api/v1/records/{kind}", "新建记录（用人单位须同时给出学生姓名；action 为随即执行的操作，如 invite）", everyone,
             .object([("student", .text), ("studentName", .text), ("values", .map(.any)), ("action", .text)], required: ["student"]), .reference("Record"), ["kind"]),
            ("post", "/api/v1/records/{kind}/search", "按学号或姓名批量查询（最多 2000 个，换行、制表符或逗号分隔）", staff,
             .object([("query", .text), ("fields", .array(.text))], required: ["query"]),
             .object([("records", .array(.reference("Record"))), ("unmatched", .array(.text))]), ["kind"]),
            ("get", "/api/v1/records/{kind}/{id}", "记录详情", everyone, nil, .reference("Record"), ["kind", "id"]),
            ("patch", "/api/v1/records/{kind}/{id}", "修改字段（审核状态只能通过审核改变）", everyone,
             .object([("values", .map(.any))], required: ["values"]), .reference("Record"), ["kind", "id"]),
            ("delete", "/api/v1/records/{kind}/{id}", "删除记录（仅限该类型允许的角色，如学生本人的简历）", everyone, nil, .any, ["kind", "id"]),
            ("post", "/api/v1/records/{kind}/{id}/submit", "提交或修改后重新提交（学生；解约申请也可由用人单位提交）", everyone, nil, .reference("Record"), ["kind", "id"]),
            ("post", "/api/v1/records/{kind}/{id}/review", "审核：通过、退回（需原因）或流程中的其他操作；可一键复制填报", everyone,
             .object([("action", .text), ("reason", .text), ("note", .text), ("copyFill", .boolean), ("values", .map(.any))], required: ["action"]),
             .reference("Record"), ["kind", "id"]),
            ("get", "/api/v1/records/{kind}/{id}/history", "审核记录", everyone, nil, .object([("history", .array(.any))]), ["kind", "id"]),
            ("post", "/api/v1/records/{kind}/batch", "批量操作：approve、modify、change-cohort、notify、reset-password、unbind-wechat、unlock，逐条返回结果", [.school],
             .object([("action", .string(values: ["approve", "modify", "change-cohort", "notify", "reset-password", "unbind-wechat", "unlock"])), ("ids", .array(.text)),
                      ("field", .text), ("value", .any), ("cohort", .integer), ("message", .text)], required: ["action", "ids"]),
             .object([("results", .array(.any)), ("succeeded", .integer), ("failed", .integer)]), ["kind"]),
        ]
        for (method, path, summary, roles, input, output, params) in core {
            var item = paths[path]?.objectValue ?? JSONObject()
            item[method] = operation(summary: summary, tag: "core", roles: roles, input: input, output: output, parameters: params,
                                     operationID: (method + path).replacingOccurrences(of: "/api/v1/", with: "-").replacingOccurrences(of: "/", with: "-")
                                        .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))
            paths[path] = .object(item)
        }

        for entry in set.routes.entries {
            let segments = entry.segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
            let path = "/api/v1/\(entry.plugin.rawValue)/" + segments.joined(separator: "/")
            let params = entry.segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
            let opID = ([entry.plugin.rawValue, entry.spec.method.rawValue.lowercased()] + entry.segments.map { $0.replacingOccurrences(of: ":", with: "by-") }).joined(separator: "-")
            var item = paths[path]?.objectValue ?? JSONObject()
            item[entry.spec.method.rawValue.lowercased()] = operation(
                summary: entry.spec.summary.zh, tag: entry.plugin.rawValue, roles: entry.spec.roles,
                input: entry.spec.input, output: entry.spec.output, parameters: params, operationID: opID)
            paths[path] = .object(item)
        }

        var schemas: JSONObject = [
            "Account": JSONSchema.object([("id", .text), ("displayName", .text), ("roles", .array(.text)),
                                          ("mustChangePassword", .boolean), ("wechatBound", .boolean)]).json,
            "Record": JSONSchema.object([("id", .text), ("student", .text), ("studentName", .text), ("college", .text), ("major", .text),
                                         ("class", .text), ("cohort", .integer), ("state", .text), ("stateLabel", .text), ("levels", .map(.any)),
                                         ("values", .map(.any)), ("filled", .map(.any)), ("updated", .string(format: "date-time"))]).json,
            "Student": JSONSchema.object([("number", .text), ("name", .text), ("gender", .text), ("college", .text), ("major", .text),
                                          ("class", .text), ("collegeId", .integer), ("majorId", .integer), ("classId", .integer),
                                          ("educationLevel", .text), ("cohort", .integer)]).json,
            // `field` is null when the error concerns no one field.
            "Error": ["type": "object", "required": ["error"], "properties": ["error": [
                "type": "object", "required": ["code", "message"],
                "properties": ["code": ["type": "string"], "message": ["type": "string"], "field": ["type": "string", "nullable": true]],
            ]]],
        ]
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
