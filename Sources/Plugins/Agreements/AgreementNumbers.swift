import Foundation
import PluginAPI

/// The pool of agreement numbers (协议书编号): imported from CSV or XLSX, issued one per
/// student as a blank agreement.
///
/// Collections: `free` (number → import time) and `issued` (number → student and record).
struct AgreementNumbers: Sendable {
    let pattern: String

    struct Issued: Codable {
        var student: String
        var record: String
    }

    func register(into context: RegistrationContext) {
        for route in [importRoute(), stockRoute(), assignRoute()] { context.route(route) }
        for command in [importCommand(), stockCommand()] { context.adminCommand(command) }
        // Above the list of 三方协议, for the school: the file import and the issue of blank agreements.
        context.consoleLink(.button("import-numbers", kind: AgreementsPlugin.kind, label: LocalizedText("导入协议书编号", en: "import numbers"),
                                    route: "numbers/import", input: .file, placement: .list, roles: [.school]))
        context.consoleLink(.button("assign-numbers", kind: AgreementsPlugin.kind, label: LocalizedText("分配空白协议书", en: "issue blank agreements"),
                                    route: "numbers/assign", input: .lines(key: "students", label: LocalizedText("学号（每行一个）", en: "student numbers")),
                                    placement: .list, roles: [.school]))
    }

    /// `POST numbers/import`: a file of numbers into the pool.
    func importRoute() -> RouteSpec {
        let numbers = self
        return RouteSpec(
            method: .post, path: "numbers/import", roles: [.school],
            summary: LocalizedText("导入协议书编号（CSV 或 XLSX，列“协议书编号”）", en: "import agreement numbers"),
            input: nil, output: .object([("imported", .integer), ("message", .text)], required: ["imported"])
        ) { request in
            let rows = try request.tables.rows(request.body)
            let (n, problems) = try await request.store.commit { try numbers.importRows(rows, $0) }
            guard problems.isEmpty else {
                // Every bad row, each on its own line in the console: the file is fixed in one go.
                return RouteResponse(status: 400, body: [
                    "error": ["code": "invalid_rows", "message": .string(AgreementNumbers.summary(problems)), "field": "协议书编号"],
                    "problems": .array(problems.map(JSONValue.string)),
                ])
            }
            return RouteResponse(status: 200, body: ["imported": .int(n), "message": .string("已导入 \(n) 个协议书编号")])
        }
    }

    /// `GET numbers`: how many are free and issued.
    func stockRoute() -> RouteSpec {
        let numbers = self
        return RouteSpec(
            method: .get, path: "numbers", roles: [.school],
            summary: LocalizedText("协议书编号库存", en: "agreement numbers in stock"),
            input: nil, output: .object([("free", .integer), ("issued", .integer)], required: ["free", "issued"])
        ) { request in
            let (free, issued) = try request.store.read { try numbers.counts($0) }
            return RouteResponse(status: 200, body: ["free": .int(free), "issued": .int(issued)])
        }
    }

    /// `POST numbers/assign`: a blank agreement, with a number, for each student named.
    func assignRoute() -> RouteSpec {
        let numbers = self
        return RouteSpec(
            method: .post, path: "numbers/assign", roles: [.school],
            summary: LocalizedText("为学生分配协议书编号（生成空白协议书）", en: "issue numbers to students"),
            input: .object([("students", .array(.text)), ("signingType", .text)], required: ["students"]),
            output: .object([("results", .array(.object([("student", .text), ("ok", .boolean)], required: ["student", "ok"]))),
                             ("problems", .array(.text)), ("message", .text)], required: ["results"])
        ) { request in
            struct Input: Decodable { var students: [String]; var signingType: String? }
            let input = try request.decode(Input.self)
            let signingType = input.signingType ?? "online"
            guard AgreementsPlugin.signingTypes.contains(signingType) else {
                throw PluginError.badRequest("签约方式只能是 \(AgreementsPlugin.signingTypes.joined(separator: "、"))", field: "signingType")
            }
            guard input.students.count <= 2000 else { throw PluginError.badRequest("一次最多分配 2000 名学生，本次 \(input.students.count) 名", field: "students") }
            let results = try await request.store.commit { txn in
                try input.students.map { student -> JSONValue in
                    do {
                        let r = try numbers.issue(to: student, signingType: signingType, txn)
                        return ["student": .string(student), "ok": true, "record": .string(r.id), "agreementNumber": .string(r.text("agreementNumber"))]
                    } catch let e as PluginError {
                        let message = e.code == "not_found" ? "没有学号为 \(student) 的学生（或不在权限范围内）" : e.message
                        return ["student": .string(student), "ok": false, "error": .string(message)]
                    }
                }
            }
            let failed = results.filter { $0["ok"] == false }.map { r in JSONValue.string("\(r["student"]?.stringValue ?? "")：\(r["error"]?.stringValue ?? "")") }
            return RouteResponse(status: 200, body: [
                "results": .array(results), "problems": .array(failed),
                "message": .string("已分配 \(results.count - failed.count) 份空白协议书" + (failed.isEmpty ? "" : "，\(failed.count) 名学生未分配")),
            ])
        }
    }

    /// `jiuyectl agreements import-numbers FILE`.
    func importCommand() -> AdminCommandSpec {
        let numbers = self
        return AdminCommandSpec(
            words: ["agreements", "import-numbers"], usage: "FILE", summary: "导入协议书编号（CSV 或 XLSX，列“协议书编号”）", changesState: true
        ) { request in
            guard let path = request.arguments.first, let tables = request.tables else { throw PluginError.badRequest("usage: agreements import-numbers FILE") }
            let data = try Data(contentsOf: URL(fileURLWithPath: request.resolvePath(path)))
            let (n, problems) = try await request.store.commit { try numbers.importRows(try tables.rows(data), $0) }
            guard problems.isEmpty else {
                throw PluginError.badRequest(([AgreementNumbers.summary(problems)] + problems).joined(separator: "\n"), field: "协议书编号")
            }
            return AdminReply(result: ["imported": .int(n)], message: "导入 \(n) 个协议书编号")
        }
    }

    /// `jiuyectl agreements numbers`.
    func stockCommand() -> AdminCommandSpec {
        let numbers = self
        return AdminCommandSpec(
            words: ["agreements", "numbers"], usage: "", summary: "协议书编号库存", changesState: false
        ) { request in
            let (free, issued) = try request.store.read { try numbers.counts($0) }
            return AdminReply(result: ["free": .int(free), "issued": .int(issued)], columns: ["未分配", "已分配"], rows: [[String(free), String(issued)]])
        }
    }

    /// The line above the bad rows of a refused import.
    static func summary(_ problems: [String]) -> String { "\(problems.count) 行有误，未导入任何编号，请改正后重新导入" }

    /// Stores every number of the file, or none: each bad row is named with its number (then
    /// nothing is stored, and the count is 0).
    func importRows(_ rows: [TableRow], _ txn: any PluginTransaction) throws -> (imported: Int, problems: [String]) {
        guard let header = rows.first else { throw PluginError.badRequest("文件为空") }
        guard let column = header.cells.firstIndex(where: { ["协议书编号", "agreementNumber"].contains($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw PluginError.badRequest("第 \(header.number) 行：缺少列“协议书编号”", field: "协议书编号")
        }
        let regex = try Regex(pattern)
        var problems: [String] = []
        var seen: [String: Int] = [:]
        var numbers: [String] = []
        for row in rows.dropFirst() {
            let number = column < row.cells.count ? row.cells[column].trimmingCharacters(in: .whitespaces) : ""
            if number.isEmpty { continue }
            if (try? regex.wholeMatch(in: number)) == nil {
                problems.append("第 \(row.number) 行：协议书编号 \(number) 不符合格式")
            } else if let first = seen[number] {
                problems.append("第 \(row.number) 行：协议书编号 \(number) 与第 \(first) 行重复")
            } else if try txn.getData("free", number) != nil || txn.getData("issued", number) != nil {
                problems.append("第 \(row.number) 行：协议书编号 \(number) 已存在")
            } else {
                seen[number] = row.number
                numbers.append(number)
            }
        }
        guard problems.isEmpty else { return (0, problems) }
        let now = Date().timeIntervalSince1970
        for n in numbers { try txn.put("free", n, now) }
        return (numbers.count, [])
    }

    func counts(_ txn: any PluginTransaction) throws -> (free: Int, issued: Int) {
        var free = 0, issued = 0
        try txn.scan("free", prefix: "") { _, _ in free += 1; return true }
        try txn.scan("issued", prefix: "") { _, _ in issued += 1; return true }
        return (free, issued)
    }

    /// The next free number, taken from the pool for `record` of `student`.
    func take(for student: String, record: String, _ txn: any PluginTransaction) throws -> String {
        guard let number = try nextFree(txn) else { throw PluginError.conflict("协议书编号已用完，请先导入") }
        try txn.delete("free", number)
        try txn.put("issued", number, Issued(student: student, record: record))
        return number
    }

    /// The number the next issue takes, if any is left.
    func nextFree(_ txn: any PluginTransaction) throws -> String? {
        var next: String?
        try txn.scan("free", prefix: "") { key, _ in next = key; return false }
        return next
    }

    /// Moves an issued number to another record of the same student.
    func move(_ number: String, student: String, to record: String, _ txn: any PluginTransaction) throws {
        try txn.put("issued", number, Issued(student: student, record: record))
    }

    /// A blank agreement with the next number for `student`, unless they hold one already or an
    /// agreement binds them.
    func issue(to student: String, signingType: String, _ txn: any PluginTransaction) throws -> RecordSnapshot {
        let records = txn.records
        let held = try records.records(AgreementsPlugin.kind, student: student)
        if held.contains(where: { $0.state == "blank" }) { throw PluginError.conflict("该学生已有空白协议书") }
        if held.contains(where: { AgreementsPlugin.currentStates.contains($0.state) }) { throw PluginError.conflict("该学生已有进行中或已完成的三方协议") }
        // Checked before anything is written: a refusal leaves no trace in the batch's transaction.
        guard try nextFree(txn) != nil else { throw PluginError.conflict("协议书编号已用完，请先导入") }
        var blank = try records.create(AgreementsPlugin.kind, student: student, values: ["signingType": .string(signingType)], action: nil)
        let number = try take(for: student, record: blank.id, txn)
        // The number is nobody's to type: the plugin itself sets it, as the core.
        blank = try txn.systemRecords.update(AgreementsPlugin.kind, blank.id, values: ["agreementNumber": .string(number)])
        return blank
    }
}
