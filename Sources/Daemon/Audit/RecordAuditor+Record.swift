import PluginAPI
import Storage

/// One record's groups, for the review screens: each of its terms is one key of the index away,
/// so a record's flags cost a few lookups whatever the size of the kind.
extension RecordAuditor {
    func groups(_ txn: Transaction, of r: StoredRecord) throws -> [AuditGroup] {
        let values = try r.valuesObject()
        var out: [AuditGroup] = []
        for (i, rule) in audit.rules.enumerated() {
            let p = UInt8(i)
            switch rule {
            case .sharedFile(let field):
                out += try sharedFiles(txn, i, of: r, field: AuditTerms.text(values[field]))
            case .consistentName(let key, _):
                guard let code = AuditTerms.text(values[key]).map(AuditTerms.code) else { continue }
                out += try names(txn, i, prefix: AuditTerms.term(p, [code, ""]))
            case .sharedContact(let fields, _):
                for (j, f) in fields.enumerated() {
                    guard let c = AuditTerms.text(values[f]).map(AuditTerms.contact), !c.isEmpty else { continue }
                    out += try contacts(txn, i, fields: fields, prefix: AuditTerms.term(p, [String(UnicodeScalar(UInt8(j + 1))), c, ""]))
                }
            case .dateNotAfterSubmission(let field):
                if let date = AuditTerms.text(values[field]), let day = try index.submitted.get(txn, r.id), date > day {
                    out.append(AuditGroup(position: i, subject: date, detail: day, members: [(id: r.id, value: date)]))
                }
            case .dateWindow(let field):
                if let date = AuditTerms.text(values[field]), let w = audit.windows[Int(r.cohort)], !w.contains(date) {
                    out.append(AuditGroup(position: i, subject: date, detail: String(r.cohort), members: [(id: r.id, value: date)]))
                }
            case .changedAfterApproval(let fields):
                let now = index.terms.snapshot(values, fields)
                if let then = try index.approved.get(txn, r.id), then != now {
                    out.append(AuditGroup(position: i, subject: now, detail: then, members: [(id: r.id, value: "")]))
                }
            }
        }
        return out
    }

    /// The record's files (attached, and the hash in `field`) that other students' records share.
    private func sharedFiles(_ txn: Transaction, _ position: Int, of r: StoredRecord, field: String?) throws -> [AuditGroup] {
        var hashes = Set(field.map { [$0] } ?? [])
        try kind.materials.scan(txn, prefix: KeyPrefix(r.id)) { k, _ in hashes.insert(k.second); return true }
        var out: [AuditGroup] = []
        for sha in hashes.sorted() {
            var ids = Set(try txn.duplicates(index.files, Array(sha.utf8)).map { String(decoding: $0.dropLast(), as: UTF8.self) })
            ids.formUnion(try index.index.keys(txn, matching: RawKey(AuditTerms.term(UInt8(position), [sha]))))
            let g = AuditGroup(position: position, subject: sha, members: ids.sorted().map { (id: $0, value: "") })
            if g.students > 1 { out.append(g) }
        }
        return out
    }
}
