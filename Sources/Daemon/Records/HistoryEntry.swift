import Crypto
import Foundation
import PluginAPI
import Storage

/// One transition in a record's history (审核记录): who, as what, at which level, from where to
/// where, why, when. Each entry carries the hash of the one before it, so an entry altered or
/// removed behind the engine's back breaks the chain.
struct HistoryEntry: StorageValue, Sendable, Equatable {
    var seq: UInt32
    var time: Double
    var actor: String
    var role: String
    var action: String
    /// The review level's role, or "" outside a review pipeline.
    var level: String
    var from: String
    var to: String
    /// A reason code from the kind's list (rejections, declines).
    var reason: String
    var note: String
    var prev: [UInt8]
    var hash: [UInt8]

    /// Everything but the hash, as hashed.
    func body() -> [UInt8] {
        var w = ByteWriter(capacity: capacity)
        writeBody(&w)
        return w.bytes
    }

    private func writeBody(_ w: inout ByteWriter) {
        w.u32(seq); w.f64(time)
        w.string(actor); w.string(role); w.string(action); w.string(level)
        w.string(from); w.string(to); w.string(reason); w.string(note)
        w.blob(prev)
    }

    /// Room for the body and the hash, so either is written in one allocation.
    private var capacity: Int { 200 + prev.count + reason.utf8.count + note.utf8.count }

    func computedHash() -> [UInt8] { Array(SHA256.hash(data: body())) }

    func encodeValue() throws -> [UInt8] {
        var w = ByteWriter(capacity: capacity)
        writeBody(&w)
        w.blob(hash)
        return w.bytes
    }

    init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        seq = try r.u32(); time = try r.f64()
        actor = try r.string(); role = try r.string(); action = try r.string(); level = try r.string()
        from = try r.string(); to = try r.string(); reason = try r.string(); note = try r.string()
        prev = try r.blob(); hash = try r.blob()
    }

    init(seq: UInt32, time: Double, actor: String, role: String, action: String, level: String, from: String, to: String,
         reason: String, note: String, prev: [UInt8]) {
        self.seq = seq; self.time = time; self.actor = actor; self.role = role; self.action = action; self.level = level
        self.from = from; self.to = to; self.reason = reason; self.note = note; self.prev = prev
        hash = []
        hash = computedHash()
    }

    var json: JSONValue {
        [
            "seq": .int(Int(seq)), "time": .string(ISO8601.string(time)),
            "actor": .string(actor), "role": .string(role), "action": .string(action), "level": .string(level),
            "from": .string(from), "to": .string(to), "reason": .string(reason), "note": .string(note),
        ]
    }
}
