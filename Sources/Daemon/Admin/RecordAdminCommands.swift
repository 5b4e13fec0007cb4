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
        [
            AdminCommandSpec(words: ["audit", "verify"], usage: "[KIND] [--chains]",
                             summary: "check every record's hash-chained history (keyed HMAC, or legacy unkeyed); report altered or missing entries; --chains lists each record's scheme",
                             changesState: false) { request in
                let kinds = try services.kinds()
                let chosen = try request.arguments.first.map { [try kinds.kind($0)] } ?? kinds.tables.values.sorted { $0.spec.id < $1.spec.id }
                let report = try services.directory.environment.read { txn in try AuditVerifier.verify(txn, kinds: chosen) }
                return try auditReply(report, listChains: request.flags.contains("chains"))
            },
            AdminCommandSpec(words: ["seed", "institution"], usage: "--students N [--cohorts K] [--colleges C] [--password P]",
                             summary: "a made-up school on an empty database: registry, staff accounts school / college-1 / counselor-1 (password P, default Demo@2026), records in every enabled plugin in realistic proportions",
                             changesState: true, valueOptions: ["students", "cohorts", "colleges", "password"]) { request in
                guard let n = request.options["students"].flatMap(Int.init), n > 0 else {
                    throw AdminFailure(code: .usage, message: "usage: seed institution --students N [--cohorts K] [--colleges C]")
                }
                let registry = SyntheticRegistry(colleges: request.options["colleges"].flatMap(Int.init) ?? max(1, min(20, n / 500)),
                                                 cohorts: request.options["cohorts"].flatMap(Int.init) ?? 3)
                let env = services.directory.environment
                guard try env.read({ try services.directory.students.primary.count($0) }) == 0 else {
                    throw AdminFailure(code: .failed, message: "seed institution needs an empty registry (this one has students)")
                }
                let kinds = try services.kinds()
                let imported = try StudentImport.forKinds(kinds, store: services.directory).run(registry.csv(students: n), skipInvalid: false) { done, _ in
                    request.progress(done / 2, n)
                }
                guard imported.applied else { throw AdminFailure(code: .failed, message: "the generated registry did not import: \(imported.problems.first?.description ?? "")") }
                let numbers = try env.read { txn in
                    var out: [String] = []
                    try services.directory.students.primary.scan(txn) { k, _ in out.append(k); return true }
                    return out
                }
                let seeder = InstitutionSeeder(kinds: kinds, directory: services.directory)
                var report = InstitutionSeeder.Report()
                let now = Date().timeIntervalSince1970
                for start in stride(from: 0, to: numbers.count, by: 5000) {
                    let chunk = numbers[start..<min(start + 5000, numbers.count)]
                    try env.write { txn in
                        let entries = try chunk.compactMap { try services.directory.students.get(txn, $0) }
                        try seeder.run(txn, range: start..<start + entries.count, students: entries, now: now, report: &report)
                    }
                    request.progress(n / 2 + (start + chunk.count) / 2, n)
                }
                report.students = numbers.count
                try InstitutionSeeder.addStaff(directory: services.directory, password: request.options["password"] ?? DemoInstitution.staffPassword,
                                               hasher: AccountService.hasher(services.accounts.settings()))
                let counts = report.records.sorted { $0.key < $1.key }
                return AdminReply(result: ["students": .int(report.students), "records": .object(JSONObject(counts.map { ($0.key, JSONValue.int($0.value)) }))],
                                  columns: ["KIND", "RECORDS"], rows: [["students", String(report.students)]] + counts.map { [$0.key, String($0.value)] },
                                  message: "\(report.students) students, \(counts.map(\.value).reduce(0, +)) records")
            },
            AdminCommandSpec(words: ["seed", "records"], usage: "KIND [--count N] [--state STATE]",
                             summary: "demo and benchmark data: records for students without one, or untouched imported ones moved to --state",
                             changesState: true, valueOptions: ["count", "state"]) { request in
                guard let name = request.arguments.first else { throw AdminFailure(code: .usage, message: "usage: seed records KIND [--count N] [--state STATE]") }
                let kind = try services.kinds().kind(name)
                let count = request.options["count"].flatMap(Int.init) ?? Int.max
                let state = request.options["state"] ?? kind.workflow?.initial ?? ""
                guard kind.workflow == nil || kind.workflow!.states.contains(where: { $0.id == state }) else {
                    throw AdminFailure(code: .usage, message: "kind \(name) has no state \(state)")
                }
                let created = try services.directory.environment.write { txn in
                    try RecordSeeder(kind: kind, directory: services.directory).seed(txn, count: count, state: state, progress: request.progress)
                }
                return AdminReply(result: ["created": .int(created)], message: "\(created) \(name) record(s) created in state \(state)")
            },
            AdminCommandSpec(words: ["export"], usage: "KIND FILE [--format csv|xlsx] [--preset national|school] [--fields a,b] [--cohort YEAR]",
                             summary: "export a kind's records to FILE (written by the daemon)", changesState: false,
                             valueOptions: ["format", "preset", "fields", "cohort"]) { request in
                guard request.arguments.count == 2 else { throw AdminFailure(code: .usage, message: "usage: export KIND FILE [--format csv|xlsx]") }
                let kinds = try services.kinds()
                let kind = try kinds.kind(request.arguments[0])
                let path = request.resolvePath(request.arguments[1])
                var r = RecordExport.Request()
                r.format = request.options["format"] ?? (path.hasSuffix(".xlsx") ? "xlsx" : "csv")
                r.preset = request.options["preset"]
                r.fields = request.options["fields"].map { $0.split(separator: ",").map(String.init) }
                r.cohort = request.options["cohort"].flatMap(UInt16.init)
                let rows = try ScopedRecords.system.export(kind, environment: services.directory.environment, codeTables: kinds.codeTables)
                    .run(r, to: path, progress: request.progress)
                return AdminReply(result: ["rows": .int(rows), "path": .string(path)], message: "\(rows) rows written to \(path)")
            },
            AdminCommandSpec(words: ["stats"], usage: "KIND [--by DIMENSION] [--cohort YEAR] [--group none|college|major|class]",
                             summary: "live counts of a kind's records (state, a level's status, a code field)", changesState: false,
                             valueOptions: ["by", "cohort", "group"]) { request in
                guard let name = request.arguments.first else { throw AdminFailure(code: .usage, message: "usage: stats KIND [--by DIMENSION]") }
                let kind = try services.kinds().kind(name)
                let by = request.options["by"] ?? "state"
                guard by == "total" || kind.dimensions.contains(by) else {
                    throw AdminFailure(code: .usage, message: "dimensions of \(name): \((["total"] + kind.dimensions).joined(separator: ", "))")
                }
                guard let group = StatsQuery.Group(rawValue: request.options["group"] ?? "college") else {
                    throw AdminFailure(code: .usage, message: "--group is none, college, major or class")
                }
                let cohort = try request.options["cohort"].map { c in
                    guard let y = UInt16(c) else { throw AdminFailure(code: .usage, message: "--cohort is a year") }
                    return y
                }
                let env = services.directory.environment
                let (r, units) = try env.read { txn in
                    (try ScopedRecords.system.statistics(kind).run(txn, dimension: by, cohort: cohort, college: nil, group: group),
                     try services.directory.unitsByID(txn))
                }
                let values = r.totals.keys.sorted()
                var rows = r.groups.sorted { $0.key < $1.key }.map { id, c in [units[id]?.name ?? "-"] + values.map { String(c[$0] ?? 0) } }
                rows.append(["合计"] + values.map { String(r.totals[$0] ?? 0) })
                return AdminReply(result: StatsQuery.json(r, kind: kind, dimension: by, units: units), columns: [group.rawValue.uppercased()] + values, rows: rows)
            },
            AdminCommandSpec(words: ["outbox", "list"], usage: "[--dead] [--limit N]", summary: "notifications waiting to be sent (or dead-lettered), oldest first",
                             changesState: false, valueOptions: ["limit"]) { request in
                let limit = request.options["limit"].flatMap(Int.init) ?? 50
                let dead = request.flags.contains("dead")
                let pending = try services.directory.environment.read { try services.outbox.pending($0, limit: Int.max) }
                    .filter { ($0.1["status"]?.stringValue == "dead") == dead }.prefix(limit)
                return AdminReply(result: .array(pending.map(\.1)), columns: ["SEQ", "EVENT", "TO", "RECORD", "TRIES", "LAST ERROR"],
                                  rows: pending.map { seq, m in
                                      ["\(seq)", m["event"]?.stringValue ?? "", m["to"]?.stringValue ?? "", m["record"]?.stringValue ?? "",
                                       "\(m["attempts"]?.objectValue?.map { $0.value.intValue ?? 0 }.max() ?? 0)", m["lastError"]?.stringValue ?? ""]
                                  })
            },
            AdminCommandSpec(words: ["outbox", "retry"], usage: "[SEQ…]", summary: "send dead-lettered notifications again (all, or those named)",
                             changesState: true) { request in
                let chosen = Set(request.arguments.compactMap(UInt64.init))
                let n = try services.directory.environment.write { txn -> Int in
                    var revived = 0
                    for (seq, message) in try services.outbox.pending(txn, limit: Int.max) where chosen.isEmpty || chosen.contains(seq) {
                        guard var m = message.objectValue, m["status"]?.stringValue == "dead" else { continue }
                        m["status"] = nil; m["attempts"] = nil; m["nextAttempt"] = nil
                        try services.outbox.table.put(txn, seq, Array(try JSONValue.object(m).jsonData()))
                        revived += 1
                    }
                    return revived
                }
                return AdminReply(result: ["retried": .int(n)], message: "\(n) notification(s) queued again")
            },
            AdminCommandSpec(words: ["outbox", "purge"], usage: "[--all]", summary: "delete dead-lettered notifications (--all: every queued one)",
                             changesState: true) { request in
                let all = request.flags.contains("all")
                let n = try services.directory.environment.write { txn -> Int in
                    var removed = 0
                    for (seq, m) in try services.outbox.pending(txn, limit: Int.max) where all || m["status"]?.stringValue == "dead" {
                        try services.outbox.table.delete(txn, seq)
                        removed += 1
                    }
                    return removed
                }
                return AdminReply(result: ["purged": .int(n)], message: "\(n) notification(s) deleted")
            },
        ]
    }
}

/// Recomputes every history chain: each entry's hash under its scheme (keyed: HMAC bound to the
/// kind and record; legacy: unkeyed, accepted only up to the head sealed when keying began),
/// consecutive sequence numbers, and the head the record itself remembers.
enum AuditVerifier {
    struct Problem: Equatable {
        var kind: String
        var record: String
        var seq: UInt32
        var problem: String
    }
    /// Which schemes a record's chain uses.
    enum ChainScheme: String, CaseIterable {
        case keyed, legacy, legacyThenKeyed = "legacy-then-keyed", empty
    }
    struct Report {
        var records = 0
        var entries = 0
        var problems: [Problem] = []
        var chains: [(kind: String, record: String, scheme: ChainScheme)] = []
        func count(_ s: ChainScheme) -> Int { chains.filter { $0.scheme == s }.count }
    }

    static func verify(_ txn: Transaction, kinds: [RecordTables]) throws -> Report {
        var report = Report()
        for kind in kinds {
            try kind.records.primary.scan(txn) { id, record in
                report.records += 1
                let entries = try kind.entries(txn, of: id)
                report.entries += entries.count
                let (problems, scheme) = try check(txn, kind, id, record, entries)
                report.problems += problems
                report.chains.append((kind.spec.id, id, scheme))
                return true
            }
        }
        return report
    }

    private static func check(_ txn: Transaction, _ kind: RecordTables, _ id: String, _ record: StoredRecord,
                              _ entries: [HistoryEntry]) throws -> ([Problem], ChainScheme) {
        var problems: [Problem] = []
        func problem(_ seq: UInt32, _ text: String) { problems.append(Problem(kind: kind.spec.id, record: id, seq: seq, problem: text)) }
        var prev: [UInt8] = []
        var expected: UInt32 = 1
        var lastLegacy: HistoryEntry?
        var keyed = false
        for e in entries {
            if e.seq != expected {
                problem(expected, "entry missing")
                expected = e.seq
            }
            if e.prev != prev { problem(e.seq, "chain broken before this entry") }
            if e.computedHash(key: kind.historyKey, kind: kind.spec.id, record: id) != e.hash { problem(e.seq, "entry altered") }
            switch e.scheme {
            case .keyed: keyed = true
            case .legacy:
                if keyed { problem(e.seq, "unkeyed entry after keyed ones") }
                lastLegacy = e
            }
            prev = e.hash
            expected += 1
        }
        if expected - 1 != record.historyCount || prev != record.historyHead { problem(record.historyCount, "latest entries missing") }
        if let last = lastLegacy,
           try kind.legacySeals.get(txn, id) != HistorySeal.seal(kind.historyKey, kind: kind.spec.id, record: id, head: last.hash) {
            problem(last.seq, "unkeyed entries not sealed when the history key was made (rewritten since)")
        }
        let scheme: ChainScheme = entries.isEmpty ? .empty : (lastLegacy == nil ? .keyed : (keyed ? .legacyThenKeyed : .legacy))
        return (problems, scheme)
    }
}

/// Creates plausible records straight from the registry: the registry fields filled from the
/// student's entry, the levels below `state` approved. For demos and benchmarks.
struct RecordSeeder {
    let kind: RecordTables
    let directory: DirectoryStore

    func seed(_ txn: Transaction, count: Int, state: String, progress: (Int, Int) -> Void) throws -> Int {
        let now = Date().timeIntervalSince1970
        let units = Dictionary(uniqueKeysWithValues: try directory.allUnits(txn).map { ($0.id, $0.name) })
        let total = try directory.students.primary.count(txn)
        var created = 0, seen = 0
        let pendingLevel = kind.pipeline?.stages.firstIndex { ReviewPipeline.pendingState($0.role) == state }
        try directory.students.primary.scan(txn) { number, s in
            seen += 1
            if seen % 5000 == 0 { progress(seen, total) }
            let id = kind.spec.cardinality == .onePerStudent ? number : "\(number).1"
            let existing = try kind.records.get(txn, id)
            // A record made by the import and never touched may be moved on; any other is left alone.
            if let e = existing, e.state != kind.workflow?.initial || e.state == state || e.historyCount > 1 { return true }
            if existing == nil, try kind.byStudent.count(txn, matching: number) > 0 { return true }
            var r = existing ?? StoredRecord(id: id, student: s, state: state, levels: kind.pipeline?.stages.count ?? 0, now: now)
            r.state = state
            if let p = pendingLevel { for i in 0..<p { r.levels[i] = .approved; r.reviewers[i] = "seed" } }
            if state == "approved" { for i in r.levels.indices { r.levels[i] = .approved } }
            var values = try r.valuesObject()
            for (k, v) in kind.registryValues(s, name: { units[$0] }) { values[k] = v }
            try kind.setValues(&r, values)
            r.filled = r.values
            _ = try kind.append(txn, to: &r, actor: "seed", role: "admin", action: "seed", level: "", from: existing?.state ?? "", to: state,
                                reason: "", note: "", now: now)
            try kind.records.put(txn, id, r, replacing: existing)
            created += 1
            return created < count
        }
        return created
    }
}
