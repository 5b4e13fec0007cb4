import PluginAPI
import Storage

/// Two sorted databases walked side by side with cursors, their bytes compared in place: text is
/// made only for what is flagged, so a pass over 100 000 records allocates for a few.
extension RecordAuditor {
    /// The entries of a database under `prefix`, the prefix cut from their keys.
    struct Walk {
        let cursor: Cursor
        let prefix: [UInt8]
        private(set) var entry: Cursor.Entry?

        init(_ cursor: Cursor, prefix: [UInt8] = []) throws {
            self.cursor = cursor
            self.prefix = prefix
            entry = prefix.isEmpty ? try cursor.first() : try cursor.seek(atLeast: prefix)
            trim()
        }

        mutating func advance() throws {
            entry = try cursor.next()
            trim()
        }

        private mutating func trim() {
            if let e = entry, !e.key.starts(with: prefix) { entry = nil }
        }

        var key: UnsafeRawBufferPointer? { entry.map { UnsafeRawBufferPointer(rebasing: $0.key[prefix.count...]) } }
        /// The value as a record id (stored as a key: its text, then a 0).
        var id: UnsafeRawBufferPointer? { entry.map { UnsafeRawBufferPointer(rebasing: $0.value.dropLast()) } }
    }

    /// Files (by hash) on records of more than one student: the hashes in the field (the index,
    /// under the rule's position) merged with the files attached (`audit-files`), both in hash order.
    func sharedFiles(_ txn: Transaction, _ position: Int) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        var sha: [UInt8] = [], first: [UInt8] = [], ids: [String] = []
        func close() {
            guard !ids.isEmpty else { return }
            let g = AuditGroup(position: position, subject: String(decoding: sha, as: UTF8.self), members: Set(ids).sorted().map { (id: $0, value: "") })
            if g.students > 1 { out.append(g) }
            ids.removeAll()
        }
        try txn.withCursor(index.index.database) { a in
            try txn.withCursor(index.files) { b in
                var terms = try Walk(a, prefix: [UInt8(position)]), files = try Walk(b)
                while terms.key != nil || files.key != nil {
                    let fromTerms = files.key.map { f in terms.key.map { !f.lexicographicallyPrecedes($0) } ?? false } ?? true
                    let key = (fromTerms ? terms.key : files.key)!, id = (fromTerms ? terms.id : files.id)!
                    if key.elementsEqual(sha) {
                        if ids.isEmpty { ids.append(String(decoding: first, as: UTF8.self)) }
                        ids.append(String(decoding: id, as: UTF8.self))
                    } else {
                        close()
                        sha.removeAll(keepingCapacity: true); sha.append(contentsOf: key)
                        first.removeAll(keepingCapacity: true); first.append(contentsOf: id)
                    }
                    if fromTerms { try terms.advance() } else { try files.advance() }
                }
            }
        }
        close()
        return out
    }

    /// Walks the rule's (id, value) terms beside `table` (id → value), both in id order, and makes
    /// a group of each record in both whose value and the table's `flags` says.
    func merged(_ txn: Transaction, _ position: Int, with table: Table<String, String>,
                flags: (_ value: UnsafeRawBufferPointer, _ other: UnsafeRawBufferPointer) -> Bool,
                group: (_ id: String, _ value: String, _ other: String) -> AuditGroup) throws -> [AuditGroup] {
        var out: [AuditGroup] = []
        try txn.withCursor(index.index.database) { a in
            try txn.withCursor(table.database) { b in
                var terms = try Walk(a, prefix: [UInt8(position)]), rows = try Walk(b)
                while let t = terms.key, let r = rows.key, let other = rows.entry?.value {
                    let split = t.firstIndex(of: 0) ?? t.count
                    let id = UnsafeRawBufferPointer(rebasing: t[..<split]), rowID = UnsafeRawBufferPointer(rebasing: r.dropLast())
                    if id.elementsEqual(rowID) {
                        let value = UnsafeRawBufferPointer(rebasing: t[min(split + 1, t.count)...])
                        if flags(value, other) {
                            out.append(group(String(decoding: id, as: UTF8.self), String(decoding: value, as: UTF8.self), String(decoding: other, as: UTF8.self)))
                        }
                        try terms.advance(); try rows.advance()
                    } else if id.lexicographicallyPrecedes(rowID) {
                        try terms.advance()
                    } else {
                        try rows.advance()
                    }
                }
            }
        }
        return out
    }
}
