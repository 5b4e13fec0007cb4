import PluginAPI
import Storage

/// The whole kind's groups, each rule from its own part of the index: keys are read in order and
/// grouped as they come, records are read only for the groups that are flagged. The date and
/// approval rules compare two sorted lists record by record (the index against the submissions
/// or approvals), a merge of two index scans: no record is read or decoded for them either.
extension RecordAuditor {
    func groups(_ txn: Transaction) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        for (i, rule) in audit.rules.enumerated() {
            switch rule {
            case .sharedFile: out += try sharedFiles(txn, i)
            case .consistentName: out += try names(txn, i, prefix: [UInt8(i)])
            case .sharedContact(let fields, _): out += try contacts(txn, i, fields: fields, prefix: [UInt8(i)])
            case .dateNotAfterSubmission: out += try submittedBefore(txn, i)
            case .dateWindow: out += try outsideWindows(txn, i)
            case .changedAfterApproval: out += try changedSinceApproval(txn, i)
            }
        }
        return out
    }

    /// Visits each key in `range` of a duplicate-sorted database with its record ids.
    static func eachKey(_ txn: Transaction, _ db: Database, _ range: KeyRange, _ body: ([UInt8], [String]) throws -> Void) throws {
        var key: [UInt8]? = nil
        var ids: [String] = []
        try txn.scan(db, range) { k, v in
            if let current = key, !k.elementsEqual(current) {
                try body(current, ids)
                ids.removeAll(keepingCapacity: true)
                key = Array(k)
            } else if key == nil {
                key = Array(k)
            }
            ids.append(try String(keyBytes: v))
            return true
        }
        if let key { try body(key, ids) }
    }

    /// The parts of a term after its rule's position.
    static func parts(_ term: [UInt8], skipping n: Int = 1) -> [String] {
        term.dropFirst(n).split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Keys (credit codes) given with more than one name, among the terms under `prefix`. The
    /// group lists the records whose name is not the one most give (all of them on a tie): an
    /// employer of 130 graduates with one misspelt name flags that one record, and the evidence
    /// counts every name.
    func names(_ txn: Transaction, _ position: Int, prefix: [UInt8]) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        var code: String? = nil
        var members: [(id: String, value: String)] = []
        func close() {
            guard let code, Set(members.map(\.value)).count > 1, Set(members.map { AuditGroup.student($0.id) }).count > 1 else { return }
            var counts: [String: Int] = [:]
            for m in members { counts[m.value, default: 0] += 1 }
            let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            let common = ranked[0].value > ranked[1].value ? ranked[0].key : nil
            out.append(AuditGroup(position: position, subject: code, detail: ranked.map { "\($0.key)（\($0.value) 人）" }.joined(separator: "、"),
                                  members: members.filter { $0.value != common }))
        }
        try Self.eachKey(txn, index.index.database, .prefix(prefix)) { term, ids in
            let p = Self.parts(term)
            guard p.count == 2 else { return }
            if p[0] != code { close(); code = p[0]; members = [] }
            members += ids.map { (id: $0, value: p[1]) }
        }
        close()
        return out
    }

    /// Contacts given for more than the limit of students whose employers differ, under `prefix`.
    func contacts(_ txn: Transaction, _ position: Int, fields: [String], prefix: [UInt8]) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        var current: (field: Int, contact: String)? = nil
        var members: [(id: String, value: String)] = []
        func close() {
            guard let c = current, c.field < fields.count, Set(members.map(\.value)).count > 1 else { return }
            let g = AuditGroup(position: position, subject: c.contact, detail: fields[c.field], members: members)
            if g.students > audit.sharedContactLimit { out.append(g) }
        }
        try Self.eachKey(txn, index.index.database, .prefix(prefix)) { term, ids in
            guard term.count > 2 else { return }
            let field = Int(term[1]) - 1, p = Self.parts(term, skipping: 3)
            guard p.count == 2 else { return }
            if current?.field != field || current?.contact != p[0] { close(); current = (field, p[0]); members = [] }
            members += ids.map { (id: $0, value: p[1]) }
        }
        close()
        return out
    }
}
