import Foundation
import PluginAPI
import Storage

/// Notifications waiting to be sent, written in the same transaction as the change that causes
/// them (review outcomes, batch notices). Delivery channels read it in order.
///
/// | database | key → value |
/// |---|---|
/// | `outbox` | sequence → JSON `{event, to, kind, record, data, created}` |
struct Outbox: Sendable {
    let table: Table<UInt64, [UInt8]>
    let meta: Table<String, UInt64>

    init(environment: Environment) throws {
        table = try Table(environment, name: "outbox")
        meta = try Table(environment, name: "outbox-meta")
    }

    /// Queues one notification.
    func enqueue(_ txn: Transaction, event: String, to recipient: String, kind: String, record: String, data: JSONObject, now: Double) throws {
        let seq = (try meta.get(txn, "next") ?? 0) + 1
        try meta.put(txn, "next", seq)
        let message: JSONValue = [
            "event": .string(event), "to": .string(recipient), "kind": .string(kind), "record": .string(record),
            "data": .object(data), "created": .double(now),
        ]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320)
        message.append(to: &bytes)
        try table.put(txn, seq, bytes)
    }

    /// Queued messages, oldest first.
    func pending(_ txn: Transaction, limit: Int = 100) throws -> [(UInt64, JSONValue)] {
        var out: [(UInt64, JSONValue)] = []
        try table.scan(txn) { seq, bytes in
            out.append((seq, try JSONDecoder().decode(JSONValue.self, from: Data(bytes))))
            return out.count < limit
        }
        return out
    }
}
