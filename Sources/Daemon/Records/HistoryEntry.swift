import Crypto
import Foundation
import PluginAPI
import Storage

/// One transition in a record's history (审核记录): who, as what, at which level, from where to
/// where, why, when. Each entry carries the hash of the one before it, so an entry altered or
/// removed behind the engine's back breaks the chain.
///
/// Two schemes: ``Scheme/keyed`` (HMAC-SHA256 with the ``HistoryKey``, over the kind, the record
/// id and the entry) is what the engine writes; ``Scheme/legacy`` (plain SHA-256 of the entry,
/// no key, no record) is how entries written before the key existed are read and checked.
struct HistoryEntry: StorageValue, Sendable, Equatable {
    enum Scheme: UInt8, Sendable {
        /// SHA-256 of the entry alone: anyone can recompute it, and it fits any record.
        case legacy = 1
        /// HMAC-SHA256 keyed with `<data>/history.key`, bound to the kind and record id.
        case keyed = 2

        var label: String { self == .keyed ? "keyed (HMAC-SHA256)" : "legacy (unkeyed SHA-256)" }
    }
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
    var scheme: Scheme

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

    /// The hash this entry should carry under its scheme, as the entry `id` of kind `kind`.
    func computedHash(key: HistoryKey, kind: String, record id: String) -> [UInt8] {
        switch scheme {
        case .legacy:
            return Array(SHA256.hash(data: body()))
        case .keyed:
            var w = ByteWriter(capacity: capacity + kind.utf8.count + id.utf8.count)
            w.string("jiuye history v2"); w.string(kind); w.string(id)
            writeBody(&w)
            return Array(HMAC<SHA256>.authenticationCode(for: w.bytes, using: key.key))
        }
    }

    /// Legacy entries end at the hash; keyed ones add their scheme after it, so old values read as they were.
    func encodeValue() throws -> [UInt8] {
        var w = ByteWriter(capacity: capacity)
        writeBody(&w)
        w.blob(hash)
        if scheme != .legacy { w.u8(scheme.rawValue) }
        return w.bytes
    }

    init(decodingValue bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        seq = try r.u32(); time = try r.f64()
        actor = try r.string(); role = try r.string(); action = try r.string(); level = try r.string()
        from = try r.string(); to = try r.string(); reason = try r.string(); note = try r.string()
        prev = try r.blob(); hash = try r.blob()
        if r.offset == bytes.count {
            scheme = .legacy
        } else {
            let raw = try r.u8()
            guard let s = Scheme(rawValue: raw) else { throw StorageError.corrupt("unknown history scheme \(raw)") }
            scheme = s
        }
    }

    /// A new entry of record `id` of `kind`, signed with `key`.
    init(seq: UInt32, time: Double, actor: String, role: String, action: String, level: String, from: String, to: String,
         reason: String, note: String, prev: [UInt8], key: HistoryKey, kind: String, record id: String) {
        self.seq = seq; self.time = time; self.actor = actor; self.role = role; self.action = action; self.level = level
        self.from = from; self.to = to; self.reason = reason; self.note = note; self.prev = prev
        scheme = .keyed
        hash = []
        hash = computedHash(key: key, kind: kind, record: id)
    }

    var json: JSONValue {
        [
            "seq": .int(Int(seq)), "time": .string(ISO8601.string(time)),
            "actor": .string(actor), "role": .string(role), "action": .string(action), "level": .string(level),
            "from": .string(from), "to": .string(to), "reason": .string(reason), "note": .string(note),
        ]
    }

    /// The entry as people read it: states, the reason and the action by their labels beside the
    /// ids, so a timeline never shows a raw state id (a level removed since included).
    func json(in kind: RecordTables) -> JSONValue {
        var o = json.objectValue ?? [:]
        o["fromLabel"] = .string(from.isEmpty ? "" : kind.stateLabel(from))
        o["toLabel"] = .string(kind.stateLabel(to))
        o["levelLabel"] = .string(Role(rawValue: level)?.label.zh ?? "")
        o["reasonLabel"] = .string(kind.reasonLabel(reason))
        o["actionLabel"] = .string(kind.actionLabel(action))
        return .object(o)
    }
}
