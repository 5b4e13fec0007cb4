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
        func emit(_ v: RecordView) throws {
            let values = try FlatJSON.parse(v.values)
            var row = [v.student, v.studentName]
            for (i, f) in cols.enumerated() {
                let text = values[f.key].map(Self.text) ?? ""
                row.append(names[i]?[text] ?? text)
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

/// A parser for the flat JSON objects records store (text, numbers, booleans, null): an export
/// reads 100 000 of them, and the general-purpose decoder would take most of the time budget.
enum FlatJSON {
    enum Value: Equatable {
        case string(String), number(String), bool(Bool), null
    }

    struct Malformed: Error {}

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> [String: Value] {
        var out: [String: Value] = [:]
        var i = 0
        let n = bytes.count
        func skip() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        func string() throws -> String {
            guard i < n, bytes[i] == 0x22 else { throw Malformed() }
            i += 1
            var raw: [UInt8] = []
            var plainStart = i
            while i < n, bytes[i] != 0x22 {
                if bytes[i] == 0x5C {
                    raw.append(contentsOf: bytes[plainStart..<i])
                    i += 1
                    guard i < n else { throw Malformed() }
                    switch bytes[i] {
                    case UInt8(ascii: "n"): raw.append(0x0A)
                    case UInt8(ascii: "r"): raw.append(0x0D)
                    case UInt8(ascii: "t"): raw.append(0x09)
                    case UInt8(ascii: "b"): raw.append(0x08)
                    case UInt8(ascii: "f"): raw.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 < n, let code = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(i + 1)...(i + 4)]), as: UTF8.self), radix: 16) else { throw Malformed() }
                        i += 4
                        var scalar = code
                        // A surrogate pair spells one scalar beyond the basic plane.
                        if (0xD800...0xDBFF).contains(code), i + 6 < n, bytes[i + 1] == 0x5C, bytes[i + 2] == UInt8(ascii: "u"),
                           let low = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(i + 3)...(i + 6)]), as: UTF8.self), radix: 16) {
                            scalar = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        raw.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
                    default: raw.append(bytes[i])
                    }
                    i += 1
                    plainStart = i
                } else {
                    i += 1
                }
            }
            guard i < n else { throw Malformed() }
            raw.append(contentsOf: bytes[plainStart..<i])
            i += 1
            return String(decoding: raw, as: UTF8.self)
        }
        skip()
        guard i < n, bytes[i] == UInt8(ascii: "{") else { throw Malformed() }
        i += 1
        skip()
        if i < n, bytes[i] == UInt8(ascii: "}") { return out }
        while i < n {
            skip()
            let key = try string()
            skip()
            guard i < n, bytes[i] == UInt8(ascii: ":") else { throw Malformed() }
            i += 1
            skip()
            guard i < n else { throw Malformed() }
            switch bytes[i] {
            case 0x22: out[key] = .string(try string())
            case UInt8(ascii: "t"): out[key] = .bool(true); i += 4
            case UInt8(ascii: "f"): out[key] = .bool(false); i += 5
            case UInt8(ascii: "n"): out[key] = .null; i += 4
            default:
                let start = i
                while i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != 0x20 { i += 1 }
                out[key] = .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
            }
            skip()
            guard i < n else { throw Malformed() }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { return out }
            throw Malformed()
        }
        throw Malformed()
    }
}
