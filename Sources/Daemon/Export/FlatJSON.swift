/// A parser for the flat JSON objects records store (text, numbers, booleans, null): an export
/// reads 100 000 of them, and the general-purpose decoder would take most of the time budget.
enum FlatJSON {
    enum Value: Equatable {
        case string(String), number(String), bool(Bool), null
    }

    struct Malformed: Error {}

    /// Every member as a dictionary (filters on values read this).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> [String: Value] {
        var keys: [String] = []
        var out: [String: Value] = [:]
        try visit(bytes, want: { _, text in keys.append(text()); return keys.count - 1 }) { i, v in out[keys[i]] = v }
        return out
    }

    /// Visits the members in stored order. `want` is asked per key — given its bytes as stored
    /// when they are plain ASCII (else nil) and its decoded text on demand — for a position, or
    /// nil to pass the value over unread; `body` gets the position and the value.
    static func visit(_ bytes: UnsafeRawBufferPointer, want: (_ plain: UnsafeRawBufferPointer?, _ text: () -> String) -> Int?,
                      _ body: (Int, Value) throws -> Void) throws {
        var r = Reader(bytes: bytes)
        r.skip()
        try r.expect(UInt8(ascii: "{"))
        r.skip()
        if r.at(UInt8(ascii: "}")) { return }
        while true {
            r.skip()
            let key = try r.rawString()
            r.skip()
            try r.expect(UInt8(ascii: ":"))
            r.skip()
            let position = want(key.plain ? key.bytes : nil) { Reader.decode(key.bytes) }
            if let position { try body(position, try r.value()) } else { try r.skipValue() }
            r.skip()
            if r.at(UInt8(ascii: ",")) { r.i += 1; continue }
            try r.expect(UInt8(ascii: "}"))
            return
        }
    }

    /// A cursor over one object's bytes.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        func at(_ b: UInt8) -> Bool { i < bytes.count && bytes[i] == b }

        mutating func skip() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ b: UInt8) throws {
            guard at(b) else { throw Malformed() }
            i += 1
        }

        /// A string's bytes between its quotes, escapes as stored, and whether they are plain
        /// ASCII without escapes.
        mutating func rawString() throws -> (bytes: UnsafeRawBufferPointer, plain: Bool) {
            try expect(0x22)
            let start = i
            var plain = true
            while i < bytes.count, bytes[i] != 0x22 {
                if bytes[i] == 0x5C { plain = false; i += 1 } else if bytes[i] >= 0x80 { plain = false }
                i += 1
            }
            guard i < bytes.count else { throw Malformed() }
            i += 1
            return (UnsafeRawBufferPointer(rebasing: bytes[start..<(i - 1)]), plain)
        }

        mutating func value() throws -> Value {
            guard i < bytes.count else { throw Malformed() }
            switch bytes[i] {
            case 0x22: return .string(Self.decode(try rawString().bytes))
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != 0x20 { i += 1 }
                return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
            }
        }

        mutating func skipValue() throws {
            if at(0x22) { _ = try rawString() } else { _ = try value() }
        }

        /// A string's text from its bytes between the quotes: escapes decoded, a surrogate pair
        /// as the one scalar it spells.
        static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
            guard bytes.contains(0x5C) else { return String(decoding: bytes, as: UTF8.self) }
            var raw: [UInt8] = []
            var i = 0
            let n = bytes.count
            func hex(_ at: Int) -> UInt32? {
                at + 4 <= n ? UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + 4)]), as: UTF8.self), radix: 16) : nil
            }
            while i < n {
                guard bytes[i] == 0x5C, i + 1 < n else { raw.append(bytes[i]); i += 1; continue }
                i += 1
                switch bytes[i] {
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "u"):
                    guard let code = hex(i + 1) else { raw.append(bytes[i]); break }
                    i += 4
                    var scalar = code
                    if (0xD800...0xDBFF).contains(code), i + 2 < n, bytes[i + 1] == 0x5C, bytes[i + 2] == UInt8(ascii: "u"), let low = hex(i + 3) {
                        scalar = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    raw.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
                default: raw.append(bytes[i])
                }
                i += 1
            }
            return String(decoding: raw, as: UTF8.self)
        }
    }
}
