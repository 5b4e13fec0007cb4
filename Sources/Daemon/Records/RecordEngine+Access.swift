import Foundation
import PluginAPI
import Storage

/// The record engine as plugins reach it: one transaction, one actor, the engine's own rules.
struct EngineRecordAccess: RecordAccess {
    let engine: RecordEngine
    let txn: Transaction
    let caller: Caller

    private var now: Double { Date().timeIntervalSince1970 }

    /// The engine's refusals as the plugin API's errors, so a plugin can catch and report them.
    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as EngineError {
            throw Self.pluginError(e.apiError)
        } catch let e as APIError {
            throw Self.pluginError(e)
        }
    }

    func record(_ kind: String, _ id: String) throws -> RecordSnapshot? {
        try mapped {
            let k = try engine.kinds.kind(kind)
            guard let r = try caller.records.get(txn, k, id) else { return nil }
            return try snapshot(k, r)
        }
    }

    func records(_ kind: String, student: String) throws -> [RecordSnapshot] {
        try mapped {
            let k = try engine.kinds.kind(kind)
            return try caller.records.records(txn, k, student: student).map { try snapshot(k, $0) }
        }
    }

    func list(_ kind: String, filters: [String: String], after: String?, limit: Int) throws -> [RecordSnapshot] {
        try mapped {
            let k = try engine.kinds.kind(kind)
            let filter = try RecordQuery.Filter(filters.map { ($0.key, $0.value) }, kind: k)
            return try caller.records.query(k).list(txn, filter: filter, order: .id, after: after, size: max(1, min(limit, 2000)))
                .map { try snapshot(k, $0) }
        }
    }

    func create(_ kind: String, student: String, values: JSONObject, action: String?) throws -> RecordSnapshot {
        try mapped {
            let k = try engine.kinds.kind(kind)
            return try snapshot(k, try engine.create(txn, k, caller: caller, student: student, values: values, action: action, now: now))
        }
    }

    func update(_ kind: String, _ id: String, values: JSONObject) throws -> RecordSnapshot {
        try mapped {
            let k = try engine.kinds.kind(kind)
            return try snapshot(k, try engine.update(txn, k, caller: caller, id: id, values: values, now: now))
        }
    }

    func transition(_ kind: String, _ id: String, action: String, reason: String, note: String, values: JSONObject) throws -> RecordSnapshot {
        try mapped {
            let k = try engine.kinds.kind(kind)
            let input = RecordEngine.TransitionInput(action: action, reason: reason, note: note, values: values)
            return try snapshot(k, try engine.transition(txn, k, caller: caller, id: id, input, now: now))
        }
    }

    func history(_ kind: String, _ id: String) throws -> [RecordHistoryEntry]? {
        try mapped {
            let k = try engine.kinds.kind(kind)
            guard try caller.records.get(txn, k, id) != nil else { return nil }
            return try k.entries(txn, of: id).map {
                RecordHistoryEntry(seq: $0.seq, time: $0.time, actor: $0.actor, role: $0.role, action: $0.action,
                                   from: $0.from, to: $0.to, reason: $0.reason, note: $0.note)
            }
        }
    }

    private static func pluginError(_ api: APIError) -> PluginError {
        PluginError(status: Int(api.status.code), code: api.code, message: api.message, field: api.field)
    }

    private func snapshot(_ k: RecordTables, _ r: StoredRecord) throws -> RecordSnapshot {
        RecordSnapshot(id: r.id, kind: k.spec.id, student: r.student, studentName: r.studentName, party: r.party, state: r.state,
                       values: try r.valuesObject(), created: r.created, updated: r.updated)
    }
}
