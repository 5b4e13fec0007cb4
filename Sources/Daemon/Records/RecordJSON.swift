import Foundation
import PluginAPI

/// Writes records as JSON for the API. The values are embedded as stored (they are JSON already),
/// whole or only the members asked for, so a page of 200 records is mostly copying.
struct RecordJSON {
    let kind: RecordTables
    /// Field keys to include; nil for all.
    let fields: Set<String>?
    /// Unit names by id.
    let units: [UInt32: OrgUnit]
    /// With `labels`: per code field, its position among the terms, its key and its codes' names.
    let codeLabels: [(term: Int, key: String, names: [String: String])]?
    /// Picks the asked-for members out of the stored values (nil: all of them).
    private let projection: FieldProjection?
    /// Encoded pieces reused across the records of one response.
    private let memo = Memo()

    private final class Memo {
        var unitNames: [UInt32: [UInt8]] = [:]
        var times: [Int: [UInt8]] = [:]
        /// `,"state":…,"stateLabel":…,"levels":{…}` per state and level statuses (packed, four bits a
        /// level): an answer repeats a few, found by a short scan (a state's name is a small string,
        /// compared in two words, where hashing it cost more).
        var review: [(state: String, levels: UInt64, bytes: [UInt8])] = []
    }

    /// - Parameter codeTables: when given, each record also carries `labels`: the name of every
    ///   code it holds (性别 男), read from the stored terms without decoding the values.
    init(kind: RecordTables, fields: Set<String>?, units: [UInt32: OrgUnit], codeTables: [String: CodeTable]? = nil) {
        self.kind = kind
        self.fields = fields
        projection = fields.map(FieldProjection.init)
        self.units = units
        codeLabels = codeTables.map { tables in
            kind.termFields.enumerated().compactMap { i, f in
                guard case .code(let id) = f.type, let t = tables[id], fields?.contains(f.key) ?? true else { return nil }
                return (i, f.key, t.names)
            }
        }
    }

    /// One record read in place, written straight into `out` (searches write thousands per request),
    /// with `extra` members after the record's own (what the caller may do with it).
    func write(_ r: RecordView, into out: inout [UInt8], extra: JSONObject = [:]) throws {
        // The envelope's keys are literals: copied as bytes, not walked as a String's UTF-8.
        func key(_ k: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            k.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func textKey(_ k: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            JSONValue.appendString(k, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ k: StaticString, _ v: String, first: Bool = false) {
            key(k, first: first)
            JSONValue.appendString(v, to: &out)
        }
        out.append(UInt8(ascii: "{"))
        string("id", r.idText, first: true)
        string("student", r.student)
        string("studentName", r.studentName)
        func unit(_ k: StaticString, _ id: UInt32) {
            key(k)
            if let cached = memo.unitNames[id] { out.append(contentsOf: cached); return }
            var encoded: [UInt8] = []
            JSONValue.appendString(units[id]?.name ?? "", to: &encoded)
            memo.unitNames[id] = encoded
            out.append(contentsOf: encoded)
        }
        unit("college", r.collegeID)
        unit("major", r.majorID)
        unit("class", r.classID)
        key("cohort")
        out.append(contentsOf: String(r.cohort).utf8)
        writeReview(r, into: &out)
        key("updated")
        let second = Int(r.updated)
        if let cached = memo.times[second] { out.append(contentsOf: cached) } else {
            var encoded: [UInt8] = []
            JSONValue.appendString(ISO8601.string(r.updated), to: &encoded)
            if memo.times.count < 4096 { memo.times[second] = encoded }
            out.append(contentsOf: encoded)
        }
        try writeValues(r, into: &out)
        if let codeLabels {
            key("labels")
            out.append(UInt8(ascii: "{"))
            var first = true
            for c in codeLabels {
                guard let code = r.term(c.term), !code.isEmpty, let name = c.names[code] else { continue }
                textKey(c.key, first: first)
                JSONValue.appendString(name, to: &out)
                first = false
            }
            out.append(UInt8(ascii: "}"))
        }
        key("rejection")
        if r.rejection.isEmpty { out.append(contentsOf: "null".utf8) } else { out.append(contentsOf: r.rejection) }
        for (k, v) in extra {
            textKey(k)
            v.append(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `,"state":…,"stateLabel":…,"levels":{…}`, made once per state and level statuses.
    private func writeReview(_ r: RecordView, into out: inout [UInt8]) {
        var packed: UInt64 = 0
        for (i, level) in r.levels.prefix(15).enumerated() { packed |= UInt64(level.rawValue & 0x0F) << (4 * UInt64(i)) }
        packed |= UInt64(min(r.levels.count, 15)) << 60
        let state = r.state
        if r.levels.count < 16, let cached = memo.review.first(where: { $0.levels == packed && $0.state == state }) {
            out.append(contentsOf: cached.bytes)
            return
        }
        var encoded: [UInt8] = []
        func string(_ k: String, _ v: String, first: Bool = false) {
            if !first { encoded.append(UInt8(ascii: ",")) }
            JSONValue.appendString(k, to: &encoded)
            encoded.append(UInt8(ascii: ":"))
            JSONValue.appendString(v, to: &encoded)
        }
        string("state", r.state)
        string("stateLabel", kind.stateLabel(r.state))
        if let pipeline = kind.pipeline {
            encoded.append(contentsOf: #","levels":{"#.utf8)
            for (i, stage) in pipeline.stages.enumerated() where i < r.levels.count {
                let s = r.state == "draft" ? nil : r.levels[i]
                if i > 0 { encoded.append(UInt8(ascii: ",")) }
                JSONValue.appendString(stage.role.rawValue, to: &encoded)
                encoded.append(contentsOf: ":{".utf8)
                string("status", s?.name ?? "unsubmitted", first: true)
                string("label", s?.label ?? "已保存未提交")
                encoded.append(UInt8(ascii: "}"))
            }
            encoded.append(UInt8(ascii: "}"))
        }
        if r.levels.count < 16 && memo.review.count < 32 { memo.review.append((state, packed, encoded)) }
        out.append(contentsOf: encoded)
    }

    /// `,"values":…,"filled":…`: as stored, or only the members asked for.
    private func writeValues(_ r: RecordView, into out: inout [UInt8]) throws {
        guard projection != nil else {
            out.append(contentsOf: #","values":"#.utf8)
            out.append(contentsOf: r.values)
            out.append(contentsOf: #","filled":"#.utf8)
            out.append(contentsOf: r.filled)
            return
        }
        // Borrowed, not bound: binding the class reference would retain and release it per record.
        // A form copied over (一键复制填报) or seeded is the values byte for byte: so is its
        // projection, and both go in as one copy.
        if let index = r.valuesIndex, r.filledIsValues,
           let both = try projection.unsafelyUnwrapped.project(r.values, index: index, after: #","values":"#, twiceWith: #","filled":"#) {
            out.append(contentsOf: both)
            return
        }
        out.append(contentsOf: #","values":"#.utf8)
        let start = out.count
        try projection.unsafelyUnwrapped.write(r.values, index: r.valuesIndex, into: &out)
        let length = out.count - start
        out.append(contentsOf: #","filled":"#.utf8)
        if r.filledIsValues || (r.valuesIndex == nil && Self.same(r.filled, r.values)) {
            // Copied within `out` (a slice of it would retain and copy the whole array).
            let at = out.count
            out.append(contentsOf: repeatElement(0, count: length))
            out.withUnsafeMutableBytes { all in
                all.baseAddress!.advanced(by: at).copyMemory(from: all.baseAddress!.advanced(by: start), byteCount: length)
            }
        } else {
            try projection.unsafelyUnwrapped.write(r.filled, index: r.filledIndex, into: &out)
        }
    }

    private static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        !a.isEmpty && a.count == b.count && memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// Opens `{"records":[` for records written one by one.
    static func open() -> [UInt8] { Array(#"{"records":["#.utf8) }

    /// A comma before every record but the first.
    static func separate(_ out: inout [UInt8]) {
        if out.last != UInt8(ascii: "[") { out.append(UInt8(ascii: ",")) }
    }

    /// Closes the list and adds `extra` members.
    static func close(_ out: inout [UInt8], extra: JSONObject) {
        out.append(UInt8(ascii: "]"))
        for (k, v) in extra {
            out.append(UInt8(ascii: ","))
            JSONValue.appendString(k, to: &out)
            out.append(UInt8(ascii: ":"))
            v.append(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

/// UTC timestamps as `2026-11-29T12:00:00Z`, without building a formatter per call.
enum ISO8601 {
    static func string(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }
}
