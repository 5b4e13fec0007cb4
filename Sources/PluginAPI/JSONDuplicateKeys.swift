import Foundation

/// Finds a member named twice in one JSON object. Foundation's `JSONDecoder` keeps one of them
/// silently, so a body could say `"action": "approve"` to one reader and something else to another.
enum JSONDuplicateKeys {
    /// The path (`a.b[2].c`) of the first member that repeats a name within its object, or nil.
    /// Malformed JSON answers nil: the decoder that runs next names that problem better.
    static func find(in data: Data) -> String? {
        var scanner = Scanner(bytes: [UInt8](data))
        do {
            try scanner.value(path: "", depth: 0)
        } catch .duplicate(let path) {
            return path
        } catch {
            return nil
        }
        return nil
    }

    enum Stop: Error { case duplicate(String), malformed }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        /// Deeper documents are left to the decoder, which refuses them itself.
        static let maxDepth = 512

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func value(path: String, depth: Int) throws(Stop) {
            guard depth < Self.maxDepth else { throw .malformed }
            skipSpace()
            guard i < bytes.count else { throw .malformed }
            switch bytes[i] {
            case UInt8(ascii: "{"): try object(path: path, depth: depth)
            case UInt8(ascii: "["): try array(path: path, depth: depth)
            case UInt8(ascii: "\""): try skipString()
            default: try scalar()
            }
        }

        mutating func object(path: String, depth: Int) throws(Stop) {
            i += 1
            var seen = Set<String>()
            skipSpace()
            if peek(UInt8(ascii: "}")) { i += 1; return }
            while true {
                skipSpace()
                guard peek(UInt8(ascii: "\"")) else { throw .malformed }
                let key = try string()
                let member = path.isEmpty ? key : path + "." + key
                guard seen.insert(key).inserted else { throw .duplicate(member) }
                skipSpace()
                guard peek(UInt8(ascii: ":")) else { throw .malformed }
                i += 1
                try value(path: member, depth: depth + 1)
                skipSpace()
                if peek(UInt8(ascii: ",")) { i += 1; continue }
                guard peek(UInt8(ascii: "}")) else { throw .malformed }
                i += 1
                return
            }
        }

        mutating func array(path: String, depth: Int) throws(Stop) {
            i += 1
            skipSpace()
            if peek(UInt8(ascii: "]")) { i += 1; return }
            var index = 0
            while true {
                try value(path: "\(path)[\(index)]", depth: depth + 1)
                index += 1
                skipSpace()
                if peek(UInt8(ascii: ",")) { i += 1; continue }
                guard peek(UInt8(ascii: "]")) else { throw .malformed }
                i += 1
                return
            }
        }

        /// A string token, escapes decoded, so `"a"` and `"\u0061"` are the same name (as they are to the decoder).
        mutating func string() throws(Stop) -> String {
            i += 1
            var units: [UInt16] = []
            var raw: [UInt8] = []
            func flush() {
                if !raw.isEmpty { units += String(decoding: raw, as: UTF8.self).utf16; raw.removeAll() }
            }
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                switch b {
                case UInt8(ascii: "\""):
                    flush()
                    return String(decoding: units, as: UTF16.self)
                case UInt8(ascii: "\\"):
                    flush()
                    guard i < bytes.count else { throw .malformed }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let u = UInt16(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else { throw .malformed }
                        units.append(u)
                        i += 4
                    case UInt8(ascii: "n"): units.append(10)
                    case UInt8(ascii: "t"): units.append(9)
                    case UInt8(ascii: "r"): units.append(13)
                    case UInt8(ascii: "b"): units.append(8)
                    case UInt8(ascii: "f"): units.append(12)
                    default: units.append(UInt16(e))
                    }
                default:
                    raw.append(b)
                }
            }
            throw .malformed
        }

        /// A string value: only names are compared, so a value is passed over without decoding
        /// (a search body is one string of 2000 lines).
        mutating func skipString() throws(Stop) {
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i += 1; return
                case UInt8(ascii: "\\"): i += 2
                default: i += 1
                }
            }
            throw .malformed
        }

        /// A number, `true`, `false` or `null`: skipped up to the next delimiter.
        mutating func scalar() throws(Stop) {
            let start = i
            while i < bytes.count, !Self.delimiters.contains(bytes[i]) { i += 1 }
            guard i > start else { throw .malformed }
        }
        static let delimiters: Set<UInt8> = Set(",]}: \t\r\n".utf8)

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        func peek(_ b: UInt8) -> Bool { i < bytes.count && bytes[i] == b }
    }
}
