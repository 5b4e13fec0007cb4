import Foundation
import PluginAPI
import Storage

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
        let pendingLevel = kind.pipeline?.stages.firstIndex { ReviewState.pending($0.role) == ReviewState(id: state) }
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
