import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// `user …` and `import students`: accounts and the registry from the admin socket.
enum DirectoryAdminCommands {
    static let verbs: Set<String> = ["user add", "user list", "user show", "user reset-password", "user unbind-wechat", "user unlock",
                                     "user set-mobile", "import students"]

    static func make(directory: DirectoryStore, accounts: AccountService, kinds: @escaping @Sendable () throws -> RecordKinds,
                     importSettings: @escaping @Sendable () -> ImportSettings = { ImportSettings() },
                     hasherSettings: @escaping @Sendable () -> AuthSettings) -> [AdminCommandSpec] {
        @Sendable func one(_ request: AdminCommandRequest, _ usage: String) throws -> String {
            guard request.arguments.count == 1 else { throw AdminFailure(code: .usage, message: "usage: \(usage)") }
            return request.arguments[0]
        }
        @Sendable func mapped(_ error: Error) -> Error {
            switch error {
            case AuthFailure.notFound: AdminFailure(code: .failed, message: "no such account")
            case AuthFailure.conflict(let m): AdminFailure(code: .failed, message: m)
            default: error
            }
        }
        return [
            AdminCommandSpec(words: ["user", "add"], usage: "ID --name NAME --role ROLE[,ROLE] --password PASS [--college NAME] [--classes C1,C2] ",
                             summary: "create a staff or employer account (employers: ID is the credit code)", changesState: true,
                             valueOptions: ["name", "role", "password", "college", "classes"]) { request in
                let id = try one(request, "user add ID --name NAME --role ROLE --password PASS")
                guard let name = request.options["name"], !name.isEmpty else { throw AdminFailure(code: .usage, message: "--name is required") }
                let roleNames = (request.options["role"] ?? "").split(separator: ",").map { String($0).trimmingSpaces }
                var roles = Set<Role>()
                for r in roleNames {
                    guard let role = Role(rawValue: r), role != .student else {
                        throw AdminFailure(code: .usage, message: "unknown role \"\(r)\": counselor, college, school or employer (students come from the import)")
                    }
                    roles.insert(role)
                }
                guard !roles.isEmpty else { throw AdminFailure(code: .usage, message: "--role is required") }
                guard let password = request.options["password"], password.count >= hasherSettings().minPasswordLength else {
                    throw AdminFailure(code: .usage, message: "--password of at least \(hasherSettings().minPasswordLength) characters is required")
                }
                var account = Account(id: id, displayName: name, roles: roles)
                if roles.contains(.employer) {
                    do { account.creditCode = try CreditCode(id).value } catch let problem as CreditCode.Problem {
                        throw AdminFailure(code: .usage, message: "an employer's ID is its credit code: \(problem.description)")
                    }
                }
                let hash = try AccountService.hasher(hasherSettings()).hash(password)
                account.passwordHash = hash
                try directory.environment.write { txn in
                    guard try directory.account(txn, id) == nil else { throw AdminFailure(code: .failed, message: "account \(id) exists") }
                    if roles.contains(.college) {
                        guard let college = request.options["college"] else { throw AdminFailure(code: .usage, message: "a college officer needs --college") }
                        guard let cid = try directory.findUnit(txn, name: college, parent: nil) else {
                            throw AdminFailure(code: .failed, message: "no college named \(college)")
                        }
                        account.collegeID = cid
                    }
                    if roles.contains(.counselor) {
                        let names = (request.options["classes"] ?? "").split(separator: ",").map { String($0).trimmingSpaces }
                        guard !names.isEmpty else { throw AdminFailure(code: .usage, message: "a counselor needs --classes") }
                        let units = try directory.allUnits(txn).filter { $0.kind == .class }
                        for n in names {
                            let matches = units.filter { $0.name == n }
                            guard matches.count == 1 else {
                                throw AdminFailure(code: .failed, message: matches.isEmpty ? "no class named \(n)" : "\(matches.count) classes are named \(n)")
                            }
                            account.classIDs.append(matches[0].id)
                        }
                    }
                    try directory.accounts.put(txn, id, account)
                }
                return AdminReply(result: account.summary, message: "account \(id) created")
            },
            AdminCommandSpec(words: ["user", "list"], usage: "[--role ROLE]", summary: "accounts with state (staff, employers, students who logged in)",
                             changesState: false, valueOptions: ["role"]) { request in
                let role = request.options["role"].flatMap(Role.init(rawValue:))
                var rows: [[String]] = []
                var result: [JSONValue] = []
                try directory.environment.read { txn in
                    try directory.accounts.primary.scan(txn) { _, a in
                        if role == nil || a.roles.contains(role!) {
                            rows.append([a.id, a.displayName, a.roles.sorted().map(\.rawValue).joined(separator: ","),
                                         a.lockedUntil.map { $0 > Date() ? "locked" : "" } ?? "", a.wechatOpenID == nil ? "" : "bound"])
                            result.append(a.summary)
                        }
                        return true
                    }
                }
                return AdminReply(result: .array(result), columns: ["ID", "NAME", "ROLES", "LOCK", "WECHAT"], rows: rows)
            },
            AdminCommandSpec(words: ["user", "show"], usage: "ID", summary: "one account", changesState: false) { request in
                let id = try one(request, "user show ID")
                guard let a = try directory.environment.read({ try directory.account($0, id) }) else {
                    throw AdminFailure(code: .failed, message: "no such account")
                }
                return AdminReply(result: a.summary, columns: ["KEY", "VALUE"], rows: (a.summary.objectValue ?? [:]).map { [$0.key, $0.value.jsonString()] })
            },
            AdminCommandSpec(words: ["user", "reset-password"], usage: "ID [--password TEMPORARY]",
                             summary: "students: back to the initial password; others: to a temporary one", changesState: true,
                             valueOptions: ["password"]) { request in
                let id = try one(request, "user reset-password ID")
                do { try await accounts.resetPassword(id, temporary: request.options["password"]) } catch { throw mapped(error) }
                return AdminReply(result: ["reset": .string(id)], message: "password of \(id) reset")
            },
            AdminCommandSpec(words: ["user", "unbind-wechat"], usage: "ID", summary: "clear the WeChat binding", changesState: true) { request in
                let id = try one(request, "user unbind-wechat ID")
                do { try accounts.unbindWeChat(id) } catch { throw mapped(error) }
                return AdminReply(result: ["unbound": .string(id)], message: "WeChat binding of \(id) cleared")
            },
            AdminCommandSpec(words: ["user", "set-mobile"], usage: "ID MOBILE", summary: "bind a mobile number (verified again at the next login)",
                             changesState: true) { request in
                guard request.arguments.count == 2 else { throw AdminFailure(code: .usage, message: "usage: user set-mobile ID MOBILE") }
                let (id, mobile) = (request.arguments[0], request.arguments[1])
                guard mobile.count == 11, mobile.first == "1", mobile.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw AdminFailure(code: .usage, message: "a mobile number has 11 digits and starts with 1")
                }
                try directory.environment.write { txn in
                    guard var a = try directory.account(txn, id) else { throw AdminFailure(code: .failed, message: "no such account") }
                    a.mobile = mobile
                    a.phoneVerified = false
                    try directory.accounts.put(txn, id, a)
                }
                return AdminReply(result: ["id": .string(id), "mobile": .string(PhoneVerification.masked(mobile))], message: "mobile of \(id) set")
            },
            AdminCommandSpec(words: ["user", "unlock"], usage: "ID", summary: "lift a lock after wrong passwords", changesState: true) { request in
                let id = try one(request, "user unlock ID")
                do { try accounts.unlock(id) } catch { throw mapped(error) }
                return AdminReply(result: ["unlocked": .string(id)], message: "\(id) unlocked")
            },
            AdminCommandSpec(words: ["import", "students"], usage: "FILE [--skip-invalid] [--corrections keep|overwrite]",
                             summary: "import the registry export (CSV or XLSX); all or nothing unless --skip-invalid; values staff corrected are kept unless --corrections overwrite",
                             changesState: true, valueOptions: ["corrections"]) { request in
                let path = request.resolvePath(try one(request, "import students FILE [--skip-invalid] [--corrections keep|overwrite]"))
                guard let policy = StudentImport.CorrectionPolicy.named(request.options["corrections"]) else {
                    throw AdminFailure(code: .usage, message: "--corrections is keep or overwrite")
                }
                guard let data = FileManager.default.contents(atPath: path) else { throw AdminFailure(code: .failed, message: "cannot read \(path)") }
                let report: StudentImport.Report
                do {
                    report = try StudentImport.forKinds(try kinds(), store: directory, limits: TableReader.Limits(importSettings()), corrections: policy)
                        .run(data, skipInvalid: request.flags.contains("skip-invalid"), progress: request.progress)
                } catch let f as TableReader.Failure {
                    throw AdminFailure(code: .failed, message: f.description)
                }
                var summary = "\(report.rows) rows: \(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged, \(report.skipped) skipped"
                if !report.conflicts.isEmpty {
                    // Each row that contradicts a correction, so none is undone unseen.
                    summary += "\n\(report.conflicts.count) corrected value(s) differ from the file (--corrections \(report.corrections.rawValue)):\n"
                        + report.conflicts.map(\.description).joined(separator: "\n")
                }
                guard report.applied else {
                    let lines = report.problems.map(\.description).joined(separator: "\n")
                    throw AdminFailure(code: .failed, message: "nothing imported, \(report.problems.count) problem(s):\n\(lines)\n(--skip-invalid imports the valid rows)")
                }
                return AdminReply(result: try JSONValue(encoding: report), columns: ["ROW", "COLUMN", "PROBLEM"],
                                  rows: report.problems.map { ["\($0.row)", "\($0.column) \($0.header)", $0.reason] }, message: summary)
            },
        ]
    }
}
