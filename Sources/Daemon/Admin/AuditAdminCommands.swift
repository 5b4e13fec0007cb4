import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// `audit NAME`: a kind's 数据核查 from the socket, over everything (`audit employment`).
/// The name is the one the kind declares (``RecordAudit/name``); its kind id works too.
enum AuditAdminCommands {
    static let verbs: Set<String> = ["audit"]

    static func make(services: CoreServices) -> [AdminCommandSpec] {
        [AdminCommandSpec(words: ["audit"], usage: "NAME [--cohort YEAR]",
                          summary: "suspicious records a reviewer should look at twice (e.g. audit employment: shared proof, employer names, contacts, dates)",
                          changesState: false, valueOptions: ["cohort"]) { request in
            let kinds = try services.kinds()
            let audited = kinds.tables.values.filter { $0.audit != nil }.sorted { $0.spec.id < $1.spec.id }
            let names = audited.compactMap { $0.spec.audit?.name }.joined(separator: ", ")
            guard request.arguments.count == 1, let name = request.arguments.first else {
                throw AdminFailure(code: .usage, message: "usage: audit NAME [--cohort YEAR] (names: \(names))")
            }
            guard let kind = audited.first(where: { $0.spec.audit?.name == name || $0.spec.id == name }) else {
                throw AdminFailure(code: .usage, message: "no audit named \"\(name)\" (names: \(names))")
            }
            let cohort = try request.options["cohort"].map { c in
                guard let y = UInt16(c) else { throw AdminFailure(code: .usage, message: "--cohort is a year") }
                return y
            }
            let auditor = try RecordAuditor(kinds: kinds, kind: kind, records: .system, cohort: cohort)
            let flags = try services.directory.environment.read { try auditor.all($0) }
            return try reply(flags, kind: kind)
        }]
    }

    /// One row per flag: the rule, the students (the first ten; `--json` has them all), the evidence.
    static func reply(_ flags: [AuditFlag], kind: RecordTables) throws -> AdminReply {
        let rows = flags.map { f in
            let names = f.records.prefix(10).map { "\($0.student) \($0.studentName)" }.joined(separator: "、")
            return [f.label, names + (f.records.count > 10 ? " 等 \(f.records.count) 人" : ""), f.message]
        }
        var counts: [String: Int] = [:]
        for f in flags { counts[f.label, default: 0] += 1 }
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "，")
        let label = kind.spec.audit?.label.zh ?? kind.spec.id
        return AdminReply(result: ["kind": .string(kind.spec.id), "flags": try JSONValue(encoding: flags)],
                          columns: ["规则", "学生", "依据"], rows: rows,
                          message: flags.isEmpty ? "\(label)：没有需要复核的记录" : "\(label)：\(flags.count) 条提示（\(summary)）")
    }
}
