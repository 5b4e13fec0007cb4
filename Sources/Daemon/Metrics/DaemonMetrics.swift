import Foundation
import Metrics
import Prometheus
import Storage

/// The daemon's metrics, through swift-metrics into one Prometheus registry, served at
/// `GET /metrics`. Request counts and latency come from the request middleware; the gauges
/// (outbox, LMDB, records) are read when Prometheus scrapes, so they cost nothing in between.
enum DaemonMetrics {
    static let registry = PrometheusCollectorRegistry()
    static let factory: PrometheusMetricsFactory = {
        var f = PrometheusMetricsFactory(registry: registry)
        f.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        return f
    }()

    /// The handles of one route and status, made once: a registry lookup per request costs more
    /// than the request's own bookkeeping.
    private struct Handles: @unchecked Sendable {
        let requests: Metrics.Counter
        let duration: Metrics.Timer
    }
    private static let handles = LockedBox<[String: Handles]>([:])

    /// Counts one answered request and its duration.
    static func request(method: String, route: String, status: Int, duration: Duration) {
        let key = "\(method) \(status) \(route)"
        let h = handles.withValue { $0[key] } ?? {
            let made = Handles(
                requests: Metrics.Counter(label: "jiuye_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                duration: Metrics.Timer(label: "jiuye_http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory))
            handles.withValue { $0[key] = made }
            return made
        }()
        h.requests.increment()
        h.duration.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + Int64(duration.components.attoseconds / 1_000_000_000))
    }

    /// The Prometheus text, with the gauges read now.
    static func scrape(services: CoreServices) throws -> [UInt8] {
        let env = services.directory.environment
        let stats = env.stats()
        gauge("jiuye_lmdb_map_size_bytes", stats.mapSize)
        gauge("jiuye_lmdb_used_bytes", stats.usedBytes)
        gauge("jiuye_lmdb_readers", stats.readersInUse)
        // Writes ÷ commits is how many requests shared an fsync.
        let groups = env.groupCommitStatistics
        gauge("jiuye_commit_groups", Int(groups.groups))
        gauge("jiuye_commit_writes", Int(groups.writes))
        let kinds = try services.kinds()
        let (pending, dead, records) = try env.read { txn -> (Int, Int, [(String, Int)]) in
            var pending = 0, dead = 0
            let marker = Array(#""status":"dead""#.utf8)
            try txn.scan(services.outbox.table.database, .all) { _, raw in
                if raw.contains(marker) { dead += 1 } else { pending += 1 }
                return true
            }
            let records = try kinds.tables.sorted { $0.key < $1.key }.map { id, kind in
                (id, Int(try ScopedRecords.system.statistics(kind).run(txn, dimension: "total", cohort: nil, college: nil, group: .none)
                    .totals.values.reduce(0, +)))
            }
            return (pending, dead, records)
        }
        gauge("jiuye_outbox_pending", pending)
        gauge("jiuye_outbox_dead", dead)
        for (kind, n) in records { gauge("jiuye_records", n, [("kind", kind)]) }
        return registry.emitToBuffer()
    }

    private static func gauge(_ name: String, _ value: Int, _ dimensions: [(String, String)] = []) {
        Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }
}

extension UnsafeRawBufferPointer {
    /// Whether `needle` occurs in these bytes.
    func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        while i + needle.count <= count {
            if self[i] == first && self[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
