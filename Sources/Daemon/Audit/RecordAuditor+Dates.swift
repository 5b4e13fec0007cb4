import PluginAPI
import Storage

/// The rules about one record at a time: a date against the day of submission or the cohort's
/// window, the watched values against those approved.
extension RecordAuditor {
    /// Records whose date is after their last submission: the index's (id, date) terms merged
    /// with the submissions (id → day). Dates compare as text.
    func submittedBefore(_ txn: Transaction, _ position: Int) throws -> [AuditGroup] {
        try merged(txn, position, with: index.submitted, flags: { date, day in day.lexicographicallyPrecedes(date) }) { id, date, day in
            AuditGroup(position: position, subject: date, detail: day, members: [(id: id, value: date)])
        }
    }

    /// Records whose watched values differ from those at their last final approval.
    func changedSinceApproval(_ txn: Transaction, _ position: Int) throws -> [AuditGroup] {
        try merged(txn, position, with: index.approved, flags: { now, then in !now.elementsEqual(then) }) { id, now, then in
            AuditGroup(position: position, subject: now, detail: then, members: [(id: id, value: "")])
        }
    }

    /// Records whose date lies outside their cohort's window: per cohort with a window, the two
    /// ranges of the index before and after it (records inside it are never visited).
    func outsideWindows(_ txn: Transaction, _ position: Int) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        for (c, window) in audit.windows.sorted(by: { $0.key < $1.key }) {
            guard let cohort = UInt16(exactly: c), self.cohort == nil || self.cohort == cohort, cohort < .max else { continue }
            let prefix = AuditTerms.cohortTerm(UInt8(position), cohort), next = AuditTerms.cohortTerm(UInt8(position), cohort + 1)
            let before = KeyRange(from: prefix, to: prefix + Array(window.from.utf8))
            let after = KeyRange(from: prefix + Array(window.to.utf8) + [0], to: next)
            for range in [before, after] {
                try Self.eachKey(txn, index.index.database, range) { term, ids in
                    let date = String(decoding: term.dropFirst(3), as: UTF8.self)
                    out += ids.map { AuditGroup(position: position, subject: date, detail: String(c), members: [(id: $0, value: date)]) }
                }
            }
        }
        return out
    }
}
