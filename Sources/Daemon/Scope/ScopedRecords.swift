import PluginAPI
import Storage

/// The one door to records for one caller. Every read of records — get, list, search, count,
/// statistics, export, materials, plugin access — goes through it, and nothing else filters by
/// scope: outside it a record does not exist, on every route of every plugin.
///
/// The core's own access is a second, named door, ``system``: everything, past every per-kind
/// rule. It is for event hooks (a termination approved ends its agreement), verified callbacks
/// (the e-signing provider), the admin socket and the metrics exporter — never for a request
/// acting for a person.
struct ScopedRecords: Sendable {
    /// What the caller may see.
    let scope: Scope

    init(_ scope: Scope) { self.scope = scope }

    /// The core's own door (see the type's documentation for when it is used).
    static let system = ScopedRecords(.everything)

    // MARK: One record

    /// The record, or nil when it is missing or outside the scope (the two are not told apart).
    func get(_ txn: Transaction, _ kind: RecordTables, _ id: String) throws -> StoredRecord? {
        guard let r = try kind.records.get(txn, id), shows(kind, r) else { return nil }
        return r
    }

    /// The record, or `notFound` when it is missing or outside the scope.
    func fetch(_ txn: Transaction, _ kind: RecordTables, _ id: String) throws -> StoredRecord {
        guard let r = try get(txn, kind, id) else { throw EngineError.notFound }
        return r
    }

    /// A student's records of `kind` in the scope, oldest first.
    func records(_ txn: Transaction, _ kind: RecordTables, student: String) throws -> [StoredRecord] {
        try kind.byStudent.keys(txn, matching: student)
            .compactMap { try get(txn, kind, $0) }
            .sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    /// Whether the scope reaches the record and may see it.
    func shows(_ kind: RecordTables, _ r: StoredRecord) -> Bool {
        if scope.all && kind.spec.staffVisibility == nil { return true }
        guard scope.contains(college: r.collegeID, class: r.classID, student: r.student, party: r.party) else { return false }
        // Most kinds have no rule: decide before building anything for it (lists run this per row).
        guard kind.spec.staffVisibility != nil else { return true }
        return visible(kind, student: r.student, party: r.party, term: { $0 < r.terms.count ? r.terms[$0] : nil })
    }

    /// The same for a record read in place.
    func shows(_ kind: RecordTables, _ v: RecordView) -> Bool {
        // The school sees every record of most kinds: lists and searches ask this per record.
        if scope.all && kind.spec.staffVisibility == nil { return true }
        guard scope.contains(college: v.collegeID, class: v.classID, student: v.student, party: v.party) else { return false }
        guard kind.spec.staffVisibility != nil else { return true }
        return visible(kind, student: v.student, party: v.party, term: v.term)
    }

    /// Staff see records of a kind with a ``RecordKindSpec/staffVisibility`` rule only when the
    /// rule holds (a resume at 70 % complete); the owner and the party always.
    private func visible(_ kind: RecordTables, student: String, party: String, term: (Int) -> String?) -> Bool {
        guard let rule = kind.spec.staffVisibility, !scope.unrestricted else { return true }
        if scope.students.contains(student) || (!party.isEmpty && scope.employers.contains(party)) { return true }
        guard let i = kind.visibilityTerm, let text = term(i), let v = Double(text) else { return false }
        return v >= rule.atLeast
    }

    // MARK: Many records

    /// The ids of the records of `kind` the scope reaches by its indexes, sorted; nil when it
    /// reaches the whole table. `unit` reads one college's or class's ids from an index.
    func reachableIDs(_ txn: Transaction, _ kind: RecordTables,
                      unit: (SecondaryIndex<String, StoredRecord>, UInt32) throws -> [String]) throws -> [String]? {
        if scope.all { return nil }
        var ids = Set<String>()
        for c in scope.colleges { ids.formUnion(try unit(kind.byCollege, c)) }
        for c in scope.classes { ids.formUnion(try unit(kind.byClass, c)) }
        for s in scope.students { ids.formUnion(try kind.byStudent.keys(txn, matching: s)) }
        for e in scope.employers { ids.formUnion(try kind.byParty.keys(txn, matching: e)) }
        return ids.sorted()
    }

    /// The one college or class index the scope reaches through, when it reaches through exactly
    /// one (a college officer, a counselor of one class): lists read it in place.
    func soleUnit(_ kind: RecordTables) -> (SecondaryIndex<String, StoredRecord>, UInt32)? {
        guard !scope.all, scope.students.isEmpty, scope.employers.isEmpty, scope.colleges.count + scope.classes.count == 1 else { return nil }
        if let c = scope.colleges.first { return (kind.byCollege, c) }
        return scope.classes.first.map { (kind.byClass, $0) }
    }

    /// Whether the whole table is in view with nothing hidden, so its count is the table's.
    func seesWholeTable(_ kind: RecordTables) -> Bool {
        scope.all && kind.spec.staffVisibility == nil
    }

    /// Lists, counts and searches of `kind`.
    func query(_ kind: RecordTables) -> RecordQuery { RecordQuery(kind: kind, records: self) }

    /// Live counters of `kind`.
    func statistics(_ kind: RecordTables) -> StatsQuery { StatsQuery(counters: kind.stats.table, records: self, rollups: true) }

    /// Live counters over the student directory.
    func studentStatistics(_ directory: DirectoryStore) -> StatsQuery { StatsQuery(counters: directory.studentStats.table, records: self) }

    /// Whether counters of a college and class are in view.
    func countsUnit(college: UInt32, class classID: UInt32) -> Bool { scope.contains(college: college, class: classID) }

    /// Whether everything in view is whole colleges (the school, a college officer): their
    /// statistics can be read from per-college sums.
    var seesWholeColleges: Bool {
        scope.all || (!scope.colleges.isEmpty && scope.classes.isEmpty && scope.students.isEmpty && scope.employers.isEmpty)
    }

    /// Exports of `kind`.
    func export(_ kind: RecordTables, environment: Environment, codeTables: [String: CodeTable]) -> RecordExport {
        RecordExport(kind: kind, records: self, environment: environment, codeTables: codeTables)
    }

    /// The students in view.
    func students(_ directory: DirectoryStore) -> ScopedDirectory { ScopedDirectory(store: directory, scope: scope) }
}
