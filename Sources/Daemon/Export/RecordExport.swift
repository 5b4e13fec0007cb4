import Foundation
import PluginAPI
import Storage

/// Exports a kind's records in the caller's scope: chosen fields or a preset (`national`: the
/// national-database columns in their order; `school`: every field), selected ids or a filter,
/// as CSV or XLSX. Records are read a page at a time, each page in its own short read transaction,
/// and written as they are read. Code fields are written as their labels (性别 男), except for the
/// national preset, whose format wants the codes.
struct RecordExport {
    let kind: RecordTables
    /// The caller's view: an export holds what a list would show, no more.
    let records: ScopedRecords
    let environment: Environment
    /// The code tables, to write a code's label.
    var codeTables: [String: CodeTable] = [:]

    /// The presets: the national database's columns, or every field for the school.
    static let presets: Set<String> = ["national", "school"]

    /// What to export.
    struct Request: Codable, Sendable {
        var format: String = "csv"
        var preset: String?
        var fields: [String]?
        var ids: [String]?
        var cohort: UInt16?
        var college: UInt32?
        var major: UInt32?
        var classID: UInt32?
        var state: String?
        /// The list's filters by name, as `GET /records/{kind}` takes them (each level's status, any
        /// field, a saved view): the console exports what its list shows. The fields above win.
        var filters: [String: String]?
        /// Code fields as labels (default) or codes (default for the national preset).
        var labels: Bool?
    }

    /// Whether code fields are written as labels.
    static func writesLabels(_ r: Request) -> Bool { r.labels ?? (r.preset != "national") }

    func columns(_ r: Request) throws -> [FieldSpec] {
        if let preset = r.preset, !Self.presets.contains(preset) { throw ExportFailure.unknownPreset(preset) }
        if let keys = r.fields, !keys.isEmpty {
            return try keys.map { k in
                guard let f = kind.spec.field(k) else { throw ExportFailure.unknownField(k) }
                return f
            }
        }
        return r.preset == "national" && !kind.spec.nationalFields.isEmpty ? kind.spec.nationalFields : kind.spec.fields
    }

    /// Writes the export to `path`. - Returns: the number of rows written.
    func run(_ r: Request, to path: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        let cols = try columns(r)
        var writer: any ExportWriter
        switch r.format {
        case "csv": writer = try CSVExportWriter(path: path)
        case "xlsx": writer = try XLSXExportWriter(path: path, sheetName: kind.spec.label.zh)
        default: throw ExportFailure.badFormat(r.format)
        }
        try writer.write(["学号", "姓名"] + cols.map(\.label.zh))
        let total = try environment.read { try count($0, r) }
        var written = 0
        // Per column, the names of its codes when labels are written.
        let names: [[String: String]?] = cols.map { f in
            guard Self.writesLabels(r), case .code(let table) = f.type, let t = codeTables[table] else { return nil }
            return t.names
        }
        // Each record's values are read once, in place, straight into their columns: no
        // dictionary of every value per row (hashing every key was a fifth of an export).
        let positions = Dictionary(cols.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        let lookup = FieldProjection(Set(positions.keys))
        let columnOf = lookup.keys.map { positions[$0]! }
        var row = [String](repeating: "", count: cols.count + 2)
        func emit(_ v: RecordView) throws {
            for i in row.indices { row[i] = "" }
            row[0] = v.student
            row[1] = v.studentName
            try FlatJSON.visit(v.values, want: { key, text in key.map { lookup.position(plain: $0) } ?? lookup.position(text()) }) { c, value in
                let i = columnOf[c], text = Self.text(value)
                row[i + 2] = names[i]?[text] ?? text
            }
            try writer.write(row)
            written += 1
        }
        if let ids = r.ids {
            for (n, chunk) in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }).enumerated() {
                try environment.read { txn in
                    for id in chunk {
                        try txn.withValue(kind.records.primary.database, id.keyBytes) { raw in
                            let v = try RecordView(raw)
                            if records.shows(kind, v) { try emit(v) }
                        }
                    }
                }
                progress(min((n + 1) * 1000, total), total)
            }
        } else {
            let filter = try filter(r)
            var after: String?
            var seen = 0
            // 2000 records a short read transaction, each written as read in place.
            repeat {
                var n = 0
                let last: String? = try environment.read { txn in
                    var last: String?
                    try records.query(kind).visit(txn, filter: filter, after: after) { _, v in
                        try emit(v)
                        n += 1
                        last = v.idText
                        return n < 2000
                    }
                    return last
                }
                seen += n
                progress(min(seen, total), total)
                after = n == 2000 ? last : nil
            } while after != nil
        }
        try writer.finish()
        return written
    }

    /// How many rows the export will write: only what the caller may see (a counselor's 40, never
    /// the institution's 200), so a job's progress tells nothing about records outside the scope.
    func count(_ txn: Transaction, _ r: Request) throws -> Int {
        guard let ids = r.ids else { return try records.query(kind).count(txn, filter: filter(r)) }
        var n = 0
        for id in ids {
            try txn.withValue(kind.records.primary.database, id.keyBytes) { raw in
                if records.shows(kind, try RecordView(raw)) { n += 1 }
            }
        }
        return n
    }

    /// The records an export takes: the list's filters, then the request's own fields. A bad filter
    /// is a 400 naming it, before the job starts.
    func filter(_ r: Request) throws -> RecordQuery.Filter {
        let pairs = (r.filters ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var filter = try RecordQuery.Filter(pairs.filter { !RecordQuery.Filter.listParameters.contains($0.0) || $0.0 == "view" }, kind: kind)
        if let c = r.cohort { filter.cohort = c }
        if let c = r.college { filter.college = c }
        if let m = r.major { filter.major = m }
        if let c = r.classID { filter.classID = c }
        if let s = r.state { filter.state = s }
        return filter
    }

    static func text(_ v: FlatJSON.Value) -> String {
        switch v {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "是" : "否"
        case .null: ""
        }
    }
}
