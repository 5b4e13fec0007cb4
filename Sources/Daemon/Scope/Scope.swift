import PluginAPI

/// What a principal may see, resolved from their account: the union over their roles of a
/// student's self, a counselor's classes, a college officer's college, everything for the school,
/// and an employer's own credit code. Only ``ScopedRecords`` and ``ScopedDirectory`` read it:
/// every list and every fetch goes through one of them.
public struct Scope: Sendable, Equatable {
    /// Everything (school officers).
    public var all = false
    /// Colleges seen whole.
    public var colleges: Set<UInt32> = []
    /// Classes seen whole.
    public var classes: Set<UInt32> = []
    /// Single students (a student sees themself).
    public var students: Set<String> = []
    /// Employers by credit code (what concerns them: their own agreements).
    public var employers: Set<String> = []
    /// The core itself (admin socket, hooks): past every per-kind rule as well.
    var unrestricted = false

    /// The scope of an account.
    public init(account: Account) {
        for role in account.roles {
            switch role {
            case .school: all = true
            case .college: if let c = account.collegeID { colleges.insert(c) }
            case .counselor: classes.formUnion(account.classIDs)
            case .student: students.insert(account.id)
            case .employer: if let c = account.creditCode { employers.insert(c) }
            }
        }
    }

    /// Everything: the admin socket's view.
    static var everything: Scope {
        var s = Scope(account: Account(id: "", displayName: "", roles: []))
        s.all = true
        s.unrestricted = true
        return s
    }

    /// The one rule: whether something sitting in `college` and `class`, belonging to `student`
    /// and (for a record with a party) to `party`, lies inside. Students, records and counters
    /// all ask it, so the rule cannot differ between a list, a fetch and a statistic.
    func contains(college: UInt32, class classID: UInt32, student: String, party: @autoclosure () -> String = "") -> Bool {
        if all || colleges.contains(college) || classes.contains(classID) || students.contains(student) { return true }
        // The party is read (from bytes, in lists) only for an employer's scope.
        guard !employers.isEmpty else { return false }
        let p = party()
        return !p.isEmpty && employers.contains(p)
    }

    /// Whether the student lies inside.
    public func contains(_ s: StudentEntry) -> Bool {
        contains(college: s.collegeID, class: s.classID, student: s.number)
    }

    /// Whether counters kept per college and class reach inside (counters name no student).
    func contains(college: UInt32, class classID: UInt32) -> Bool {
        contains(college: college, class: classID, student: "")
    }

    /// Whether the scope reaches any student at all.
    public var reachesStudents: Bool { all || !colleges.isEmpty || !classes.isEmpty || !students.isEmpty }
}
