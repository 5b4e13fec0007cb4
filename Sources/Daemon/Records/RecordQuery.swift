import Foundation
import PluginAPI
import Storage

/// Lists and searches records inside a scope, driven by the narrowest index a filter offers and
/// checked record by record for the rest, so a page costs about its own size.
struct RecordQuery {
    let kind: RecordTables
    let scope: Scope

    /// The allowed page sizes.
    static let pageSizes: Set<Int> = [20, 50, 100, 200]
    /// The most values one search takes.
    static let maxSearchValues = 2000

    struct Filter {
        var cohort: UInt16?
        var college: UInt32?
        var major: UInt32?
        var classID: UInt32?
        var state: String?
        /// (level index, status).
        var levels: [(Int, LevelStatus)] = []
        /// (indexed field position, term).
        var fields: [(Int, String)] = []

        func matches(_ r: StoredRecord) -> Bool {
            if let cohort, r.cohort != cohort { return false }
            if let college, r.collegeID != college { return false }
            if let major, r.majorID != major { return false }
            if let classID, r.classID != classID { return false }
            if let state, r.state != state { return false }
            for (i, s) in levels where i >= r.levels.count || r.levels[i] != s { return false }
            for (i, t) in fields where i >= r.terms.count || r.terms[i] != t { return false }
            return true
        }
    }

    enum Order: String {
        case id, idDescending = "-id", updated, updatedDescending = "-updated"
    }

    /// One page: records after the cursor in the chosen order.
    func list(_ txn: Transaction, filter: Filter, order: Order, after: String?, size: Int) throws -> [StoredRecord] {
        var page: [StoredRecord] = []
        func take(_ r: StoredRecord) -> Bool {
            if kind.shows(r, to: scope) && filter.matches(r) { page.append(r) }
            return page.count < size
        }
        // Sorting by time needs every candidate; sorting by id can stream.
        if order == .updated || order == .updatedDescending {
            var all: [StoredRecord] = []
            try candidates(txn, filter: filter) { r in
                if kind.shows(r, to: scope) && filter.matches(r) { all.append(r) }
                return true
            }
            all.sort { order == .updated ? ($0.updated, $0.id) < ($1.updated, $1.id) : ($0.updated, $0.id) > ($1.updated, $1.id) }
            let start = after.flatMap { a in all.firstIndex { $0.id == a }.map { $0 + 1 } } ?? 0
            return Array(all.dropFirst(start).prefix(size))
        }
        let descending = order == .idDescending
        if let ids = try candidateIDs(txn, filter: filter) {
            var sorted = ids
            if descending { sorted.reverse() }
            var start = 0
            if let after {
                start = descending ? (sorted.firstIndex { $0 < after } ?? sorted.count) : (sorted.firstIndex { $0 > after } ?? sorted.count)
            }
            for id in sorted[start...] {
                guard let r = try kind.records.get(txn, id) else { continue }
                if !take(r) { break }
            }
        } else {
            // Everything in scope: walk the records table from the cursor.
            let range: KeyRange = descending
                ? KeyRange(from: nil, to: after.map { $0.keyBytes })
                : KeyRange(from: after.map { $0.keyBytes + [0] }, to: nil)
            try kind.records.primary.scan(txn, range: range, reverse: descending) { _, r in take(r) }
        }
        return page
    }

    /// How many records in scope match `filter`. Only the whole table unfiltered is read from the
    /// table's count; anything narrower is counted record by record.
    func count(_ txn: Transaction, filter: Filter) throws -> Int {
        let unfiltered = filter.cohort == nil && filter.college == nil && filter.major == nil && filter.classID == nil
            && filter.state == nil && filter.levels.isEmpty && filter.fields.isEmpty
        if unfiltered && scope.all && kind.spec.staffVisibility == nil { return try kind.records.primary.count(txn) }
        var n = 0
        try candidates(txn, filter: filter) { r in
            if kind.shows(r, to: scope) && filter.matches(r) { n += 1 }
            return true
        }
        return n
    }

    /// Visits every candidate record (for orders other than by id).
    private func candidates(_ txn: Transaction, filter: Filter, _ body: (StoredRecord) throws -> Bool) throws {
        if let ids = try candidateIDs(txn, filter: filter) {
            for id in ids { if let r = try kind.records.get(txn, id), try !body(r) { return } }
        } else {
            try kind.records.primary.scan(txn) { _, r in try body(r) }
        }
    }

    /// Record ids from the narrowest index a filter or the scope offers, sorted; nil when the whole
    /// table is the narrowest.
    private func candidateIDs(_ txn: Transaction, filter: Filter) throws -> [String]? {
        func unit(_ index: SecondaryIndex<String, StoredRecord>, _ id: UInt32) throws -> [String] {
            if let c = filter.cohort { return try index.keys(txn, matching: KeyPair(id, c)) }   // one term: already sorted
            var out: [String] = []
            try index.scan(txn, prefix: KeyPrefix(id)) { _, k in out.append(k); return true }
            return out.sorted()
        }
        if let (i, term) = filter.fields.first {
            let index = kind.byField[kind.termFields[i].key]!
            return try index.keys(txn, matching: term)
        }
        if let c = filter.classID { return try unit(kind.byClass, c) }
        if let m = filter.major { return try unit(kind.byMajor, m) }
        if let c = filter.college { return try unit(kind.byCollege, c) }
        if let state = filter.state { return try kind.byState.keys(txn, matching: state) }
        if scope.all { return nil }
        var ids = Set<String>()
        for c in scope.colleges { ids.formUnion(try unit(kind.byCollege, c)) }
        for c in scope.classes { ids.formUnion(try unit(kind.byClass, c)) }
        for s in scope.students { ids.formUnion(try kind.byStudent.keys(txn, matching: s)) }
        for e in scope.employers { ids.formUnion(try kind.byParty.keys(txn, matching: e)) }
        return ids.sorted()
    }

    /// Splits text pasted from an Excel column: newlines, tabs, commas (full-width too), spaces trimmed,
    /// repeats dropped.
    static func searchValues(_ text: String) -> [String] {
        // On Unicode scalars, not Characters: a pasted column of 2000 values must split in microseconds.
        let separators: Set<Unicode.Scalar> = ["\n", "\r", "\t", ",", "，", ";", "；", "\u{2028}"]
        var seen = Set<String>()
        var out: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            let v = String(current).trimmingSpaces
            if !v.isEmpty && seen.insert(v).inserted { out.append(v) }
            current = String.UnicodeScalarView()
        }
        for u in text.unicodeScalars {
            if separators.contains(u) { flush() } else { current.append(u) }
        }
        flush()
        return out
    }

    /// Visits the records whose student number or student name is among `values`, in scope, in
    /// the order of the values, read in place; returns the values nothing matched.
    func search(_ txn: Transaction, values: [String], directory: DirectoryStore, _ visit: (RecordView) throws -> Void) throws -> [String] {
        var unmatched: [String] = []
        let onePerStudent = kind.spec.cardinality == .onePerStudent
        let db = kind.records.primary.database
        func visitRecord(_ id: String) throws -> Bool {
            try txn.withValue(db, id.keyBytes) { raw -> Bool in
                let view = try RecordView(raw)
                guard kind.shows(view, to: scope) else { return false }
                try visit(view)
                return true
            } ?? false
        }
        func records(of number: String) throws -> [String] {
            onePerStudent ? [number] : try kind.byStudent.keys(txn, matching: number)
        }
        for v in values {
            var found = false
            // One record per student: its id is the student number, no index needed.
            for id in try records(of: v) where try visitRecord(id) { found = true }
            if !found {
                for number in try directory.byName.keys(txn, matching: v) {
                    for id in try records(of: number) where try visitRecord(id) { found = true }
                }
            }
            if !found { unmatched.append(v) }
        }
        return unmatched
    }
}
