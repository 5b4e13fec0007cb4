import Foundation
import Storage

/// The members a `fields=` answer keeps, picked from a stored JSON object without decoding it:
/// each wanted member is copied as stored, so a projection costs one scan of the bytes instead
/// of decoding and re-encoding every value (which made it ~10× slower than a whole record).
final class FieldProjection {
    /// The wanted keys' UTF-8 one after another, shortest first, and where each starts: a member
    /// is compared only with the wanted keys of its own length, with no hashing per member.
    private let utf8: [UInt8]
    private let starts: [Int]
    /// For each length under 64, the range of `starts` holding the keys of that length.
    private let byLength: [Range<Int>]
    /// The keys as asked: a key stored escaped or beyond ASCII is compared as text, as a decoded
    /// object's keys were; and a key of 64 bytes or more.
    private let wanted: Set<String>
    /// Per one-byte key hash, as a record's member index keeps it: 0 when no wanted key has it,
    /// the position + 1 of the one that has, or ``shared`` when several (or a long key) do. A
    /// member is passed over on one load, and a hit compared with one key.
    private let slots: [UInt8]
    private static let shared: UInt8 = 0xFF

    init(_ keys: Set<String>) {
        wanted = keys
        var utf8: [UInt8] = [], starts: [Int] = [], byLength = Array(repeating: 0..<0, count: 64)
        for k in keys.filter({ $0.utf8.count < 64 }).sorted(by: { $0.utf8.count < $1.utf8.count }) {
            let n = k.utf8.count
            byLength[n] = (byLength[n].isEmpty ? starts.count : byLength[n].lowerBound)..<(starts.count + 1)
            starts.append(utf8.count)
            utf8.append(contentsOf: k.utf8)
        }
        self.utf8 = utf8
        self.starts = starts
        self.byLength = byLength
        var slots = [UInt8](repeating: 0, count: 256)
        for k in keys {
            let h = Int(Array(k.utf8).withUnsafeBytes { MemberIndex.hash($0) })
            let position = k.utf8.count < 64 ? Array(k.utf8).withUnsafeBytes { Self.find($0, utf8, starts, byLength) } : nil
            slots[h] = slots[h] == 0 && (position ?? .max) < Int(Self.shared) - 1 ? UInt8(position! + 1) : Self.shared
        }
        self.slots = slots
    }

    /// Writes an object holding the members of `object` (stored JSON) whose keys are wanted, in
    /// their stored order; wanted keys it lacks are left out. With the record's ``MemberIndex``
    /// entries, only the index is read and the kept members copied.
    func write(_ object: UnsafeRawBufferPointer, index: UnsafeRawBufferPointer? = nil, into out: inout [UInt8]) throws {
        if let index {
            out.append(contentsOf: try project(object, index: index))
            return
        }
        out.append(UInt8(ascii: "{"))
        var found = 0
        var members = try JSONMemberScanner(object)
        while found < wanted.count, let m = try members.next() {
            guard m.plainKey ? wants(plain: m.key) : wanted.contains(m.keyText) else { continue }
            if found > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: object[m.span]))
            found += 1
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The projection of an object with a member index, as ``write(_:index:into:)`` writes it,
    /// put together in the projection's own buffer with plain stores (an append to an array
    /// checks its storage every time) and valid until the next call.
    func project(_ object: UnsafeRawBufferPointer, index: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        var out = Output(scratch, capacity: min(scratch.count, object.count + 2))
        try project(object, index, into: &out)
        return UnsafeRawBufferPointer(start: scratch.baseAddress, count: out.count)
    }

    /// `prefix`, the projection, `separator` and the projection again, in the projection's own
    /// buffer (valid until the next call): a record's values and a form equal to them go into an
    /// answer in one copy, projected once. Nil when they would not fit (objects over ~32 KB).
    func project(_ object: UnsafeRawBufferPointer, index: UnsafeRawBufferPointer, after prefix: StaticString, twiceWith separator: StaticString) throws -> UnsafeRawBufferPointer? {
        let p = prefix.utf8CodeUnitCount, length = object.count + 2
        guard p + 2 * length + separator.utf8CodeUnitCount <= scratch.count else { return nil }
        var out = Output(scratch, capacity: p + length)
        out.literal(prefix)
        try project(object, index, into: &out)
        let projected = out.count - p
        out = Output(scratch, capacity: scratch.count, count: out.count)
        out.literal(separator)
        try out.copy(scratch.baseAddress! + p, projected)
        return UnsafeRawBufferPointer(start: scratch.baseAddress, count: out.count)
    }

    private func project(_ object: UnsafeRawBufferPointer, _ index: UnsafeRawBufferPointer, into out: inout Output) throws {
        out.byte(UInt8(ascii: "{"))
        try writeIndexed(object, index, into: &out)
        out.byte(UInt8(ascii: "}"))
    }

    /// Where ``project(_:index:)`` puts a projection together: as long as the longest object an
    /// index describes, for a projection is never longer than its object (its members as stored,
    /// a comma between two, two braces) plus two bytes. A projection serves one answer at a time
    /// (each request makes its own), never two threads.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(UInt16.max) + 2, alignment: 8)

    deinit { scratch.deallocate() }

    /// Bytes stored one after another into a buffer the projection cannot outgrow; every copy is
    /// checked all the same, so a damaged index that would is refused, never written past.
    private struct Output {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var count: Int

        init(_ buffer: UnsafeMutableRawBufferPointer, capacity: Int, count: Int = 0) {
            base = buffer.baseAddress!
            self.capacity = capacity
            self.count = count
        }

        /// A brace or a comma: room for each is kept (members take at most the rest, and there
        /// is one comma fewer than members).
        @inline(__always)
        mutating func byte(_ b: UInt8) {
            precondition(count < capacity)
            base.storeBytes(of: b, toByteOffset: count, as: UInt8.self)
            count += 1
        }

        /// Text put before or between projections, with room made for it by the caller.
        mutating func literal(_ text: StaticString) {
            text.withUTF8Buffer { t in
                precondition(t.count <= capacity - count)
                guard let from = t.baseAddress else { return }
                (base + count).copyMemory(from: from, byteCount: t.count)
                count += t.count
            }
        }

        @inline(__always)
        mutating func copy(_ from: UnsafeRawPointer, _ n: Int) throws {
            // Two bytes stay free: the comma before the next member and the closing brace.
            guard n <= capacity - count - 2 else { throw StorageError.corrupt("record member index out of bounds") }
            (base + count).copyMemory(from: from, byteCount: n)
            count += n
        }
    }

    /// The members the index points at, in one loop over its entries: a list of 200 projects 400
    /// objects, so this stays free of closures and reference counting, and members stored next to
    /// each other (a list's columns usually are) leave in one copy — a projection must cost no
    /// more than copying the whole object. Every entry is bounds-checked, wanted or not: a
    /// damaged index is refused, never read past.
    @inline(__always)
    private func writeIndexed(_ object: UnsafeRawBufferPointer, _ index: UnsafeRawBufferPointer, into out: inout Output) throws {
        let count = wanted.count
        guard count > 0, let entries = index.baseAddress, let bytes = object.baseAddress else { return }
        var found = 0
        // The run of kept members not yet copied: `"a":1,"b":2` between two offsets.
        var run = 0..<0
        var wrote = false
        func flush() throws {
            guard !run.isEmpty else { return }
            if wrote { out.byte(UInt8(ascii: ",")) }
            try out.copy(bytes + run.lowerBound, run.count)
            wrote = true
        }
        var i = 0
        while i + MemberIndex.entrySize <= index.count {
            let start = Int(UInt16(littleEndian: entries.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
            let keyLength = Int(entries.load(fromByteOffset: i + 2, as: UInt8.self))
            let end = Int(UInt16(littleEndian: entries.loadUnaligned(fromByteOffset: i + 4, as: UInt16.self)))
            guard start + keyLength + 2 < end, end <= object.count else { throw StorageError.corrupt("record member index out of bounds") }
            let slot = slots.withUnsafeBufferPointer { $0[Int(entries.load(fromByteOffset: i + 3, as: UInt8.self))] }
            if slot != 0, slot == Self.shared
                ? wants(plain: UnsafeRawBufferPointer(start: bytes + start + 1, count: keyLength))
                : isKey(Int(slot) - 1, bytes + start + 1, keyLength) {
                // Right after the run, past its one comma: the run grows instead of being copied.
                if !run.isEmpty, start == run.upperBound + 1, object[run.upperBound] == UInt8(ascii: ",") {
                    run = run.lowerBound..<end
                } else {
                    try flush()
                    run = start..<end
                }
                found += 1
                // Stored objects never repeat a key: the walk ends once every wanted one is out.
                if found == count { break }
            }
            i += MemberIndex.entrySize
        }
        try flush()
    }

    /// The wanted keys in the order ``position(plain:)`` numbers them.
    var keys: [String] {
        (0..<starts.count).map { String(decoding: utf8[starts[$0]..<(($0 + 1 < starts.count) ? starts[$0 + 1] : utf8.count)], as: UTF8.self) }
            + longKeys
    }

    /// The wanted keys of 64 bytes or more, numbered after the others.
    private var longKeys: [String] { wanted.filter { $0.utf8.count >= 64 }.sorted() }

    /// The position of a wanted key given as text (one stored escaped or beyond ASCII), or nil.
    func position(_ key: String) -> Int? {
        key.utf8.count < 64 ? Array(key.utf8).withUnsafeBytes { position(plain: $0) } : longKeys.firstIndex(of: key).map { starts.count + $0 }
    }

    /// The position of a key stored as plain ASCII among the wanted ones, or nil.
    func position(plain key: UnsafeRawBufferPointer) -> Int? {
        guard key.count < 64 else { return longKeys.firstIndex(of: String(decoding: key, as: UTF8.self)).map { starts.count + $0 } }
        return Self.find(key, utf8, starts, byLength)
    }

    /// Whether the `n` bytes at `key` are the wanted key at `position`, compared in place.
    @inline(__always)
    private func isKey(_ position: Int, _ key: UnsafeRawPointer, _ n: Int) -> Bool {
        let from = starts[position]
        guard (position + 1 < starts.count ? starts[position + 1] : utf8.count) - from == n else { return false }
        return utf8.withUnsafeBytes { all in Self.equal(all.baseAddress! + from, key, n) }
    }

    /// The position among `starts` of a key shorter than 64 bytes, or nil.
    private static func find(_ key: UnsafeRawBufferPointer, _ utf8: [UInt8], _ starts: [Int], _ byLength: [Range<Int>]) -> Int? {
        guard let k = key.baseAddress, !key.isEmpty else { return byLength[0].first }
        return utf8.withUnsafeBytes { all in byLength[key.count].first { equal(all.baseAddress! + starts[$0], k, key.count) } }
    }

    /// Whether `n` bytes at `a` and at `b` are the same. Keys are a few bytes: compared in place
    /// a word at a time (two words that may overlap cover up to 16 bytes), not through a call to
    /// memcmp nor byte by byte; every load lies within the `n` bytes.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        func same<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> Bool {
            a.loadUnaligned(fromByteOffset: at, as: T.self) == b.loadUnaligned(fromByteOffset: at, as: T.self)
        }
        switch n {
        case 8...:
            var i = 0
            while i + 8 < n {
                guard same(i, UInt64.self) else { return false }
                i += 8
            }
            return same(n - 8, UInt64.self)
        case 4...: return same(0, UInt32.self) && same(n - 4, UInt32.self)
        case 2...: return same(0, UInt16.self) && same(n - 2, UInt16.self)
        case 1: return same(0, UInt8.self)
        default: return true
        }
    }

    /// Whether a key stored as plain ASCII is wanted.
    private func wants(plain key: UnsafeRawBufferPointer) -> Bool {
        let n = key.count
        guard n < 64 else { return wanted.contains(String(decoding: key, as: UTF8.self)) }
        let candidates = byLength[n]
        // Most members are turned away on their length alone.
        guard !candidates.isEmpty else { return false }
        guard n > 0 else { return true }
        return utf8.withUnsafeBytes { all in candidates.contains { Self.equal(all.baseAddress! + starts[$0], key.baseAddress!, n) } }
    }
}

/// Walks the members of a JSON object in place, finding where each starts and ends without
/// decoding its value: strings are skipped by their closing quote, nested objects and arrays whole.
struct JSONMemberScanner {
    /// One member as stored.
    struct Member {
        /// The key's bytes between its quotes, escapes as stored.
        let key: UnsafeRawBufferPointer
        /// Whether the key is ASCII without escapes, so its bytes are its text.
        let plainKey: Bool
        /// `"key":value`, as offsets into the object.
        let span: Range<Int>

        /// The key as text, escapes decoded.
        var keyText: String {
            guard key.contains(UInt8(ascii: "\\")) else { return String(decoding: key, as: UTF8.self) }
            let quoted = [UInt8(ascii: "\"")] + Array(key) + [UInt8(ascii: "\"")]
            return (try? JSONDecoder().decode(String.self, from: Data(quoted))) ?? ""
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var done = false

    /// Starts at the object's opening brace.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        skipSpace()
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { done = true }
    }

    /// The next member, nil after the last.
    mutating func next() throws -> Member? {
        guard !done else { return nil }
        skipSpace()
        let start = i
        let (key, plainKey) = try readKey()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
        try skipValue()
        let end = i
        skipSpace()
        guard i < bytes.count else { throw Self.malformed }
        switch bytes[i] {
        case UInt8(ascii: ","): i += 1
        case UInt8(ascii: "}"): done = true
        default: throw Self.malformed
        }
        return Member(key: key, plainKey: plainKey, span: start..<end)
    }

    /// A key and whether its bytes are its text (ASCII, no escapes).
    private mutating func readKey() throws -> (UnsafeRawBufferPointer, plain: Bool) {
        let start = i + 1
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Self.malformed }
        let plain = try skipString()
        return (UnsafeRawBufferPointer(rebasing: bytes[start..<(i - 1)]), plain)
    }

    private static let malformed = StorageError.corrupt("stored values are not a JSON object")

    private mutating func skipSpace() {
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private mutating func expect(_ byte: UInt8) throws {
        guard i < bytes.count, bytes[i] == byte else { throw Self.malformed }
        i += 1
    }

    /// From an opening quote to past its closing one, eight bytes at a time (keys and values
    /// are most of the bytes); whether the string is ASCII without escapes.
    private mutating func skipString() throws -> Bool {
        var plain = true
        i += 1
        while true {
            if i + 8 <= bytes.count {
                let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let stops = Self.zeroBytes(w ^ 0x2222_2222_2222_2222) | Self.zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
                // The lowest flagged byte is exact: a false flag only ever sits above a true one.
                let k = stops == 0 ? 8 : stops.trailingZeroBitCount / 8
                if k > 0, w & (k == 8 ? ~0 : (1 << (8 * k)) - 1) & 0x8080_8080_8080_8080 != 0 { plain = false }
                i += k
                if k == 8 { continue }
            } else {
                guard i < bytes.count else { throw Self.malformed }
                let b = bytes[i]
                if b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") {
                    if b >= 0x80 { plain = false }
                    i += 1
                    continue
                }
            }
            // At a quote or a backslash.
            if bytes[i] == UInt8(ascii: "\\") {
                plain = false
                i += 2
                continue
            }
            i += 1
            return plain
        }
    }

    /// The high bit set in each byte of `v` that is zero (exact for the lowest).
    private static func zeroBytes(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    private mutating func skipValue() throws {
        guard i < bytes.count else { throw Self.malformed }
        switch bytes[i] {
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                guard i < bytes.count else { throw Self.malformed }
                switch bytes[i] {
                case UInt8(ascii: "\""): _ = try skipString(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                i += 1
            } while depth > 0
        default:
            // A number, true, false or null: up to the next delimiter.
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != UInt8(ascii: "]"), !Self.isSpace(bytes[i]) { i += 1 }
            guard i > start else { throw Self.malformed }
        }
    }
}
