import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// `audit verify` and `outbox list`: the records' histories and notifications from the socket.
enum RecordAdminCommands {
    static let verbs: Set<String> = ["audit verify", "outbox list", "outbox retry", "outbox purge", "seed records", "seed institution", "stats", "export"]

    /// The verdict of `audit verify`: the schemes in use always, every chain's with `--chains`.
    static func auditReply(_ report: AuditVerifier.Report, listChains: Bool) throws -> AdminReply {
        let rows = report.problems.map { [$0.kind, $0.record, "\($0.seq)", $0.problem] }
        let schemes = AuditVerifier.ChainScheme.allCases.map { ($0.rawValue, JSONValue.int(report.count($0))) }
        let summary = "chains: \(report.count(.keyed)) keyed (HMAC-SHA256), \(report.count(.legacy)) legacy (unkeyed SHA-256), "
            + "\(report.count(.legacyThenKeyed)) legacy then keyed, \(report.count(.empty)) without history"
        guard report.problems.isEmpty else {
            throw AdminFailure(code: .failed, message: "history verification FAILED: \(report.problems.count) problem(s)\n"
                               + rows.map { $0.joined(separator: "  ") }.joined(separator: "\n") + "\n" + summary)
        }
        var result: JSONObject = ["records": .int(report.records), "entries": .int(report.entries), "problems": [], "schemes": .object(JSONObject(schemes))]
        let message = "history intact: \(report.records) records, \(report.entries) entries; " + summary
        guard listChains else { return AdminReply(result: .object(result), message: message) }
        result["chains"] = .array(report.chains.map { ["kind": .string($0.kind), "record": .string($0.record), "scheme": .string($0.scheme.rawValue)] })
        return AdminReply(result: .object(result), columns: ["KIND", "RECORD", "SCHEME"],
                          rows: report.chains.map { [$0.kind, $0.record, $0.scheme.rawValue] }, message: message)
    }

    static func make(services: CoreServices) -> [AdminCommandSpec] {
        [auditVerify, seedInstitution, seedRecords, export, stats, outboxList, outboxRetry, outboxPurge].map { $0(services) }
    }

    /// `audit verify [KIND] [--chains]`.
    static func auditVerify(services: CoreServices) -> AdminCommandSpec {
        AdminCommandSpec(words: ["audit", "verify"], usage: "[KIND] [--chains]",
                         summary: "check every record's hash-chained history (keyed HMAC, or legacy unkeyed); report altered or missing entries; --chains lists each record's scheme",
                         changesState: false) { request in
            let kinds = try services.kinds()
            let chosen = try request.arguments.first.map { [try kinds.kind($0)] } ?? kinds.tables.values.sorted { $0.spec.id < $1.spec.id }
            let report = try services.directory.environment.read { txn in try AuditVerifier.verify(txn, kinds: chosen) }
            return try auditReply(report, listChains: request.flags.contains("chains"))
        }
    }
}
