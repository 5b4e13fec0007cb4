/// How statistics group their counts.
public enum StatisticsGroup: String, Sendable, CaseIterable {
    /// One row for everything.
    case none
    /// A row per college.
    case college
    /// A row per major.
    case major
    /// A row per class.
    case `class`
}

/// One row of a statistics table: a unit of the org tree and its counts by value.
public struct StatisticsRow: Sendable, Hashable {
    /// The unit's id, nil for the row of everything.
    public var unitID: Int?
    /// The unit's name.
    public var name: String
    /// Counts by value.
    public var counts: [String: Int]

    public init(unitID: Int?, name: String, counts: [String: Int]) {
        self.unitID = unitID
        self.name = name
        self.counts = counts
    }
}

/// Counts of a kind's records, by one dimension, per unit.
public struct StatisticsTable: Sendable, Hashable {
    /// The rows, by unit id.
    public var rows: [StatisticsRow]
    /// Counts by value over all rows.
    public var totals: [String: Int]

    public init(rows: [StatisticsRow], totals: [String: Int]) {
        self.rows = rows
        self.totals = totals
    }
}

/// The core's live statistics, already limited to the caller's scope: plugins compute their
/// figures (a placement rate …) from counters, never by reading records.
public protocol StatisticsReader: Sendable {
    /// Counts of `kind`'s records by `dimension`: `total`, `state`, `level.<role>` or
    /// `field.<key>` for a code field.
    func counts(kind: String, dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable
    /// Counts of students in the registry by education level: `dimension` is `total` (every
    /// student) or `wechat` (students whose account is bound to WeChat, 已认证).
    func studentCounts(dimension: String, cohort: Int?, group: StatisticsGroup) throws -> StatisticsTable
}
