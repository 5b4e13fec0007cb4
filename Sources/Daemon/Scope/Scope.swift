import PluginAPI

/// What a principal may see, resolved from their account: the union over their roles of a
/// student's self, a counselor's classes, a college officer's college, everything for the school,
/// and an employer's own credit code. Every list and every fetch goes through it.
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

    /// Whether the student lies inside.
    public func contains(_ s: StudentEntry) -> Bool {
        all || colleges.contains(s.collegeID) || classes.contains(s.classID) || students.contains(s.number)
    }

    /// Whether a record lies inside: the same rule, applied to where its student sits.
    func contains(_ r: StoredRecord) -> Bool {
        all || colleges.contains(r.collegeID) || classes.contains(r.classID) || students.contains(r.student)
            || (!r.party.isEmpty && employers.contains(r.party))
    }

    /// The same rule for a record read in place.
    func contains(_ v: RecordView) -> Bool {
        all || colleges.contains(v.collegeID) || classes.contains(v.classID) || students.contains(v.student)
            || (!employers.isEmpty && !v.partyBytes.isEmpty && employers.contains(v.party))
    }

    /// Whether the scope reaches any student at all.
    public var reachesStudents: Bool { all || !colleges.isEmpty || !classes.isEmpty || !students.isEmpty }
}
