import Foundation

/// A type that can be stored as a value.
public protocol StorageValue: Sendable {
    /// The bytes to store.
    func encodeValue() throws -> [UInt8]
    /// Decodes stored bytes (borrowed: copy what you keep).
    init(decodingValue bytes: UnsafeRawBufferPointer) throws
}

extension Array: StorageValue where Element == UInt8 {
    public func encodeValue() throws -> [UInt8] { self }
    public init(decodingValue bytes: UnsafeRawBufferPointer) throws { self = Array(bytes) }
}

extension String: StorageValue {
    public func encodeValue() throws -> [UInt8] { Array(utf8) }
    public init(decodingValue bytes: UnsafeRawBufferPointer) throws { self = String(decoding: bytes, as: UTF8.self) }
}

extension UInt64: StorageValue {
    public func encodeValue() throws -> [UInt8] { keyBytes }
    public init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == 8 else { throw StorageError.corrupt("UInt64 value of \(bytes.count) bytes") }
        self.init(bigEndianBytes: bytes)
    }
}

extension UInt32: StorageValue {
    public func encodeValue() throws -> [UInt8] { keyBytes }
    public init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == 4 else { throw StorageError.corrupt("UInt32 value of \(bytes.count) bytes") }
        self.init(bigEndianBytes: bytes)
    }
}

/// Codable values stored as JSON: adopt this to store a `Codable` type without writing a codec.
public protocol JSONStorable: Codable, StorageValue {}

extension JSONStorable {
    public func encodeValue() throws -> [UInt8] { Array(try JSONEncoder().encode(self)) }
    public init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}
