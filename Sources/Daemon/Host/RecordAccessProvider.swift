import PluginAPI
import Storage

/// Builds the record access plugins get inside a transaction. The host owns it; the HTTP core
/// fills it in once it has its services (the engine needs them), so hooks and plugin routes reach
/// records through the same engine as the generic routes.
final class RecordAccessProvider: Sendable {
    typealias Factory = @Sendable (Transaction, Caller) throws -> any RecordAccess
    private let factory = LockedBox<Factory?>(nil)

    func install(_ f: @escaping Factory) { factory.value = f }

    /// Access in `txn` acting as `caller` (nil: the core itself).
    func access(_ txn: Transaction, caller: Caller?) -> any RecordAccess {
        guard let f = factory.value else { return UnavailableRecordAccess() }
        do { return try f(txn, caller ?? .system()) } catch { return UnavailableRecordAccess(error: error) }
    }
}

/// What plugins get before the core is serving (or when building the engine failed): every call throws.
private struct UnavailableRecordAccess: RecordAccess {
    var error: any Error = PluginError(status: 503, code: ErrorCode.recordsUnavailable.rawValue, message: "记录服务尚未就绪")
    func record(_ kind: String, _ id: String) throws -> RecordSnapshot? { throw error }
    func records(_ kind: String, student: String) throws -> [RecordSnapshot] { throw error }
    func list(_ kind: String, filters: [String: String], after: String?, limit: Int) throws -> [RecordSnapshot] { throw error }
    func create(_ kind: String, student: String, values: JSONObject, action: String?) throws -> RecordSnapshot { throw error }
    func update(_ kind: String, _ id: String, values: JSONObject) throws -> RecordSnapshot { throw error }
    func transition(_ kind: String, _ id: String, action: String, reason: String, note: String, values: JSONObject) throws -> RecordSnapshot { throw error }
    func history(_ kind: String, _ id: String) throws -> [RecordHistoryEntry]? { throw error }
}
