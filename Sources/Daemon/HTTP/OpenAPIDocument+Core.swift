import PluginAPI

/// One operation of the OpenAPI document: a core route from the table below, or a plugin route.
struct CoreOperation {
    var method: String
    var path: String
    var summary: String
    var roles: Set<Role>
    var input: JSONSchema?
    /// The request body's media type: JSON, or raw bytes for uploads.
    var inputType = "application/json"
    var output: JSONSchema
    /// The success body's media type: JSON, or `*/*` for downloads (their type is the file's).
    var outputType = "application/json"
    /// The success status: 200, or 202 when the request is accepted for later (an export job, a registration).
    var status = "200"
    var parameters: [String]
    var query: [(name: String, schema: JSONSchema)] = []
    var tag = "core"
    var operationID: String

    init(_ method: String, _ path: String, _ summary: String, roles: Set<Role>, input: JSONSchema? = nil, inputType: String = "application/json",
         output: JSONSchema = .any, outputType: String = "application/json", status: String = "200", parameters: [String] = [],
         query: [(name: String, schema: JSONSchema)] = [], tag: String = "core", operationID: String? = nil) {
        (self.method, self.path, self.summary, self.roles, self.input, self.inputType) = (method, path, summary, roles, input, inputType)
        (self.output, self.outputType, self.status, self.parameters, self.query, self.tag) = (output, outputType, status, parameters, query, tag)
        self.operationID = operationID ?? (method + path).replacingOccurrences(of: "/api/v1/", with: "-").replacingOccurrences(of: "/", with: "-")
            .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
    }
}

extension OpenAPIDocument {
    /// The operation object of `op`; `error` is the shared error response.
    static func operation(_ op: CoreOperation, error errorResponse: JSONValue) -> JSONValue {
        var object: JSONObject = ["summary": .string(op.summary), "tags": [.string(op.tag)], "operationId": .string(op.operationID)]
        let path: [JSONValue] = op.parameters.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]] }
        let query: [JSONValue] = op.query.map { ["name": .string($0.name), "in": "query", "required": false, "schema": $0.schema.json] }
        if !(path + query).isEmpty { object["parameters"] = .array(path + query) }
        if let input = op.input {
            object["requestBody"] = ["required": true, "content": [op.inputType: ["schema": input.json]]]
        }
        var responses: JSONObject = [op.status: ["description": "成功", "content": [op.outputType: ["schema": op.output.json]]]]
        responses["400"] = errorResponse
        if !op.roles.isEmpty {
            object["security"] = [["bearer": []]]
            object["x-roles"] = .array(op.roles.sorted().map { .string($0.rawValue) })
            responses["401"] = errorResponse
            responses["403"] = errorResponse
            responses["404"] = errorResponse
        }
        if op.input != nil { responses["413"] = errorResponse }
        // Every other refusal (409 conflicts, 405, 408, 429 …) has the same error body.
        responses["204"] = ["description": "成功，无内容"]
        responses["default"] = errorResponse
        object["responses"] = .object(responses)
        return .object(object)
    }
}

extension CoreOperation {
    /// Every route the core serves under `/api/v1` (plugin routes come from the plugin set).
    /// `OpenAPICoverageTests` fails when this and the router differ.
    static let all: [CoreOperation] = meta + accounts + directory + records + files

    static let everyone = Set(Role.allCases)
    static let session: JSONSchema = .object([("token", .text), ("expiresAt", .string(format: "date-time")), ("account", .reference("Account"))])

    static let meta: [CoreOperation] = [
        .init("get", "/api/v1/health", "健康检查", roles: [],
              output: .object([("status", .text), ("version", .text), ("plugins", .integer)], required: ["status"]), operationID: "health"),
        .init("get", "/api/v1/plugins", "已启用的插件、记录类型、字段与审核流程", roles: [],
              output: .object([("institution", .object([("name", .text), ("code", .text)])),
                               ("plugins", .array(.object([("id", .text), ("version", .text)])))]), operationID: "plugins"),
        .init("get", "/api/v1/openapi.json", "本接口文档", roles: [], operationID: "openapi"),
        .init("get", "/api/v1/code-tables", "代码表及其条目（性别、毕业去向、单位性质……）", roles: [],
              output: .object([("codeTables", .array(.reference("CodeTable")))]), operationID: "codeTables"),
        .init("get", "/api/v1/code-tables/{id}", "一张代码表", roles: [], output: .reference("CodeTable"), parameters: ["id"],
              operationID: "codeTable"),
    ]

    static let accounts: [CoreOperation] = {
        let login: JSONSchema = .object([("username", .text), ("password", .text)], required: ["username", "password"])
        let openID: JSONSchema = .object([("openid", .text)], required: ["openid"])
        return [
            .init("post", "/api/v1/auth/login", "登录（学生用学号，初始密码为身份证号后六位）；需短信验证时返回 challenge", roles: [], input: login,
                  output: .object([("token", .text), ("expiresAt", .string(format: "date-time")), ("account", .reference("Account")),
                                   ("verificationRequired", .boolean), ("challenge", .text), ("mobile", .text)])),
            .init("post", "/api/v1/auth/verify-phone", "提交短信验证码，换取登录会话", roles: [],
                  input: .object([("challenge", .text), ("code", .text)], required: ["challenge", "code"]), output: session),
            .init("post", "/api/v1/auth/logout", "退出登录", roles: everyone),
            .init("get", "/api/v1/auth/me", "当前账号", roles: everyone, output: .reference("Account")),
            .init("post", "/api/v1/auth/password", "修改密码", roles: everyone,
                  input: .object([("oldPassword", .text), ("newPassword", .text)], required: ["oldPassword", "newPassword"])),
            .init("post", "/api/v1/wechat/login", "微信登录（网关签名）", roles: [], input: openID, output: session),
            .init("post", "/api/v1/wechat/bind", "绑定微信（网关签名）", roles: everyone, input: openID),
            .init("post", "/api/v1/wechat/unbind", "解除本人微信绑定", roles: everyone),
        ]
    }()

    static let directory: [CoreOperation] = {
        let staff = Role.staff
        let decision: JSONSchema = .object([("reason", .text)])
        return [
            .init("get", "/api/v1/students", "学生名单（按权限范围）", roles: staff,
                  output: .object([("students", .array(.reference("Student"))), ("next", .nullable(.text))])),
            .init("get", "/api/v1/students/{number}", "学生信息", roles: staff.union([.student]), output: .reference("Student"), parameters: ["number"]),
            .init("post", "/api/v1/students/{number}/reset-password", "重置密码", roles: staff, parameters: ["number"]),
            .init("post", "/api/v1/students/{number}/unbind-wechat", "重置绑定微信", roles: staff, parameters: ["number"]),
            .init("post", "/api/v1/students/{number}/unlock", "解锁账号", roles: staff, parameters: ["number"]),
            .init("post", "/api/v1/students/import", "导入学籍数据（CSV 或 XLSX）", roles: [.school], input: .string(format: "binary")),
            .init("get", "/api/v1/org", "院系、专业、班级", roles: staff),
            .init("post", "/api/v1/employers/register", "用人单位注册（待学校审核）", roles: [],
                  input: .object([("creditCode", .text), ("name", .text), ("contact", .text), ("mobile", .text), ("password", .text)],
                                 required: ["creditCode", "name", "contact", "mobile", "password"]), status: "202"),
            .init("get", "/api/v1/employers/registrations", "用人单位注册申请（status=pending|approved|rejected）", roles: [.school],
                  output: .object([("registrations", .array(.any))]), query: [("status", .string(values: ["pending", "approved", "rejected"]))]),
            .init("post", "/api/v1/employers/registrations/{code}/approve", "通过用人单位注册", roles: [.school], input: decision, parameters: ["code"]),
            .init("post", "/api/v1/employers/registrations/{code}/reject", "驳回用人单位注册（须填原因）", roles: [.school],
                  input: .object([("reason", .text)], required: ["reason"]), parameters: ["code"]),
        ]
    }()

    static let records: [CoreOperation] = {
        let kind = ["kind"], one = ["kind", "id"]
        let page: JSONSchema = .object([("records", .array(.reference("Record"))), ("next", .nullable(.text))])
        let batchActions = ["approve", "modify", "change-cohort", "notify", "reset-password", "unbind-wechat", "unlock"]
        return [
            .init("get", "/api/v1/records/{kind}", "记录列表：按届别、院系、专业、班级、各级审核状态（level.<角色>）、任一字段筛选；state 可列多个（rejected:* 为各级退回）；view 为保存的视图；sort 为 id、updated 或带索引的字段（- 倒序）；size 为 20/50/100/200；labels=1 附代码名称",
                  roles: everyone, output: page, parameters: kind,
                  query: [("size", .integer), ("after", .text), ("sort", .text), ("fields", .text), ("state", .text), ("view", .text),
                          ("labels", .string(values: ["0", "1"])), ("cohort", .integer), ("college", .integer), ("major", .integer), ("class", .integer)]),
            .init("post", "/api/v1/records/{kind}", "新建记录（用人单位须同时给出学生姓名；action 为随即执行的操作，如 invite）", roles: everyone,
                  input: .object([("student", .text), ("studentName", .text), ("values", .map(.any)), ("action", .text)], required: ["student"]),
                  output: .reference("Record"), parameters: kind),
            .init("post", "/api/v1/records/{kind}/search", "按学号或姓名批量查询（最多 2000 个，换行、制表符或逗号分隔）", roles: Role.staff,
                  input: .object([("query", .text), ("fields", .array(.text)), ("labels", .boolean)], required: ["query"]),
                  output: .object([("records", .array(.reference("Record"))), ("unmatched", .array(.text))]), parameters: kind),
            .init("get", "/api/v1/records/{kind}/{id}", "记录详情（labels=1 附代码名称）", roles: everyone, output: .reference("Record"), parameters: one,
                  query: [("labels", .string(values: ["0", "1"]))]),
            .init("patch", "/api/v1/records/{kind}/{id}", "修改字段（审核状态只能通过审核改变）", roles: everyone,
                  input: .object([("values", .map(.any))], required: ["values"]), output: .reference("Record"), parameters: one),
            .init("delete", "/api/v1/records/{kind}/{id}", "删除记录（仅限该类型允许的角色，如学生本人的简历）", roles: everyone, parameters: one),
            .init("post", "/api/v1/records/{kind}/{id}/submit", "提交或修改后重新提交（学生；解约申请也可由用人单位提交）", roles: everyone,
                  output: .reference("Record"), parameters: one),
            .init("post", "/api/v1/records/{kind}/{id}/review", "审核：通过、退回（需原因）或流程中的其他操作；可一键复制填报", roles: everyone,
                  input: .object([("action", .text), ("reason", .text), ("note", .text), ("copyFill", .boolean), ("values", .map(.any))], required: ["action"]),
                  output: .reference("Record"), parameters: one),
            .init("get", "/api/v1/records/{kind}/{id}/history", "审核记录", roles: everyone, output: .object([("history", .array(.any))]), parameters: one),
            .init("post", "/api/v1/records/{kind}/batch",
                  "批量操作，逐条返回结果：学校可 approve、modify、change-cohort、notify、reset-password、unbind-wechat、unlock；辅导员、学院可批量审核本级待审记录（approve）与批量通知（notify）",
                  roles: Role.staff,
                  input: .object([("action", .string(values: batchActions)), ("ids", .array(.text)), ("field", .text), ("value", .any),
                                  ("cohort", .integer), ("message", .text)], required: ["action", "ids"]),
                  output: .object([("results", .array(.any)), ("succeeded", .integer), ("failed", .integer)]), parameters: kind),
            .init("get", "/api/v1/stats/{kind}", "实时统计：按状态或字段（by）分组计数，可按届别、学院筛选（权限范围内）", roles: Role.staff,
                  output: .object([("kind", .text), ("by", .text), ("totals", .map(.integer)), ("total", .integer), ("groups", .array(.any))]),
                  parameters: kind,
                  query: [("by", .text), ("group", .string(values: ["none", "college", "major", "class"])), ("cohort", .integer), ("college", .integer)]),
        ]
    }()

    /// Materials and exports: uploads of raw bytes, downloads of whatever type the file has.
    static let files: [CoreOperation] = {
        let one = ["kind", "id"]
        let binary: JSONSchema = .string(format: "binary")
        let exportRequest: JSONSchema = .object([
            ("format", .string(values: ["csv", "xlsx"])), ("preset", .string(values: ["national", "school"])), ("fields", .array(.text)),
            ("ids", .array(.text)), ("cohort", .integer), ("college", .integer), ("major", .integer), ("classID", .integer), ("state", .text),
            ("labels", .boolean),
        ])
        return [
            .init("post", "/api/v1/records/{kind}/{id}/materials", "上传材料（PDF、JPEG、PNG；类型由内容判断；name 为文件名）", roles: everyone,
                  input: binary, inputType: "application/octet-stream", output: .reference("Material"), parameters: one, query: [("name", .text)]),
            .init("get", "/api/v1/records/{kind}/{id}/materials", "记录的材料列表", roles: everyone,
                  output: .object([("materials", .array(.reference("Material")))]), parameters: one),
            .init("get", "/api/v1/records/{kind}/{id}/materials/{sha}", "下载一份材料（inline=1 时在控制台内预览安全类型）", roles: everyone,
                  output: binary, outputType: "*/*", parameters: one + ["sha"], query: [("inline", .text)]),
            .init("get", "/api/v1/records/{kind}/{id}/materials/archive", "下载记录的全部材料（一份为原文件，多份为 zip）", roles: everyone,
                  output: binary, outputType: "*/*", parameters: one),
            .init("post", "/api/v1/records/{kind}/materials/export", "导出所选记录的材料（zip）", roles: Role.staff,
                  input: .object([("ids", .array(.text))], required: ["ids"]), output: binary, outputType: "*/*", parameters: ["kind"]),
            .init("post", "/api/v1/records/{kind}/export", "导出记录（CSV 或 XLSX，后台任务；返回 202 与任务）", roles: Role.staff,
                  input: exportRequest, output: .reference("Job"), status: "202", parameters: ["kind"]),
            .init("get", "/api/v1/jobs/{id}", "导出任务的进度", roles: Role.staff, output: .reference("Job"), parameters: ["id"]),
            .init("get", "/api/v1/jobs/{id}/download", "下载导出的文件", roles: Role.staff, output: binary, outputType: "*/*", parameters: ["id"]),
        ]
    }()

    /// Shapes the operations above refer to by name.
    static let schemas: JSONObject = [
        "CodeTable": JSONSchema.object([("id", .text), ("label", .text), ("source", .text),
                                        ("entries", .array(.object([("code", .text), ("name", .text), ("parent", .text)])))]).json,
        "Material": JSONSchema.object([("sha256", .text), ("type", .text), ("size", .integer), ("name", .text), ("uploadedBy", .text),
                                       ("uploaded", .number)]).json,
        "Job": JSONSchema.object([("id", .text), ("kind", .text), ("format", .text), ("state", .string(values: ["running", "done", "failed"])),
                                  ("done", .integer), ("total", .integer), ("rows", .integer), ("error", .nullable(.text))]).json,
    ]
}
