import Foundation
import PluginAPI
import Storage

/// Lists and searches records inside a scope, driven by the narrowest index a filter offers and
/// checked record by record for the rest, so a page costs about its own size.
struct RecordQuery {
    let kind: RecordTables
    /// The caller's view: the only thing here that knows the scope.
    let records: ScopedRecords

    /// The allowed page sizes.
    static let pageSizes: Set<Int> = [20, 50, 100, 200]
    /// The most values one search takes.
    static let maxSearchValues = 2000

    struct Filter {
        var cohort: UInt16?
        var college: UInt32?
        var major: UInt32?
        var classID: UInt32?
        /// Any of these states (`state=a,b`: 解约记录 lists approved and rejected together).
        var states: [String] = []
        /// (level index, status); nil is 已保存未提交 (`unsubmitted`): a record still in its first state,
        /// whatever its levels hold, as the answers and the counters show it.
        var levels: [(Int, LevelStatus?)] = []
        /// The workflow's first state, which reads as unsubmitted at every level.
        var initial = ""
        /// (indexed field position, term).
        var fields: [(Int, String)] = []
        /// (term position, term) of fields kept as terms but not indexed (code fields).
        var terms: [(Int, String)] = []
        /// (key, text) of other fields: checked in the values of the candidates the narrowest
        /// index gives (设置筛选字段 on any declared field).
        var values: [(String, String)] = []

        /// One state, as older callers set it.
        var state: String? {
            get { states.first }
            set { states = newValue.map { [$0] } ?? [] }
        }

        /// Whether a record read in place passes: the cheap checks first, the values parsed last
        /// and only when a filter asks for them (a list reads thousands of candidates).
        func matches(_ v: RecordView) -> Bool {
            if let cohort, v.cohort != cohort { return false }
            if let college, v.collegeID != college { return false }
            if let major, v.majorID != major { return false }
            if let classID, v.classID != classID { return false }
            if !states.isEmpty && !states.contains(v.state) { return false }
            for (i, s) in levels {
                guard let s else { if v.state != initial { return false }; continue }
                if v.state == initial || i >= v.levels.count || v.levels[i] != s { return false }
            }
            for (i, t) in fields where v.term(i) != t { return false }
            for (i, t) in terms where v.term(i) != t { return false }
            if !values.isEmpty {
                guard let parsed = try? FlatJSON.parse(v.values) else { return false }
                for (key, text) in values where parsed[key].map(RecordExport.text) != text { return false }
            }
            return true
        }
    }

    /// The order of a list: by id, by time updated, or by an indexed field (then id).
    enum Order: Equatable {
        case id, idDescending, updated, updatedDescending
        /// By the term at this position (an indexed field).
        case field(Int, descending: Bool)

        /// `id`, `-id`, `updated`, `-updated`, or an indexed field's key, `-` first for descending.
        init?(_ text: String, kind: RecordTables) {
            switch text {
            case "id": self = .id
            case "-id": self = .idDescending
            case "updated": self = .updated
            case "-updated": self = .updatedDescending
            default:
                let descending = text.hasPrefix("-")
                let key = descending ? String(text.dropFirst()) : text
                guard let i = kind.termIndex(key), kind.termFields[i].indexed else { return nil }
                self = .field(i, descending: descending)
            }
        }

        /// Orders that need every candidate before the first row.
        var collects: Bool {
            switch self {
            case .id, .idDescending: false
            default: true
            }
        }

        /// What a record sorts by, read in place: its id and, for these orders, its time or term.
        struct Key {
            var id: String
            var updated: Double
            var term: String
        }

        func key(_ v: RecordView) -> Key {
            if case .field(let i, _) = self { return Key(id: v.idText, updated: 0, term: v.term(i) ?? "") }
            return Key(id: v.idText, updated: v.updated, term: "")
        }

        func precedes(_ a: Key, _ b: Key) -> Bool {
            switch self {
            case .updated: (a.updated, a.id) < (b.updated, b.id)
            case .updatedDescending: (a.updated, a.id) > (b.updated, b.id)
            case .field(_, let descending): descending ? (a.term, a.id) > (b.term, b.id) : (a.term, a.id) < (b.term, b.id)
            case .id: a.id < b.id
            case .idDescending: a.id > b.id
            }
        }
    }

    /// One page: records after the cursor in the chosen order, decoded (what plugins get).
    func list(_ txn: Transaction, filter: Filter, order: Order, after: String?, size: Int) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        try page(txn, filter: filter, order: order, after: after, size: size) { records.append(try StoredRecord(decodingValue: $0.raw)) }
        return records
    }

    /// One page visited in place, in the chosen order: a list answer is written from the stored
    /// bytes, nothing decoded. Returns how many records it visited.
    @discardableResult
    func page(_ txn: Transaction, filter: Filter, order: Order, after: String?, size: Int, _ body: (RecordView) throws -> Void) throws -> Int {
        var count = 0
        // Sorting by time or a field needs every candidate; sorting by id can stream.
        if order.collects {
            // Sort keys only, read in place.
            var keys: [Order.Key] = []
            try candidates(txn, filter: filter) { v in
                keys.append(order.key(v))
                return true
            }
            keys.sort(by: order.precedes)
            let start = after.flatMap { a in keys.firstIndex { $0.id == a }.map { $0 + 1 } } ?? 0
            let db = kind.records.primary.database
            for key in keys.dropFirst(start).prefix(size) {
                try txn.withValue(db, key.id.keyBytes) { raw in
                    try body(try RecordView(raw))
                    count += 1
                }
            }
            return count
        }
        try visit(txn, filter: filter, descending: order == .idDescending, after: after) { _, v in
            try body(v)
            count += 1
            return count < size
        }
        return count
    }

    /// Visits, in id order from the cursor, the records in scope that the filter takes, read in
    /// place, until `body` returns false: a list decodes only what it shows, an export nothing.
    func visit(_ txn: Transaction, filter: Filter, descending: Bool = false, after: String?,
               _ body: (UnsafeRawBufferPointer, RecordView) throws -> Bool) throws {
        let db = kind.records.primary.database
        func take(_ raw: UnsafeRawBufferPointer) throws -> Bool {
            guard let v = try admitted(raw, filter) else { return true }
            return try body(raw, v)
        }
        switch try source(txn, filter: filter) {
        case .term(let index, let term):
            // A page reads its ids from the term's place in the index: its cost is its own size,
            // not the college's or the school's.
            try txn.scanDuplicates(index, term, after: after?.keyBytes, reverse: descending) { id in
                try txn.withValue(db, rawKey: id, take) ?? true
            }
        case .ids(let ids):
            var sorted = ids
            if descending { sorted.reverse() }
            var start = 0
            if let after {
                start = descending ? (sorted.firstIndex { $0 < after } ?? sorted.count) : (sorted.firstIndex { $0 > after } ?? sorted.count)
            }
            for id in sorted[start...] where try !(txn.withValue(db, id.keyBytes, take) ?? true) { return }
        case .table:
            // Everything in scope: walk the records table from the cursor.
            let range: KeyRange = descending
                ? KeyRange(from: nil, to: after.map { $0.keyBytes })
                : KeyRange(from: after.map { $0.keyBytes + [0] }, to: nil)
            try txn.scan(db, range, reverse: descending) { _, raw in try take(raw) }
        }
    }

    /// The record read in place when the scope shows it and the filter takes it.
    private func admitted(_ raw: UnsafeRawBufferPointer, _ filter: Filter) throws -> RecordView? {
        let v = try RecordView(raw)
        return records.shows(kind, v) && filter.matches(v) ? v : nil
    }

    /// How many records in scope match `filter`. Only the whole table unfiltered is read from the
    /// table's count; anything narrower is counted record by record.
    func count(_ txn: Transaction, filter: Filter) throws -> Int {
        let unfiltered = filter.cohort == nil && filter.college == nil && filter.major == nil && filter.classID == nil
            && filter.states.isEmpty && filter.levels.isEmpty && filter.fields.isEmpty && filter.terms.isEmpty && filter.values.isEmpty
        if unfiltered && records.seesWholeTable(kind) { return try kind.records.primary.count(txn) }
        var n = 0
        try candidates(txn, filter: filter) { _ in n += 1; return true }
        return n
    }

    /// Visits every record in scope that the filter takes, read in place (orders other than by
    /// id, and counts): nothing is decoded.
    private func candidates(_ txn: Transaction, filter: Filter, _ body: (RecordView) throws -> Bool) throws {
        try visit(txn, filter: filter, after: nil) { _, v in try body(v) }
    }

    /// Where a filter's candidates come from, narrowest first.
    private enum Source {
        /// One term of an index (a college and cohort, a state, a field's value): its ids are
        /// read in order from the index itself, never collected.
        case term(Database, [UInt8])
        /// Ids gathered from several terms (a unit without a cohort, several states, a scope of
        /// several units), sorted.
        case ids([String])
        /// The whole table.
        case table
    }

    /// The narrowest source a filter or the scope offers.
    private func source(_ txn: Transaction, filter: Filter) throws -> Source {
        func unit(_ index: SecondaryIndex<String, StoredRecord>, _ id: UInt32) throws -> Source {
            if let c = filter.cohort { return .term(index.database, KeyPair(id, c).keyBytes) }
            return .ids(try unitIDs(txn, index, id, cohort: nil))
        }
        if let (i, term) = filter.fields.first {
            return .term(kind.byField[kind.termFields[i].key]!.database, term.keyBytes)
        }
        if let c = filter.classID { return try unit(kind.byClass, c) }
        if let m = filter.major { return try unit(kind.byMajor, m) }
        if let c = filter.college { return try unit(kind.byCollege, c) }
        if filter.states.count == 1 { return .term(kind.byState.database, filter.states[0].keyBytes) }
        if !filter.states.isEmpty { return .ids(try Set(filter.states.flatMap { try kind.byState.keys(txn, matching: $0) }).sorted()) }
        if let (index, id) = records.soleUnit(kind) { return try unit(index, id) }
        return try records.reachableIDs(txn, kind) { index, id in try unitIDs(txn, index, id, cohort: filter.cohort) }.map(Source.ids) ?? .table
    }

    /// One college's or class's record ids (of one cohort when given), sorted.
    private func unitIDs(_ txn: Transaction, _ index: SecondaryIndex<String, StoredRecord>, _ id: UInt32, cohort: UInt16?) throws -> [String] {
        if let cohort { return try index.keys(txn, matching: KeyPair(id, cohort)) }   // one term: already sorted
        var out: [String] = []
        try index.scan(txn, prefix: KeyPrefix(id)) { _, k in out.append(k); return true }
        return out.sorted()
    }

    /// Splits text pasted from an Excel column: newlines, tabs, commas and semicolons (full-width
    /// too), and U+2028 separate; spaces (U+3000 too) are trimmed; repeats dropped.
    static func searchValues(_ text: String) -> [String] {
        var text = text
        // On the UTF-8 bytes: every separator is ASCII or one fixed 3-byte sequence, and a pasted
        // column of 2000 values must split in microseconds.
        return text.withUTF8 { bytes in
            // Room for a full paste (2000 values of ~10 bytes): no rehashing while it grows.
            var seen = Set<String>(minimumCapacity: min(bytes.count / 8, maxSearchValues + 1))
            var out: [String] = []
            func three(_ i: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
                i + 2 < bytes.count && bytes[i] == a && bytes[i + 1] == b && bytes[i + 2] == c
            }
            func flush(_ from: Int, _ to: Int) {
                var a = from, b = to
                while a < b {
                    if bytes[a] == 0x20 { a += 1 } else if three(a, 0xE3, 0x80, 0x80) { a += 3 } else { break }
                }
                while a < b {
                    if bytes[b - 1] == 0x20 { b -= 1 } else if b - a >= 3 && three(b - 3, 0xE3, 0x80, 0x80) { b -= 3 } else { break }
                }
                guard a < b else { return }
                let v = String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
                if seen.insert(v).inserted { out.append(v) }
            }
            var start = 0, i = 0
            while i < bytes.count {
                let width: Int = switch bytes[i] {
                case 0x0A, 0x0D, 0x09, 0x2C, 0x3B: 1
                case 0xEF where three(i, 0xEF, 0xBC, 0x8C) || three(i, 0xEF, 0xBC, 0x9B): 3   // ， ；
                case 0xE2 where three(i, 0xE2, 0x80, 0xA8): 3                                   // U+2028
                default: 0
                }
                if width == 0 { i += 1; continue }
                flush(start, i)
                i += width
                start = i
            }
            flush(start, bytes.count)
            return out
        }
    }

    /// Visits the records whose student number or student name is among `values`, in scope, in
    /// the order of the values, each once, read in place; returns the values nothing matched.
    func search(_ txn: Transaction, values: [String], directory: DirectoryStore, _ visit: (RecordView) throws -> Void) throws -> [String] {
        var unmatched: [String] = []
        let onePerStudent = kind.spec.cardinality == .onePerStudent
        let db = kind.records.primary.database
        // A record matched twice (by number and by name) is listed once, where it first matched.
        // With one record a student, matched by number alone (the usual paste), its id is its
        // value and the values never repeat: no set is kept until a name matches.
        var listed: Set<String>? = onePerStudent ? nil : Set(minimumCapacity: values.count)
        var listedByNumber: [String] = []
        // One key buffer for the 2000 lookups (a string key is its UTF-8 and a 0).
        var key: [UInt8] = []
        key.reserveCapacity(64)
        func visitRecord(_ id: String) throws -> Bool {
            key.removeAll(keepingCapacity: true)
            id.appendKey(to: &key)
            return try txn.withValue(db, key) { raw -> Bool in
                let view = try RecordView(raw)
                guard records.shows(kind, view) else { return false }
                if listed == nil {
                    listedByNumber.append(id)
                    try visit(view)
                } else if listed!.insert(id).inserted {
                    try visit(view)
                }
                return true
            } ?? false
        }
        // One record per student: its id is the student number, no index needed.
        func visitStudent(_ number: String) throws -> Bool {
            if onePerStudent { return try visitRecord(number) }
            var found = false
            for id in try kind.byStudent.keys(txn, matching: number) where try visitRecord(id) { found = true }
            return found
        }
        for v in values {
            var found = try visitStudent(v)
            if !found {
                let numbers = try directory.byName.keys(txn, matching: v)
                if listed == nil && !numbers.isEmpty {
                    listed = Set(listedByNumber)
                    listed!.reserveCapacity(values.count)
                }
                for number in numbers where try visitStudent(number) { found = true }
            }
            if !found { unmatched.append(v) }
        }
        return unmatched
    }
}
