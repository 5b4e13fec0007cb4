import Foundation
import PluginAPI
import Storage

/// The review status of one level (DOMAIN.md §1).
enum LevelStatus: UInt8, Sendable, CaseIterable {
    /// 未审核.
    case pending = 0
    /// 通过.
    case approved = 1
    /// 未通过待修改.
    case rejected = 2
    /// 未通过已修改: rejected at this level, fixed and resubmitted, not yet reviewed again.
    case fixed = 3

    var name: String {
        switch self {
        case .pending: "pending"
        case .approved: "approved"
        case .rejected: "rejected"
        case .fixed: "fixed"
        }
    }
    var label: String {
        switch self {
        case .pending: "未审核"
        case .approved: "通过"
        case .rejected: "未通过待修改"
        case .fixed: "未通过已修改"
        }
    }
    init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}

/// A record as stored: a binary header the engine reads and writes on every transition, and the
/// values as JSON blobs it passes through untouched unless a field changes.
struct StoredRecord: StorageValue, Sendable, Equatable {
    /// 2 added the party, 3 the latest rejection, 4 the member indexes of the values and the
    /// form (``MemberIndex``); older records read with none.
    static let formatVersion: UInt8 = 4

    /// `<学号>` for kinds with one record per student, `<学号>.<n>` otherwise.
    var id: String
    /// The owning student.
    var student: String
    /// Their name, copied from the registry for lists and name search.
    var studentName: String
    // Where the student sits, copied from the registry so scope and filters use this record's indexes.
    var collegeID: UInt32
    var majorID: UInt32
    var classID: UInt32
    var cohort: UInt16
    /// The workflow state, e.g. `pending:college`.
    var state: String
    /// The other party's account id (an employer's credit code), "" for none: it scopes the record.
    var party: String
    /// The status at each review level (review kinds only).
    var levels: [LevelStatus]
    /// Who approved each level in the current round ("" where nobody yet): no self-approval.
    var reviewers: [String]
    /// Levels that rejected the record since their last approval.
    var rejectedMask: UInt32
    var created: Double
    var updated: Double
    /// The index term of each indexed field of the official values, in the kind's indexed-field
    /// order ("" for none): kept here so index maintenance never parses the values.
    var terms: [String]
    /// Entries in the history, and the hash of the last one: a truncated history is detected.
    var historyCount: UInt32
    var historyHead: [UInt8]
    /// The official values (JSON object): what staff keep and exports read.
    var values: [UInt8]
    /// The student's own form (JSON object): what they fill and submit.
    var filled: [UInt8]
    /// The latest rejection (JSON object: action, level, reason and its label, note, by, time),
    /// empty for none: a student's page shows why without reading the history.
    var rejection: [UInt8] = []

    func encodeValue() throws -> [UInt8] {
        var w = ByteWriter(capacity: 128 + values.count + filled.count)
        w.u8(Self.formatVersion)
        w.string(id); w.string(student); w.string(studentName)
        w.u32(collegeID); w.u32(majorID); w.u32(classID); w.u16(cohort)
        w.string(state)
        w.string(party)
        w.u8(UInt8(levels.count))
        for l in levels { w.u8(l.rawValue) }
        for r in reviewers { w.string(r) }
        w.u32(rejectedMask)
        w.f64(created); w.f64(updated)
        w.u32(historyCount); w.blob(historyHead)
        w.u16(UInt16(terms.count))
        for t in terms { w.string(t) }
        w.blob(values); w.blob(filled)
        w.blob(rejection)
        MemberIndex.write(values, into: &w)
        if filled == values { w.u16(MemberIndex.sameAsValues) } else { MemberIndex.write(filled, into: &w) }
        return w.bytes
    }

    init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        // One reader of the format: the in-place view, asked for every part.
        let v = try RecordView(bytes, full: true)
        id = v.idText; student = v.student; studentName = v.studentName
        collegeID = v.collegeID; majorID = v.majorID; classID = v.classID; cohort = v.cohort
        state = v.state; party = v.party; levels = v.levels; reviewers = v.reviewers; rejectedMask = v.rejectedMask
        created = v.created; updated = v.updated
        historyCount = v.historyCount; historyHead = v.historyHead; terms = v.terms
        values = Array(v.values); filled = Array(v.filled)
        rejection = Array(v.rejection)
    }

    init(id: String, student: StudentEntry, state: String, levels: Int, now: Double) {
        self.id = id
        self.student = student.number
        studentName = student.name
        collegeID = student.collegeID; majorID = student.majorID; classID = student.classID; cohort = student.cohort
        self.state = state
        party = ""
        self.levels = Array(repeating: .pending, count: levels)
        reviewers = Array(repeating: "", count: levels)
        rejectedMask = 0
        created = now; updated = now
        historyCount = 0; historyHead = []
        terms = []
        values = Array("{}".utf8); filled = Array("{}".utf8)
    }

    /// The official values, decoded.
    func valuesObject() throws -> JSONObject { try Self.object(values) }
    /// The student's form, decoded.
    func filledObject() throws -> JSONObject { try Self.object(filled) }

    /// A rejection as the record keeps it, with the state it led to: while the record is still
    /// there, a student's page shows it as the reason to fix; after, as history.
    static func rejection(action: String, state: String, level: String, reason: String, label: String, note: String, by: String, now: Double) -> [UInt8] {
        let v: JSONValue = ["action": .string(action), "state": .string(state), "level": .string(level), "levelLabel": .string(Role(rawValue: level)?.label.zh ?? ""),
                            "reason": .string(reason), "reasonLabel": .string(label), "note": .string(note), "by": .string(by),
                            "time": .string(ISO8601.string(now))]
        var out: [UInt8] = []
        v.append(to: &out)
        return out
    }

    static func object(_ bytes: [UInt8]) throws -> JSONObject {
        try JSONDecoder().decode(JSONObject.self, from: Data(bytes))
    }
    static func bytes(_ object: JSONObject) throws -> [UInt8] {
        Array(try JSONValue.object(object).jsonData())
    }
}

/// The parts of a stored record a list or a search shows, read in place from LMDB's buffer:
/// no copies of the values, no index terms, no history head.
struct RecordView {
    let raw: UnsafeRawBufferPointer
    var idText: String = ""
    var student: String = ""
    var studentName: String = ""
    var collegeID: UInt32 = 0, majorID: UInt32 = 0, classID: UInt32 = 0
    var cohort: UInt16 = 0
    var state: String = ""
    /// The party's id as stored, read as text only when asked (most records have none).
    var partyBytes = UnsafeRawBufferPointer(start: nil, count: 0)
    var party: String { partyBytes.isEmpty ? "" : String(decoding: partyBytes, as: UTF8.self) }
    var levels: [LevelStatus] = []
    var updated: Double = 0
    var values: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    var filled: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The latest rejection as stored (JSON), empty for none.
    var rejection: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Where the members of the values and of the form sit (format 4), nil to scan them.
    var valuesIndex: UnsafeRawBufferPointer?
    var filledIndex: UnsafeRawBufferPointer?
    /// The form is the values byte for byte (format 4; older records compare them).
    var filledIsValues = false

    // Read only when asked for (`full`): a list or a search skips them.
    var reviewers: [String] = []
    var rejectedMask: UInt32 = 0
    var created: Double = 0
    var historyCount: UInt32 = 0
    var historyHead: [UInt8] = []
    var terms: [String] = []
    /// The terms as stored, read one at a time by ``term(_:)``.
    var termBytes = UnsafeRawBufferPointer(start: nil, count: 0)
    var termCount = 0

    /// The index term at position `i`, read in place (nil past the end).
    func term(_ i: Int) -> String? {
        guard i < termCount else { return nil }
        var r = ByteReader(termBytes)
        for _ in 0..<i { guard (try? r.take(Int(r.u32()))) != nil else { return nil } }
        return try? r.string()
    }

    /// Reads a stored record in place; with `full`, every part (what ``StoredRecord`` needs).
    init(_ raw: UnsafeRawBufferPointer, full: Bool = false) throws {
        self.raw = raw
        var r = ByteReader(raw)
        let version = try r.u8()
        guard (1...StoredRecord.formatVersion).contains(version) else { throw StorageError.corrupt("unknown record format \(version)") }
        idText = try r.string(); student = try r.string(); studentName = try r.string()
        collegeID = try r.u32(); majorID = try r.u32(); classID = try r.u32(); cohort = try r.u16()
        state = try r.string()
        if version >= 2 { partyBytes = try r.take(Int(try r.u32())) }
        let n = Int(try r.u8())
        levels = try (0..<n).map { _ in LevelStatus(rawValue: try r.u8()) ?? .pending }
        if full {
            reviewers = try (0..<n).map { _ in try r.string() }
        } else {
            for _ in 0..<n { _ = try r.take(Int(try r.u32())) }
        }
        rejectedMask = try r.u32()
        created = try r.f64()
        updated = try r.f64()
        historyCount = try r.u32()
        let head = try r.take(Int(try r.u32()))
        let t = Int(try r.u16())
        termCount = t
        let termsStart = r.offset
        if full {
            historyHead = Array(head)
            terms = try (0..<t).map { _ in try r.string() }
        } else {
            for _ in 0..<t { _ = try r.take(Int(try r.u32())) }
        }
        termBytes = UnsafeRawBufferPointer(rebasing: raw[termsStart..<r.offset])
        values = try r.take(Int(try r.u32()))
        filled = try r.take(Int(try r.u32()))
        if version >= 3 { rejection = try r.take(Int(try r.u32())) }
        if version >= 4 {
            valuesIndex = try MemberIndex.read(&r).entries
            (filledIndex, filledIsValues) = try MemberIndex.read(&r)
        }
    }
}
