import PluginAPI
import Storage

/// Counts from the live counters: by one dimension (state, a level's status, a code field),
/// per college, major or class, within the caller's scope. It reads counters, never records, so it
/// costs the same at 100 000 records as at 100.
struct StatsQuery {
    /// Counters keyed (dimension, cohort, college, major, class, value).
    let counters: Table<RawKey, UInt64>
    /// The caller's view (see ``ScopedRecords/statistics(_:)``, which builds this).
    let records: ScopedRecords
    /// Whether the counters also hold per-college and per-major sums (``Rollup``): record kinds
    /// do, the student directory does not.
    var rollups = false

    enum Group: String {
        case none, college, major, `class`
    }

    /// The sums a kind's counters keep beside each class's count, under their own dimension
    /// names, so the school's or a college's figures read a few dozen counters, not one per class
    /// and value (thousands at 100 000 students).
    enum Rollup {
        /// (dimension, cohort, college, 0, 0, value).
        case college
        /// (dimension, cohort, college, major, 0, value).
        case major

        /// The dimension the sums of `dimension` are kept under (no dimension has a colon).
        func dimension(_ dimension: String) -> String {
            switch self {
            case .college: "college:" + dimension
            case .major: "major:" + dimension
            }
        }
    }

    struct Result {
        var totals: [String: UInt64] = [:]
        var groups: [UInt32: [String: UInt64]] = [:]
    }

    func run(_ txn: Transaction, dimension: String, cohort: UInt16?, college: UInt32?, group: Group) throws -> Result {
        var result = Result()
        // The sums serve a caller who sees whole colleges; a counselor's classes are counted one by one.
        let rollup: Rollup? = rollups && records.seesWholeColleges ? (group == .major ? .major : group == .class ? nil : .college) : nil
        let scanned = rollup?.dimension(dimension) ?? dimension
        let prefix: KeyPrefix = switch (cohort, college) {
        case (let c?, let col?): KeyPrefix(scanned, c, col)
        case (let c?, nil): KeyPrefix(scanned, c)
        default: KeyPrefix(scanned)
        }
        try txn.scan(counters.database, prefix.range) { key, raw in
            let count = try UInt64(decodingValue: raw)
            var r = KeyReader(key)
            _ = try r.takeTerminated()
            _ = try r.read(UInt16.self)
            let col = try r.read(UInt32.self), major = try r.read(UInt32.self), cls = try r.read(UInt32.self)
            if let college, col != college { return true }
            guard rollup != nil || records.countsUnit(college: col, class: cls) else { return true }
            if rollup != nil, !records.countsUnit(college: col, class: 0) { return true }
            let value = try r.read(String.self)
            result.totals[value, default: 0] += count
            let unit: UInt32? = switch group {
            case .none: nil
            case .college: col
            case .major: major
            case .class: cls
            }
            if let unit { result.groups[unit, default: [:]][value, default: 0] += count }
            return true
        }
        return result
    }

    /// The cohorts (届别) with anything counted under `dimension` in the caller's scope, newest first:
    /// the console's cohort switch.
    func cohorts(_ txn: Transaction, dimension: String = "total") throws -> [UInt16] {
        var seen = Set<UInt16>()
        try txn.scan(counters.database, KeyPrefix(dimension).range) { key, raw in
            var r = KeyReader(key)
            let k = try StatsKey(reading: &r)
            if try UInt64(decodingValue: raw) > 0, records.countsUnit(college: k.college, class: k.classID) { seen.insert(k.cohort) }
            return true
        }
        return seen.sorted(by: >)
    }

    /// The result as JSON, with unit names.
    static func json(_ r: Result, kind: RecordTables, dimension: String, units: [UInt32: OrgUnit]) -> JSONValue {
        func counts(_ c: [String: UInt64]) -> JSONValue {
            .object(JSONObject(c.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int(Int($0.value))) }))
        }
        let groups = r.groups.sorted { $0.key < $1.key }.map { id, c -> JSONValue in
            ["id": .int(Int(id)), "name": .string(units[id]?.name ?? ""), "counts": counts(c), "total": .int(Int(c.values.reduce(0, +)))]
        }
        return ["kind": .string(kind.spec.id), "by": .string(dimension), "totals": counts(r.totals),
                "total": .int(Int(r.totals.values.reduce(0, +))), "groups": .array(groups)]
    }
}
