import Foundation
import PluginAPI
import Storage

/// The org tree, the students, the accounts and the sessions, in LMDB.
///
/// | database | key → value |
/// |---|---|
/// | `org/units` | unit id → ``OrgUnit`` |
/// | `org/names` | (parent id, name) → unit id |
/// | `students` | 学号 → ``StudentEntry``; indexed by (college, cohort), (class, cohort) and name |
/// | `accounts` | login name → ``Account``; indexed by WeChat openid |
/// | `sessions` | SHA-256(token) → ``Session``; indexed by account |
/// | `gateway-nonces` | nonce → time, against replayed gateway calls |
/// | `registry-corrections` | 学号 → ``RegistryCorrections``: what staff corrected, which imports keep |
final class DirectoryStore: Sendable {
    let environment: Environment
    let units: Table<UInt32, OrgUnit>
    let unitNames: Table<KeyPair<UInt32, String>, UInt32>
    let students: IndexedTable<String, StudentEntry>
    /// Live counts of students: (`total`|`wechat`, cohort, college, major, class, education level) → students.
    let studentStats: CounterIndex<StudentEntry>
    let byCollege: SecondaryIndex<String, StudentEntry>
    let byClass: SecondaryIndex<String, StudentEntry>
    let byName: SecondaryIndex<String, StudentEntry>
    let accounts: IndexedTable<String, Account>
    let byOpenID: SecondaryIndex<String, Account>
    let sessions: IndexedTable<RawKey, Session>
    let sessionsByAccount: SecondaryIndex<RawKey, Session>
    /// Gateway nonces seen recently, against replays: nonce → unix time.
    let gatewayNonces: Table<String, UInt64>
    /// What every request reads (its session, its account) decoded once while unchanged.
    let decoded = (sessions: DecodeCache<Session>(), accounts: DecodeCache<Account>(), students: DecodeCache<StudentEntry>())
    /// Employers' account requests by credit code.
    let registrations: Table<String, EmployerRegistration>
    /// Registry values staff corrected, by student number.
    let corrections: Table<String, RegistryCorrections>
    let meta: Table<String, UInt32>
    /// Units are only ever added: the cache stays good while the id counter has not moved.
    private let unitCache = LockedBox<(UInt32, [UInt32: OrgUnit])?>(nil)

    init(environment: Environment) throws {
        self.environment = environment
        units = try Table(environment, name: "org/units")
        unitNames = try Table(environment, name: "org/names")
        byCollege = try SecondaryIndex(environment, name: "idx/students/college-cohort") { KeyPair($0.collegeID, $0.cohort) }
        byClass = try SecondaryIndex(environment, name: "idx/students/class-cohort") { KeyPair($0.classID, $0.cohort) }
        byName = try SecondaryIndex(environment, name: "idx/students/name") { $0.name }
        studentStats = try CounterIndex(environment, name: "stats/students") { s in
            // The record counters' key layout, the education level as the value: one query reads both.
            func key(_ dimension: String) -> StatsKey {
                StatsKey(dimension: dimension, cohort: s.cohort, college: s.collegeID, major: s.majorID, classID: s.classID, value: s.educationLevel)
            }
            return s.wechatBound == true ? [key("total"), key("wechat")] : [key("total")]
        }
        students = IndexedTable(primary: try Table(environment, name: "students"), indexes: [byCollege, byClass, byName], counters: [studentStats])
        byOpenID = try SecondaryIndex(environment, name: "idx/accounts/openid") { $0.wechatOpenID }
        accounts = IndexedTable(primary: try Table(environment, name: "accounts"), indexes: [byOpenID])
        sessionsByAccount = try SecondaryIndex(environment, name: "idx/sessions/account") { $0.accountID }
        sessions = IndexedTable(primary: try Table(environment, name: "sessions"), indexes: [sessionsByAccount])
        gatewayNonces = try Table(environment, name: "gateway-nonces")
        registrations = try Table(environment, name: "employer-registrations")
        corrections = try Table(environment, name: "registry-corrections")
        meta = try environment.metaTable()
        try countStudentsIfNeeded()
    }

    /// Data written before the student counters existed is counted once.
    private func countStudentsIfNeeded() throws {
        let needed = try environment.read { txn in try studentStats.isEmpty(txn) && students.primary.count(txn) > 0 }
        guard needed else { return }
        try environment.write { txn in
            try students.primary.scan(txn) { _, s in studentStats.add(txn, s); return true }
        }
    }

    /// Marks a student as bound to WeChat or not (accounts of other roles are not counted).
    func setWeChatBound(_ txn: Transaction, _ number: String, _ bound: Bool) throws {
        guard var s = try students.get(txn, number), (s.wechatBound ?? false) != bound else { return }
        let old = s
        s.wechatBound = bound
        try students.put(txn, number, s, replacing: old)
    }

    // MARK: Org tree

    /// The unit named `name` under `parent` (0 for the school), created when missing.
    func unit(_ txn: Transaction, kind: OrgUnit.Kind, name: String, parent: UInt32?) throws -> UInt32 {
        let key = KeyPair(parent ?? 0, name)
        if let id = try unitNames.get(txn, key) { return id }
        let id = (try meta.get(txn, "org-next-id") ?? 0) + 1
        try meta.put(txn, "org-next-id", id)
        try units.put(txn, id, OrgUnit(id: id, kind: kind, name: name, parent: parent))
        try unitNames.put(txn, key, id)
        return id
    }

    /// Finds a unit by name under `parent` (0 for colleges).
    func findUnit(_ txn: Transaction, name: String, parent: UInt32?) throws -> UInt32? {
        try unitNames.get(txn, KeyPair(parent ?? 0, name))
    }

    /// Every unit by id, from a cache that follows the unit counter.
    func unitsByID(_ txn: Transaction) throws -> [UInt32: OrgUnit] {
        let version = try meta.get(txn, "org-next-id") ?? 0
        if let (v, units) = unitCache.value, v == version { return units }
        let units = Dictionary(uniqueKeysWithValues: try allUnits(txn).map { ($0.id, $0) })
        unitCache.value = (version, units)
        return units
    }

    /// Every unit, in id order.
    func allUnits(_ txn: Transaction) throws -> [OrgUnit] {
        var out: [OrgUnit] = []
        try units.scan(txn) { _, u in out.append(u); return true }
        return out
    }

    // MARK: Accounts

    /// The account for a login name: stored, or a student's implicit one.
    /// What a session's resolution reads: the generations of the sessions, accounts and
    /// students tables (an implicit student account comes from the directory), as they stand.
    var sessionTables: SessionCache.Tables {
        SessionCache.Tables(sessions: environment.generation(of: sessions.primary.database),
                            accounts: environment.generation(of: accounts.primary.database),
                            students: environment.generation(of: students.primary.database))
    }

    func account(_ txn: Transaction, _ id: String) throws -> Account? {
        if let a = try accounts.primary.get(txn, id, cache: decoded.accounts) { return a }
        return try students.primary.get(txn, id, cache: decoded.students).map(Account.implicit)
    }
}
