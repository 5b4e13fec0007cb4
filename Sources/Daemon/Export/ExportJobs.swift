import Foundation
import NIOPosix
import PluginAPI

/// Long exports run as jobs: the request answers at once with a job id; the job's progress can
/// be polled and its file downloaded when done. Jobs live in memory; their files under
/// `<data>/exports/` are removed when the daemon starts.
final class ExportJobs: Sendable {
    struct Job: Sendable {
        var id: String
        var owner: String
        var kind: String
        var format: String
        var state: String   // running, done, failed
        var done: Int
        var total: Int
        var rows: Int
        var error: String?
        var path: String

        var json: JSONValue {
            var o: JSONObject = ["id": .string(id), "kind": .string(kind), "format": .string(format), "state": .string(state),
                                 "done": .int(done), "total": .int(total), "rows": .int(rows)]
            o["error"] = error.map(JSONValue.string) ?? .null
            return .object(o)
        }
    }

    let directory: String
    private let jobs = LockedBox<[String: Job]>([:])

    init(dataDirectory: String) {
        directory = dataDirectory + "/exports"
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func job(_ id: String, owner: String) -> Job? {
        guard let j = jobs.value[id], j.owner == owner else { return nil }
        return j
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        var all = jobs.value
        if var j = all[id] { change(&j); all[id] = j }
        jobs.value = all
    }

    /// Starts an export on the blocking-work pool and returns its job at once.
    func start(_ export: RecordExport, request: RecordExport.Request, owner: String) throws -> Job {
        _ = try export.columns(request)
        _ = try export.filter(request)
        guard ["csv", "xlsx"].contains(request.format) else { throw ExportFailure.badFormat(request.format) }
        let id = randomHex(bytes: 16)
        let job = Job(id: id, owner: owner, kind: export.kind.spec.id, format: request.format, state: "running", done: 0, total: 0, rows: 0,
                      error: nil, path: "\(directory)/\(id).\(request.format)")
        var all = jobs.value
        all[id] = job
        jobs.value = all
        Task {
            do {
                let rows = try await NIOThreadPool.singleton.runIfActive {
                    try export.run(request, to: job.path) { done, total in self.update(id) { $0.done = done; $0.total = total } }
                }
                update(id) { $0.state = "done"; $0.rows = rows }
            } catch {
                update(id) { $0.state = "failed"; $0.error = "\(error)" }
            }
        }
        return job
    }
}
