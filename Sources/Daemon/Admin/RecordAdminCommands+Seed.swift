import AdminProtocol
import Foundation
import PluginAPI
import Storage

/// The `seed` verbs: demo and benchmark data.
extension RecordAdminCommands {
    /// `seed institution`: a made-up school on an empty database.
    static func seedInstitution(services: CoreServices) -> AdminCommandSpec {
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
        }
    }

    /// `seed records KIND`: demo and benchmark records.
    static func seedRecords(services: CoreServices) -> AdminCommandSpec {
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
        }
    }
}
