import Foundation
import Hummingbird
import PluginAPI

/// `/api/v1/students/…` and `/api/v1/org`: the registry as each caller's scope allows.
struct StudentRoutes: CoreRouteGroup {
    let services: CoreServices
    var directory: DirectoryStore { services.directory }

    static let routes: [CoreRoute] = {
        let staff = Role.staff
        return [
            CoreRoute(method: .get, path: "students", roles: staff, summary: "学生名单（按权限范围）",
                      output: .object([("students", .array(.reference("Student"))), ("next", .nullable(.text))]),
                      query: [.init("limit", .integer), .init("after", .text), .init("cohort", .integer), .init("college", .integer), .init("class", .integer)],
                      handler: .gated(StudentRoutes.list)),
            CoreRoute(method: .get, path: "students/:number", roles: staff.union([.student]), summary: "学生信息", output: .reference("Student"),
                      handler: .gated(StudentRoutes.student)),
            // 重置密码 / 重置绑定微信 / 解锁账号, for staff over students in their scope.
            staffAction("reset-password", "重置密码"),
            staffAction("unbind-wechat", "重置绑定微信"),
            staffAction("unlock", "解锁账号"),
            CoreRoute(method: .post, path: "students/import", roles: [.school],
                      summary: "导入学籍数据（CSV 或 XLSX）；与已更正的学籍信息不一致的行列入 conflicts，corrections 决定保留更正值（keep，默认）或采用文件值（overwrite）",
                      input: .string(format: "binary"),
                      query: [.init("skipInvalid", .string(values: ["true", "false", "1", "0"])),
                              .init("corrections", .string(values: StudentImport.CorrectionPolicy.allCases.map(\.rawValue)))],
                      handler: .gated(StudentRoutes.importStudents)),
            CoreRoute(method: .get, path: "org", roles: staff, summary: "院系、专业、班级与届别（权限范围内）",
                      output: .object([("units", .array(.object([("id", .integer), ("kind", .text), ("name", .text), ("parent", .nullable(.integer))]))),
                                       ("cohorts", .array(.integer))]), handler: .gated(StudentRoutes.org)),
        ]
    }()

    /// `POST students/:number/<action>`: one route per action, so the router lists exactly what the document does.
    static func staffAction(_ action: String, _ summary: LocalizedText) -> CoreRoute {
        CoreRoute(method: .post, path: "students/:number/\(action)", roles: Role.staff, summary: summary,
                  handler: .gated { (routes: StudentRoutes) in { try await routes.staffAction(action, $0, $1, caller: $2) } })
    }

    static func json(_ s: StudentEntry, units: [UInt32: OrgUnit]) -> JSONValue {
        [
            "number": .string(s.number), "name": .string(s.name), "gender": .string(s.gender),
            "college": .string(units[s.collegeID]?.name ?? ""), "major": .string(units[s.majorID]?.name ?? ""),
            "class": .string(units[s.classID]?.name ?? ""), "collegeId": .int(Int(s.collegeID)),
            "majorId": .int(Int(s.majorID)), "classId": .int(Int(s.classID)),
            "educationLevel": .string(s.educationLevel), "cohort": .int(Int(s.cohort)),
        ]
    }

    func list(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let q = request.uri.queryParameters
        func number<T: FixedWidthInteger>(_ name: String, _ type: T.Type) throws -> T? {
            guard let v = q[name[...]] else { return nil }
            guard let n = T(String(v)) else { throw APIError(.badRequest, code: .badRequest, message: "参数 \(name) 应为数字", field: name) }
            return n
        }
        let limit = try number("limit", Int.self) ?? 50
        guard (1...200).contains(limit) else { throw APIError(.badRequest, code: .badRequest, message: "每页 1 至 200 条", field: "limit") }
        let filter = ScopedDirectory.Filter(cohort: try number("cohort", UInt16.self), college: try number("college", UInt32.self),
                                            classID: try number("class", UInt32.self))
        let after = q["after"].map(String.init)
        let scoped = caller.records.students(directory)
        let (page, units) = try directory.environment.read { txn in
            (try scoped.list(txn, filter: filter, after: after, limit: limit),
             try directory.unitsByID(txn))
        }
        var body: JSONObject = ["students": .array(page.map { Self.json($0, units: units) })]
        body["next"] = page.count == limit ? .string(page.last!.number) : .null
        return try Response.json(.object(body))
    }

    func student(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let number = try context.parameters.require("number")
        let scoped = caller.records.students(directory)
        do {
            let (s, units) = try directory.environment.read { txn in
                (try scoped.student(txn, number), try directory.unitsByID(txn))
            }
            var body = Self.json(s, units: units).objectValue!
            if caller.account.roles.contains(where: \.isStaff) {
                let account = try directory.environment.read { try directory.account($0, number) }
                body["account"] = account?.summary ?? .null
            }
            return try Response.json(.object(body))
        } catch let f as AuthFailure { throw f.apiError }
    }

    func staffAction(_ action: String, _ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let number = try context.parameters.require("number")
        do {
            _ = try directory.environment.read { try caller.records.students(directory).student($0, number) }
            switch action {
            case "reset-password": try await services.accounts.resetPassword(number)
            case "unbind-wechat": try services.accounts.unbindWeChat(number)
            default: try services.accounts.unlock(number)
            }
        } catch let f as AuthFailure { throw f.apiError }
        services.host.logger.notice("staff action", metadata: ["action": "\(action)", "student": "\(number)", "by": "\(caller.account.id)"])
        return Response(status: .noContent)
    }

    func importStudents(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let skip = request.uri.queryParameters["skipInvalid"].map { $0 == "true" || $0 == "1" } ?? false
        guard let policy = StudentImport.CorrectionPolicy.named(request.uri.queryParameters["corrections"].map(String.init)) else {
            throw APIError(.badRequest, code: .badRequest, message: "corrections 应为 keep 或 overwrite", field: "corrections")
        }
        let data = try await services.body(request)
        let report: StudentImport.Report
        do {
            let kinds = try services.kinds()
            let limits = TableReader.Limits(services.host.current.settings.imports)
            report = try StudentImport.forKinds(kinds, store: directory, limits: limits, corrections: policy).run(data, skipInvalid: skip)
        } catch let f as TableReader.Failure {
            throw APIError(.badRequest, code: .unreadableFile, message: f.description)
        }
        let body = try JSONValue(encoding: report)
        guard report.applied else {
            // The error shape every refusal has, with the report beside it: every bad row named.
            let first = report.problems.first.map { "第 \($0.row) 行：\($0.reason)" } ?? ""
            var refused = body.objectValue ?? [:]
            refused["error"] = ["code": .string(ErrorCode.invalidRows.rawValue), "message": .string("未导入：\(report.problems.count) 处问题。\(first)"), "field": .null]
            return try Response.json(.object(refused), status: .unprocessableContent)
        }
        return try Response.json(body)
    }

    func org(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let (visible, cohorts) = try directory.environment.read { txn in
            (try caller.records.students(directory).units(txn), try caller.records.studentStatistics(directory).cohorts(txn))
        }
        return try Response.json(["units": .array(visible.map { u in
            ["id": .int(Int(u.id)), "kind": .string(u.kind.rawValue), "name": .string(u.name), "parent": u.parent.map { .int(Int($0)) } ?? .null]
        }), "cohorts": .array(cohorts.map { .int(Int($0)) })])
    }
}
