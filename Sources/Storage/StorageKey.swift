/// A type that can be a key, or a part of a composite key.
///
/// Encodings sort as the values do: integers are big-endian (signed ones with the sign bit
/// flipped), strings are UTF-8 ended by a 0 byte. So a prefix scan over a composite key
/// such as (cohort, college, id) walks one cohort, or one college of one cohort, in order.
public protocol StorageKey: Sendable {
    /// Appends this value's encoding to a key being built.
    func appendKey(to key: inout [UInt8])
    /// Reads one value back from a key, advancing the reader.
    init(reading reader: inout KeyReader) throws
}

extension StorageKey {
    /// This value encoded on its own.
    public var keyBytes: [UInt8] {
        var bytes: [UInt8] = []
        appendKey(to: &bytes)
        return bytes
    }

    /// Decodes a whole key; trailing bytes are an error.
    public init(keyBytes: UnsafeRawBufferPointer) throws {
        var reader = KeyReader(keyBytes)
        self = try Self(reading: &reader)
        guard reader.isAtEnd else { throw StorageError.corrupt("trailing bytes after \(Self.self) key") }
    }
}

/// Reads the parts of a composite key in order.
public struct KeyReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// A reader over borrowed key bytes.
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte was consumed.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Takes the next `count` bytes.
    public mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard offset + count <= bytes.count else { throw StorageError.corrupt("key too short") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// Takes bytes up to a 0 terminator, consuming the terminator.
    public mutating func takeTerminated() throws -> UnsafeRawBufferPointer {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw StorageError.corrupt("unterminated key part") }
        defer { offset = end + 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
    }

    /// Takes every remaining byte.
    public mutating func takeRest() -> UnsafeRawBufferPointer {
        defer { offset = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset...])
    }

    /// Reads the next part as `T`.
    public mutating func read<T: StorageKey>(_ type: T.Type = T.self) throws -> T {
        try T(reading: &self)
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    @inline(__always) func appendBigEndian(to key: inout [UInt8]) {
        withUnsafeBytes(of: bigEndian) { key.append(contentsOf: $0) }
    }
    @inline(__always) init(bigEndianBytes raw: UnsafeRawBufferPointer) {
        var v: Self = 0
        for b in raw { v = v << 8 | Self(b) }
        self = v
    }
}

extension UInt64: StorageKey {
    public func appendKey(to key: inout [UInt8]) { appendBigEndian(to: &key) }
    public init(reading r: inout KeyReader) throws { self.init(bigEndianBytes: try r.take(8)) }
}

extension UInt32: StorageKey {
    public func appendKey(to key: inout [UInt8]) { appendBigEndian(to: &key) }
    public init(reading r: inout KeyReader) throws { self.init(bigEndianBytes: try r.take(4)) }
}

extension UInt16: StorageKey {
    public func appendKey(to key: inout [UInt8]) { appendBigEndian(to: &key) }
    public init(reading r: inout KeyReader) throws { self.init(bigEndianBytes: try r.take(2)) }
}

extension UInt8: StorageKey {
    public func appendKey(to key: inout [UInt8]) { key.append(self) }
    public init(reading r: inout KeyReader) throws { self = try r.take(1)[0] }
}

extension Int64: StorageKey {
    // Flipping the sign bit makes negative numbers sort before positive ones.
    public func appendKey(to key: inout [UInt8]) { (UInt64(bitPattern: self) ^ (1 << 63)).appendKey(to: &key) }
    public init(reading r: inout KeyReader) throws { self = Int64(bitPattern: try UInt64(reading: &r) ^ (1 << 63)) }
}

extension String: StorageKey {
    /// UTF-8 then a 0 byte, so a string can sit in the middle of a composite key.
    public func appendKey(to key: inout [UInt8]) {
        key.append(contentsOf: utf8)
        key.append(0)
    }
    public init(reading r: inout KeyReader) throws {
        let raw = try r.takeTerminated()
        self = String(decoding: raw, as: UTF8.self)
    }
}

/// Raw bytes as the last part of a key.
public struct RawKey: StorageKey, Hashable {
    /// The bytes.
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func appendKey(to key: inout [UInt8]) { key.append(contentsOf: bytes) }
    public init(reading r: inout KeyReader) throws { bytes = Array(r.takeRest()) }
}

/// Two keys side by side: the building block of composite keys.
public struct KeyPair<First: StorageKey, Second: StorageKey>: StorageKey {
    public var first: First
    public var second: Second
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }
    public func appendKey(to key: inout [UInt8]) {
        first.appendKey(to: &key)
        second.appendKey(to: &key)
    }
    public init(reading r: inout KeyReader) throws {
        first = try First(reading: &r)
        second = try Second(reading: &r)
    }
}

extension KeyPair: Equatable where First: Equatable, Second: Equatable {}
extension KeyPair: Hashable where First: Hashable, Second: Hashable {}

/// The leading parts of a composite key, for prefix scans.
public struct KeyPrefix: Sendable, Hashable {
    /// The encoded bytes.
    public let bytes: [UInt8]

    /// A prefix made of the given leading parts, e.g. `KeyPrefix(UInt16(2026), "计算机学院")`.
    public init<each Part: StorageKey>(_ parts: repeat each Part) {
        var bytes: [UInt8] = []
        repeat (each parts).appendKey(to: &bytes)
        self.bytes = bytes
    }

    /// The empty prefix: every key.
    public static let all = KeyPrefix()

    /// The key range this prefix covers.
    public var range: KeyRange { .prefix(bytes) }
}
