import Foundation
import Hummingbird
import NIOPosix
import PluginAPI

/// `/api/v1/employers/…`: an employer registers (credit code checked, password hashed at once);
/// the school approves — the account is created then — or rejects with a reason.
struct EmployerRoutes {
    let services: CoreServices

    struct Register: Decodable { var creditCode: String; var name: String; var contact: String; var mobile: String; var password: String }
    struct Decision: Decodable { var reason: String? }

    func register(on api: RouterGroup<APIRequestContext>) {
        let services = self.services
        let directory = services.directory
        @Sendable func now() -> Double { Date().timeIntervalSince1970 }

        api.post("employers/register") { request, _ -> Response in
            let input = try await services.decode(Register.self, request)
            let code: String
            do { code = try CreditCode(input.creditCode.trimmingSpaces).value } catch let p as CreditCode.Problem {
                throw APIError(.badRequest, code: "invalid_credit_code", message: "统一社会信用代码无效：\(p.description)", field: "creditCode")
            }
            let name = input.name.trimmingSpaces
            guard !name.isEmpty, name.count <= 128 else { throw APIError(.badRequest, code: "required", message: "单位名称：必填（最多 128 字）", field: "name") }
            guard !input.contact.trimmingSpaces.isEmpty, input.contact.count <= 64 else {
                throw APIError(.badRequest, code: "required", message: "联系人：必填（最多 64 字）", field: "contact")
            }
            guard input.mobile.utf8.count == 11, input.mobile.utf8.allSatisfy({ (48...57).contains($0) }), input.mobile.hasPrefix("1") else {
                throw APIError(.badRequest, code: "invalid_mobile", message: "手机号应为 11 位数字", field: "mobile")
            }
            let auth = services.accounts.settings()
            guard input.password.count >= auth.minPasswordLength else {
                throw APIError(.badRequest, code: "weak_password", message: "密码至少 \(auth.minPasswordLength) 位", field: "password")
            }
            let hasher = AccountService.hasher(auth)
            let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(input.password) }
            let registration = EmployerRegistration(creditCode: code, name: name, contact: input.contact.trimmingSpaces, mobile: input.mobile,
                                                    passwordHash: hash, status: .pending, submitted: now())
            try directory.environment.write { txn in
                if try directory.accounts.get(txn, code) != nil { throw APIError(.conflict, code: "exists", message: "该单位已有账号", field: "creditCode") }
                if try directory.registrations.get(txn, code)?.status == .pending {
                    throw APIError(.conflict, code: "pending", message: "该单位的注册申请正在审核", field: "creditCode")
                }
                try directory.registrations.put(txn, code, registration)
            }
            return try Response.json(registration.json, status: .accepted)
        }

        api.get("employers/registrations") { request, _ -> Response in
            _ = try services.caller(request, roles: [.school])
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

        // One route per decision, so the router lists exactly what the OpenAPI document does.
        for decision in ["approve", "reject"] {
            api.post("employers/registrations/:code/\(decision)") { request, context -> Response in
                let caller = try services.caller(request, roles: [.school])
                let code = try context.parameters.require("code")
                let input = try await services.decode(Decision.self, request)
                let reason = input.reason?.trimmingSpaces ?? ""
                if decision == "reject" && reason.isEmpty { throw APIError(.badRequest, code: "reason_required", message: "请填写驳回原因", field: "reason") }
                let updated = try directory.environment.write { txn -> EmployerRegistration in
                    guard var r = try directory.registrations.get(txn, code), r.status == .pending else { throw APIError.notFound }
                    r.status = decision == "approve" ? .approved : .rejected
                    r.decidedBy = caller.account.id
                    r.reason = reason.isEmpty ? nil : reason
                    if r.status == .approved {
                        if try directory.accounts.get(txn, code) != nil { throw APIError(.conflict, code: "exists", message: "该单位已有账号") }
                        var account = Account(id: code, displayName: r.name, roles: [.employer])
                        account.creditCode = code
                        account.passwordHash = r.passwordHash
                        account.mobile = r.mobile
                        try directory.accounts.put(txn, code, account)
                    }
                    try directory.registrations.put(txn, code, r)
                    try services.outbox.enqueue(txn, event: "employer.\(decision == "approve" ? "approved" : "rejected")", to: code, kind: "", record: "",
                                                data: ["name": .string(r.name), "mobile": .string(r.mobile), "reason": .string(reason)], now: now())
                    return r
                }
                return try Response.json(updated.json)
            }
        }
    }
}
