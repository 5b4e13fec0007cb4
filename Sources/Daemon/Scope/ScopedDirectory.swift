import PluginAPI
import Storage

/// The one place student queries go through: it applies the caller's scope with the indexes
/// (college × cohort, class × cohort), so no route can list or fetch outside it. A student outside
/// the scope is indistinguishable from one that does not exist.
struct ScopedDirectory {
    let store: DirectoryStore
    let scope: Scope

    /// Filters a list can take.
    struct Filter {
        var cohort: UInt16?
        var college: UInt32?
        var classID: UInt32?
    }

    /// Whether the student is in view.
    func contains(_ s: StudentEntry) -> Bool { scope.contains(s) }

    /// The student, or `notFound` when missing or outside the scope.
    func student(_ txn: Transaction, _ number: String) throws -> StudentEntry {
        guard let s = try store.students.get(txn, number), contains(s) else { throw AuthFailure.notFound }
        return s
    }

    /// The org units in view: a college seen whole with everything under it, a counselor's
    /// classes with the majors and colleges above them (for the filters that lead to them).
    func units(_ txn: Transaction) throws -> [OrgUnit] {
        let units = try store.allUnits(txn)
        let byID = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) })
        func ancestry(_ u: OrgUnit) -> [UInt32] { sequence(first: u) { $0.parent.flatMap { byID[$0] } }.map(\.id) }
        let aboveClasses = Set(scope.classes.flatMap { byID[$0].map(ancestry) ?? [] })
        return units.filter { u in
            let line = ancestry(u)
            return scope.all || scope.colleges.contains(line.last ?? u.id) || scope.classes.contains(u.id) || aboveClasses.contains(u.id)
        }
    }

    /// One page of the students in scope matching `filter`, by 学号, starting after `after`.
    func list(_ txn: Transaction, filter: Filter, after: String?, limit: Int) throws -> [StudentEntry] {
        var numbers: [String] = []
        func collect(_ index: SecondaryIndex<String, StudentEntry>, _ unit: UInt32) throws {
            let prefix = filter.cohort.map { KeyPrefix(unit, $0) } ?? KeyPrefix(unit)
            try index.scan(txn, prefix: prefix) { _, number in
                numbers.append(number)
                return true
            }
        }
        if let classID = filter.classID {
            try collect(store.byClass, classID)
        } else if let college = filter.college {
            try collect(store.byCollege, college)
        } else if scope.all {
            // Everything: walk the primary table in key order and stop at the page's end.
            var page: [StudentEntry] = []
            let range = KeyRange(from: after.map { $0.keyBytes + [0] }, to: nil)
            try store.students.primary.scan(txn, range: range) { _, s in
                if filter.cohort == nil || s.cohort == filter.cohort { page.append(s) }
                return page.count < limit
            }
            return page
        } else {
            for c in scope.colleges { try collect(store.byCollege, c) }
            for c in scope.classes { try collect(store.byClass, c) }
            numbers.append(contentsOf: scope.students)
        }
        var page: [StudentEntry] = []
        for number in Set(numbers).sorted() where after.map({ number > $0 }) ?? true {
            guard let s = try store.students.get(txn, number), contains(s),
                  filter.cohort == nil || s.cohort == filter.cohort else { continue }
            page.append(s)
            if page.count == limit { break }
        }
        return page
    }
}
