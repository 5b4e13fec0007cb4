import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Storage
import Testing
@testable import Daemon

/// `fields=` picks members out of the stored values in place; what it answers must be exactly
/// the whole record's values with the other members left out.
@Suite("fields= projections")
struct FieldProjectionTests {
    /// The members of `object` kept, in their order, as the engine writes them.
    static func filtered(_ object: JSONObject, _ keys: Set<String>) -> JSONObject {
        JSONObject(object.members.filter { keys.contains($0.key) }.map { ($0.key, $0.value) })
    }

    /// Checks one projection: byte for byte the stored members kept, and the same members and
    /// values as when it decoded every record (which answered them sorted by key).
    static func expectProjection(_ object: JSONObject, _ keys: Set<String>) throws {
        var stored: [UInt8] = [], expected: [UInt8] = []
        JSONValue.object(object).append(to: &stored)
        JSONValue.object(filtered(object, keys)).append(to: &expected)
        let projected = try project(stored, keys)
        #expect(projected == expected, "\(String(decoding: stored, as: UTF8.self)) \(keys)")
        // Through the record's member index (format 4) the same bytes, when the object has one:
        // every object whose keys are plain ASCII.
        let indexed = try projectIndexed(stored, keys)
        #expect(indexed == nil || indexed == expected, "indexed: \(String(decoding: stored, as: UTF8.self)) \(keys)")
        // Values and a form equal to them, in one piece as a record's answer takes them.
        let twice = try projectIndexed(stored, keys, twice: true)
        #expect(twice == indexed.map { Array(#","values":"#.utf8) + $0 + Array(#","filled":"#.utf8) + $0 })
        #expect((indexed != nil) == object.keys.allSatisfy { k in k.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C } })
        #expect(try StoredRecord.object(projected) == filtered(try StoredRecord.object(stored), keys))
    }

    static func project(_ stored: [UInt8], _ keys: Set<String>) throws -> [UInt8] {
        var out: [UInt8] = []
        try stored.withUnsafeBytes { try FieldProjection(keys).write($0, into: &out) }
        return out
    }

    /// The projection through the object's ``MemberIndex`` as a record stores it, nil when the
    /// object gets none.
    static func projectIndexed(_ stored: [UInt8], _ keys: Set<String>, twice: Bool = false) throws -> [UInt8]? {
        var w = ByteWriter()
        MemberIndex.write(stored, into: &w)
        return try w.bytes.withUnsafeBytes { raw -> [UInt8]? in
            var r = ByteReader(raw)
            guard let entries = try MemberIndex.read(&r).entries else { return nil }
            var out: [UInt8] = []
            try stored.withUnsafeBytes { object in
                let projection = FieldProjection(keys)
                guard twice else { return try projection.write(object, index: entries, into: &out) }
                out = Array(try #require(try projection.project(object, index: entries, after: #","values":"#, twiceWith: #","filled":"#)))
            }
            return out
        }
    }

    @Test("a damaged member index is refused, never read past the object")
    func damagedIndex() throws {
        let stored = Array(#"{"a":1,"b":"x"}"#.utf8)
        var w = ByteWriter()
        MemberIndex.write(stored, into: &w)
        #expect(w.bytes.count == 2 + 2 * MemberIndex.entrySize)
        for (offset, byte) in [(2 + 4, UInt8(200)), (2 + 2, UInt8(90)), (2 + 6 + 4, UInt8(16))] {
            var bad = w.bytes
            bad[offset] = byte
            #expect(throws: StorageError.self, "byte \(offset) = \(byte)") {
                try bad.withUnsafeBytes { raw in
                    var r = ByteReader(raw)
                    let entries = try #require(try MemberIndex.read(&r).entries)
                    var out: [UInt8] = []
                    try stored.withUnsafeBytes { try FieldProjection(["b"]).write($0, index: entries, into: &out) }
                }
            }
        }
    }

    @Test("a damaged index whose kept members overlap is refused before its projection outgrows the object")
    func overlappingIndex() throws {
        let stored = Array(#"{"a":"xxxxxxxx","b":1}"#.utf8)
        var w = ByteWriter()
        MemberIndex.write(stored, into: &w)
        // As written, `a` ends at 15 and `b` runs from 16 to the closing brace.
        #expect(w.bytes[2 + 4] == 15 && w.bytes[2 + 6] == 16)
        func project(_ index: [UInt8], twice: Bool) throws -> [UInt8] {
            try index.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                let entries = try #require(try MemberIndex.read(&r).entries)
                return try stored.withUnsafeBytes { object in
                    let p = FieldProjection(["a", "b"])
                    if twice { return Array(try #require(try p.project(object, index: entries, after: "", twiceWith: ","))) }
                    var out: [UInt8] = []
                    try p.write(object, index: entries, into: &out)
                    return out
                }
            }
        }
        for twice in [false, true] {
            #expect(try project(w.bytes, twice: twice) == Array((twice ? #"{"a":"xxxxxxxx","b":1},{"a":"xxxxxxxx","b":1}"# : #"{"a":"xxxxxxxx","b":1}"#).utf8))
            // `a` said to end where `b` does: each entry is within the object, but the two copies
            // would be longer than it.
            var bad = w.bytes
            bad[2 + 4] = UInt8(stored.count - 1)
            #expect(throws: StorageError.self, "twice: \(twice)") { try project(bad, twice: twice) }
        }
    }

    @Test("keys are compared a word at a time: equal at every length up to 40, and a difference in any one byte found")
    func wordCompare() {
        for n in 0...40 {
            let a = (0..<n).map { UInt8(0x61 + $0 % 26) }
            a.withUnsafeBytes { pa in
                var b = a
                b.withUnsafeBytes { pb in #expect(FieldProjection.equal(pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, pb.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, n), "length \(n)") }
                for i in 0..<n {
                    b = a
                    b[i] ^= 0x20
                    b.withUnsafeBytes { pb in #expect(!FieldProjection.equal(pa.baseAddress!, pb.baseAddress!, n), "length \(n), byte \(i)") }
                }
            }
        }
    }

    @Test("one projection serves record after record: each answer is that record's alone")
    func reusedProjection() throws {
        let keys: Set<String> = ["company", "mentor", "quote", "nested", "n", "emoji", ""]
        let projection = FieldProjection(keys)
        for object in Self.tricky.reversed() + Self.tricky {
            var stored: [UInt8] = []
            object.append(to: &stored)
            var w = ByteWriter()
            MemberIndex.write(stored, into: &w)
            try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                guard let entries = try MemberIndex.read(&r).entries else { return }
                var reused: [UInt8] = []
                try stored.withUnsafeBytes { try projection.write($0, index: entries, into: &reused) }
                #expect(reused == (try Self.project(stored, keys)), "\(String(decoding: stored, as: UTF8.self))")
            }
        }
    }

    @Test("records keep a member index of their values and form; a form equal to the values says so; format 3 records still project")
    func storedIndexes() throws {
        var r = try RecordFormatTests.versionOne().withUnsafeBytes { try StoredRecord(decodingValue: $0) }
        r.values = Array(#"{"company":"甲","grade":"A"}"#.utf8)
        r.filled = r.values
        let same = try r.encodeValue()
        try same.withUnsafeBytes { raw in
            let v = try RecordView(raw)
            #expect(v.valuesIndex?.count == 2 * MemberIndex.entrySize && v.filledIsValues && v.filledIndex == nil)
        }
        r.filled = Array(#"{"grade":"B"}"#.utf8)
        try r.encodeValue().withUnsafeBytes { raw in
            let v = try RecordView(raw)
            #expect(v.filledIndex?.count == MemberIndex.entrySize && !v.filledIsValues)
        }
        // An older record (format 3: no indexes) written by hand: read, and scanned when projected.
        var old = same
        old[0] = 3
        old.removeLast(2 + 2 * MemberIndex.entrySize + 2)
        try old.withUnsafeBytes { raw in
            let v = try RecordView(raw)
            #expect(v.valuesIndex == nil && !v.filledIsValues)
            var out: [UInt8] = []
            try FieldProjection(["grade"]).write(v.values, index: v.valuesIndex, into: &out)
            #expect(out == Array(#"{"grade":"A"}"#.utf8))
        }
    }

    /// Objects as the engine stores them, each member a trap for a scanner that cuts corners.
    static let tricky: [JSONValue] = [
        [:],
        ["company": "甲公司", "mentor": "张老师"],
        ["quote": "他说\"好\"", "backslash": "C:\\dir\\", "endsEscaped": "\\\"", "company": "乙"],
        ["nested": ["a": [1, ["b": "x\"}]"], .null], "c": ["d": ["e": "{"]]], "company": "丙"],
        ["list": [["[", "]"], ["}": "{"], [], [:]], "n": 1.5, "neg": -3, "t": true, "f": false, "z": .null],
        ["control": "第一行\n第二行\t制表\u{01}", "emoji": "👩‍🎓 就业", "company": "丁"],
        ["key \"quoted\"": "v", "中文键": "值", "back\\slash": 2, "company": "戊"],
        ["": "empty key", "company": ""],
    ]

    static let keySets: [Set<String>] = [
        [], ["company"], ["company", "mentor", "absent"], ["nested", "list", "n", "z"], ["quote", "endsEscaped"],
        ["key \"quoted\"", "中文键", "back\\slash"], ["control", "emoji", "t", "f", "neg"], [""], ["colour"],
    ]

    @Test("a projection is the stored object filtered, byte for byte and in stored order: nested values, escapes, Chinese, missing keys")
    func trickyObjects() throws {
        for object in Self.tricky {
            for keys in Self.keySets { try Self.expectProjection(try #require(object.objectValue), keys) }
        }
    }

    @Test("on 3000 generated objects, a projection equals the decoded object filtered")
    func generatedObjects() throws {
        var rng = StatsTests.SplitMix(state: 16)
        for _ in 0..<3000 {
            let object = JSONObject((0..<Int(rng.next() % 12)).map { _ in (Self.key(&rng), Self.value(&rng, depth: 0)) })
            try Self.expectProjection(object, Set(object.keys.filter { _ in rng.next() % 3 == 0 } + [Self.key(&rng)]))
        }
    }

    @Test("stored text the engine would not write (spaces, \\u escapes) projects to the same values")
    func foreignSpelling() throws {
        let stored = Array(#" { "a" : [ 1 , { "b" : "}" } ] ,  "\u4e2d" : "\u6587\"" , "c" : true } "#.utf8)
        let projected = try StoredRecord.object(try Self.project(stored, ["a", "中", "missing"]))
        #expect(projected == ["a": [1, ["b": "}"]], "中": "文\""])
        #expect(try Self.project(stored, ["c"]) == Array(#"{"c" : true}"#.utf8))
    }

    @Test("stored values that are not a JSON object are refused, never half-copied")
    func malformed() throws {
        for text in ["", "[]", "{", #"{"a""#, #"{"a":"#, #"{"a":"x"#, #"{"a":[1,2}"#, #"{"a":1 "b":2}"#, #"{a:1}"#] {
            #expect(throws: StorageError.self, "\(text)") { try Self.project(Array(text.utf8), ["a", "b", "z"]) }
        }
    }

    // MARK: Over HTTP

    @Test("lists and searches with fields= answer the whole records' members filtered, labels=1 too; unknown names give nothing")
    func overHTTP() async throws {
        try await TestDaemon.with(builtins: BuiltinPlugins.all, config: RecordTests.config, seedDemo: true) { d in
            let school = try await d.login("school", Demo.password)
            let numbers = try await d.request(.get, "/api/v1/students?limit=6", token: school).json["students"]?.arrayValue?
                .compactMap { $0["number"]?.stringValue } ?? []
            #expect(numbers.count == 6)
            let companies = ["甲\"公司\"", "C:\\乙\\", "丙\n公司\t", "👩‍🎓丁", "", "<img src=x onerror=alert(1)>"]
            for (n, company) in zip(numbers, companies) {
                let r = try await d.request(.post, "/api/v1/records/internship", body: ["student": .string(n), "values": [
                    "company": .string(company), "mentor": "王老师", "grade": "A", "startDate": "2026-03-01"]], token: school)
                #expect(r.status == 200)
            }
            // Members no declared field writes: nested, escaped keys, spelled as no engine writes them.
            let kind = try d.daemon.services.kinds().kind("internship")
            try d.daemon.directory.environment.write { txn in
                for (n, extra) in zip(numbers, Self.tricky.suffix(from: 3)) {
                    var r = try #require(try kind.records.get(txn, n))
                    var values = try r.valuesObject()
                    for (k, v) in extra.objectValue ?? [:] where k != "company" { values[k] = v }
                    r.values = try StoredRecord.bytes(values)
                    // The first as a reviewer's copy leaves it (the form the values byte for byte), the rest apart.
                    r.filled = n == numbers[0] ? r.values : Array(#" { "mentor" : "李\u8001\u5e08" , "grade" : "B" , "deep" : { "x" : [ ] } } "#.utf8)
                    try kind.records.put(txn, n, r, replacing: try kind.records.get(txn, n))
                }
            }
            let asked = ["company", "grade", "nested", "list", "deep", "中文键", "absent"]
            let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            let query = asked.map { $0.addingPercentEncoding(withAllowedCharacters: plain)! }.joined(separator: ",")
            for labels in ["", "&labels=1"] {
                let whole = try await d.request(.get, "/api/v1/records/internship?size=200" + labels, token: school).json
                let picked = try await d.request(.get, "/api/v1/records/internship?size=200&fields=\(query)" + labels, token: school).json
                try Self.expectFiltered(whole, picked, Set(asked), count: 6)
            }
            let search: JSONValue = ["query": .string(numbers.joined(separator: "\n")), "labels": true]
            let wholeFound = try await d.request(.post, "/api/v1/records/internship/search", body: search, token: school).json
            var narrowed = search.objectValue ?? [:]
            narrowed["fields"] = .array(asked.map(JSONValue.string))
            let pickedFound = try await d.request(.post, "/api/v1/records/internship/search", body: .object(narrowed), token: school).json
            try Self.expectFiltered(wholeFound, pickedFound, Set(asked), count: 6)

            // Names no record holds are no error: their members are simply absent.
            let unknown = try await d.request(.get, "/api/v1/records/internship?fields=colour&labels=1", token: school)
            #expect(unknown.status == 200)
            #expect(try unknown.json["records"]?.arrayValue?.allSatisfy { $0["values"] == [:] && $0["filled"] == [:] && $0["labels"] == [:] } == true)
            let empty = try await d.request(.get, "/api/v1/records/internship?fields=", token: school)
            #expect(try empty.status == 200 && empty.json["records"]?.arrayValue?.first?["values"] == [:])
        }
    }

    /// Every record of `picked` is the same record of `whole` with `values`, `filled` and `labels`
    /// cut down to `keys` (order is checked on the bytes above: a parsed answer is sorted).
    static func expectFiltered(_ whole: JSONValue, _ picked: JSONValue, _ keys: Set<String>, count: Int) throws {
        let all = whole["records"]?.arrayValue ?? [], some = picked["records"]?.arrayValue ?? []
        #expect(all.count == count && some.count == count)
        #expect(all.map { $0["id"] } == some.map { $0["id"] })
        for (w, p) in zip(all, some) {
            let (wo, po) = (try #require(w.objectValue), try #require(p.objectValue))
            #expect(wo.keys == po.keys)
            for (k, v) in wo {
                guard ["values", "filled", "labels"].contains(k) else { #expect(po[k] == v, "\(k)"); continue }
                #expect(po[k] == .object(filtered(v.objectValue ?? [:], keys)), "\(k) of \(w["id"] ?? .null)")
            }
        }
        // The test would prove nothing if nothing nested or escaped reached the answer.
        let values = some.compactMap { $0["values"]?.objectValue }
        #expect(values.contains { $0["nested"]?["c"]?["d"]?["e"] == "{" } && values.contains { $0["中文键"] == "值" })
        #expect(some.contains { $0["filled"]?["deep"] == ["x": []] } && some.contains { $0["filled"]?["nested"]?["c"]?["d"]?["e"] == "{" })
    }

    // MARK: Generated objects

    static func key(_ rng: inout StatsTests.SplitMix) -> String {
        ["company", "mentor", "a", "b\"q", "键", "k\\", "", "emoji👍", "long_field_name_\(rng.next() % 4)"][Int(rng.next() % 9)]
    }

    static func value(_ rng: inout StatsTests.SplitMix, depth: Int) -> JSONValue {
        switch rng.next() % (depth < 3 ? 8 : 5) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int(truncatingIfNeeded: rng.next()) >> Int(rng.next() % 60))
        case 3: return .double(Double(rng.next() % 100_000) / 64 - 500)
        case 4:
            let pieces = ["a", "\"", "\\", "\\\"", "}", "]", ",", ":", "中文", "\n", "\u{07}", "😀", " "]
            return .string((0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
        case 5, 6: return .array((0..<Int(rng.next() % 4)).map { _ in value(&rng, depth: depth + 1) })
        default: return .object(JSONObject((0..<Int(rng.next() % 4)).map { _ in (key(&rng), value(&rng, depth: depth + 1)) }))
        }
    }
}
