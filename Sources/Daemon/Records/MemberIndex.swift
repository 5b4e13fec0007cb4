import Storage

/// Where each top-level member of a stored JSON object sits, kept in the record beside the
/// object (record format 4): a `fields=` answer copies the asked members without scanning the
/// object, so it costs less than the whole record it is cut from.
///
/// Stored as a count (`UInt16`) and one entry per member in stored order: where the key's
/// opening quote is (`UInt16`), the key's length between its quotes (`UInt8`), a one-byte hash
/// of the key (``hash(_:)``: most members are passed over on one bit test, no bytes compared)
/// and where the value ends (`UInt16`). An object the entries cannot describe (64 KiB or more, a key that is
/// long, escaped or beyond ASCII) gets ``unindexed`` and is scanned, as a format-3 record is.
enum MemberIndex {
    /// Bytes per member.
    static let entrySize = 6
    /// The count of an object kept without an index.
    static let unindexed: UInt16 = 0xFFFF
    /// The count written for a student's form equal to the official values byte for byte (a
    /// form copied over, or seeded): its index is theirs, and so is its projection.
    static let sameAsValues: UInt16 = 0xFFFE

    /// Writes the index of `object` (or ``unindexed``).
    static func write(_ object: [UInt8], into w: inout ByteWriter) {
        guard let entries = object.withUnsafeBytes({ try? entries($0) }) else { return w.u16(unindexed) }
        w.u16(UInt16(entries.count / entrySize))
        w.bytes.append(contentsOf: entries)
    }

    /// The entries of an object that fits them, nil otherwise.
    private static func entries(_ object: UnsafeRawBufferPointer) throws -> [UInt8]? {
        guard object.count < Int(UInt16.max) else { return nil }
        var out: [UInt8] = []
        var members = try JSONMemberScanner(object)
        while let m = try members.next() {
            guard m.plainKey, m.key.count <= Int(UInt8.max), out.count / entrySize < Int(sameAsValues) - 1 else { return nil }
            withUnsafeBytes(of: UInt16(m.span.lowerBound).littleEndian) { out.append(contentsOf: $0) }
            out.append(UInt8(m.key.count))
            out.append(hash(m.key))
            withUnsafeBytes(of: UInt16(m.span.upperBound).littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Reads an index written by ``write(_:into:)``: its entries (nil when the object is
    /// unindexed or the same as the values), and whether it is ``sameAsValues``.
    static func read(_ r: inout ByteReader) throws -> (entries: UnsafeRawBufferPointer?, sameAsValues: Bool) {
        let count = try r.u16()
        switch count {
        case unindexed: return (nil, false)
        case sameAsValues: return (nil, true)
        default: return (try r.take(Int(count) * entrySize), false)
        }
    }

    /// The one-byte hash of a key as stored.
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt8 {
        var h: UInt32 = 2_166_136_261
        for b in key { h = (h ^ UInt32(b)) &* 16_777_619 }
        return UInt8(truncatingIfNeeded: h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24))
    }
}
