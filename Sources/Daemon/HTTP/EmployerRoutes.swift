import Foundation
import Hummingbird
import NIOPosix
import PluginAPI

/// `/api/v1/employers/…`: an employer registers (credit code checked, password hashed at once);
/// the school approves — the account is created then — or rejects with a reason.
struct EmployerRoutes: CoreRouteGroup {
    let services: CoreServices
    var directory: DirectoryStore { services.directory }

    struct Register: Decodable { var creditCode: String; var name: String; var contact: String; var mobile: String; var password: String }
    struct Decision: Decodable { var reason: String? }

    static let routes: [CoreRoute] = [
        CoreRoute(method: .post, path: "employers/register", roles: [], summary: "用人单位注册（待学校审核）",
                  input: .object([("creditCode", .text), ("name", .text), ("contact", .text), ("mobile", .text), ("password", .text)],
                                 required: ["creditCode", "name", "contact", "mobile", "password"]),
                  status: 202, handler: .open(EmployerRoutes.register)),
        CoreRoute(method: .get, path: "employers/registrations", roles: [.school], summary: "用人单位注册申请（status=pending|approved|rejected）",
                  output: .object([("registrations", .array(.any))]), query: [.init("status", .string(values: ["pending", "approved", "rejected"]))],
                  handler: .gated(EmployerRoutes.registrations)),
        decision("approve", "通过用人单位注册", input: .object([("reason", .text)])),
        decision("reject", "驳回用人单位注册（须填原因）", input: .object([("reason", .text)], required: ["reason"])),
    ]

    /// One route per decision, so the router lists exactly what the OpenAPI document does.
    static func decision(_ decision: String, _ summary: LocalizedText, input: JSONSchema) -> CoreRoute {
        CoreRoute(method: .post, path: "employers/registrations/:code/\(decision)", roles: [.school], summary: summary, input: input,
                  handler: .gated { (routes: EmployerRoutes) in { try await routes.decide(decision, $0, $1, caller: $2) } })
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    func register(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let input = try await services.decode(Register.self, request)
        // A `Result`, not `do`/`catch let p as`: that form crashes Swift 6.3's SILGen in an async method.
        let code: String
        switch Result(catching: { () throws(CreditCode.Problem) -> CreditCode in try CreditCode(input.creditCode.trimmingSpaces) }) {
        case .success(let c): code = c.value
        case .failure(let p): throw APIError(.badRequest, code: .invalidCreditCode, message: "统一社会信用代码无效：\(p.description)", field: "creditCode")
        }
        let name = input.name.trimmingSpaces
        guard !name.isEmpty, name.count <= 128 else { throw APIError(.badRequest, code: .required, message: "单位名称：必填（最多 128 字）", field: "name") }
        guard !input.contact.trimmingSpaces.isEmpty, input.contact.count <= 64 else {
            throw APIError(.badRequest, code: .required, message: "联系人：必填（最多 64 字）", field: "contact")
        }
        guard input.mobile.utf8.count == 11, input.mobile.utf8.allSatisfy({ (48...57).contains($0) }), input.mobile.hasPrefix("1") else {
            throw APIError(.badRequest, code: .invalidMobile, message: "手机号应为 11 位数字", field: "mobile")
        }
        let auth = services.accounts.settings()
        guard input.password.count >= auth.minPasswordLength else {
            throw APIError(.badRequest, code: .weakPassword, message: "密码至少 \(auth.minPasswordLength) 位", field: "password")
        }
        let hasher = AccountService.hasher(auth)
        let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(input.password) }
        let registration = EmployerRegistration(creditCode: code, name: name, contact: input.contact.trimmingSpaces, mobile: input.mobile,
                                                passwordHash: hash, status: .pending, submitted: Self.now())
        try await directory.environment.commit { txn in
            if try directory.accounts.get(txn, code) != nil { throw APIError(.conflict, code: .exists, message: "该单位已有账号", field: "creditCode") }
            if try directory.registrations.get(txn, code)?.status == .pending {
                throw APIError(.conflict, code: .pending, message: "该单位的注册申请正在审核", field: "creditCode")
            }
            try directory.registrations.put(txn, code, registration)
        }
        return try Response.json(registration.json, status: .accepted)
    }

    func registrations(_ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let status = request.uri.queryParameters["status"].map(String.init) ?? "pending"
        let list = try directory.environment.read { txn -> [JSONValue] in
            var out: [JSONValue] = []
            try directory.registrations.scan(txn) { _, r in
                if r.status.rawValue == status { out.append(r.json) }
                return true
            }
            return out
        }
        return try Response.json(["registrations": .array(list)])
    }

    func decide(_ decision: String, _ request: Request, _ context: APIRequestContext, caller: Caller) async throws -> Response {
        let code = try context.parameters.require("code")
        let input = try await services.decode(Decision.self, request)
        let reason = input.reason?.trimmingSpaces ?? ""
        if decision == "reject" && reason.isEmpty { throw APIError(.badRequest, code: .reasonRequired, message: "请填写驳回原因", field: "reason") }
        let updated = try await directory.environment.commit { txn -> EmployerRegistration in
            guard var r = try directory.registrations.get(txn, code), r.status == .pending else { throw APIError.notFound }
            r.status = decision == "approve" ? .approved : .rejected
            r.decidedBy = caller.account.id
            r.reason = reason.isEmpty ? nil : reason
            if r.status == .approved {
                if try directory.accounts.get(txn, code) != nil { throw APIError(.conflict, code: .exists, message: "该单位已有账号") }
                var account = Account(id: code, displayName: r.name, roles: [.employer])
                account.creditCode = code
                account.passwordHash = r.passwordHash
                account.mobile = r.mobile
                try directory.accounts.put(txn, code, account)
            }
            try directory.registrations.put(txn, code, r)
            try services.outbox.enqueue(txn, event: "employer.\(decision == "approve" ? "approved" : "rejected")", to: code, kind: "", record: "",
                                        data: ["name": .string(r.name), "mobile": .string(r.mobile), "reason": .string(reason)], now: Self.now())
            return r
        }
        return try Response.json(updated.json)
    }
}
