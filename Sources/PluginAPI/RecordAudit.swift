/// 数据核查: checks a kind declares over its records, which flag what a reviewer should look at
/// twice (the same proof for two students, one employer under two names …). The core keeps the
/// indexes they read on every write and applies the caller's scope to what it reports; a plugin
/// only names the fields. Served as `GET /api/v1/audit/{kind}`, beside each record as
/// `GET /api/v1/records/{kind}/{id}/audit`, and as `jiuyectl audit <name>`.
public struct RecordAudit: Sendable, Hashable {
    /// The name `jiuyectl audit <name>` takes, e.g. `employment`.
    public var name: String
    /// The label users read, e.g. 就业数据核查.
    public var label: LocalizedText
    /// The checks, in the order their flags are listed.
    public var rules: [AuditRule]
    /// For ``AuditRule/sharedContact(fields:distinctBy:)``: a contact given for more than this
    /// many students (of different employers) is flagged. `plugins.yaml` may change it.
    public var sharedContactLimit: Int
    /// For ``AuditRule/dateWindow(field:)``: the dates allowed per cohort (届别). A cohort
    /// without a window is not checked. `plugins.yaml` sets them.
    public var windows: [Int: DateWindow]

    /// - Parameters:
    ///   - name: the name `jiuyectl audit` takes.
    ///   - label: the Chinese label.
    ///   - rules: the checks.
    ///   - sharedContactLimit: students one contact may serve before it is flagged.
    ///   - windows: the allowed dates per cohort.
    public init(name: String, label: LocalizedText, rules: [AuditRule], sharedContactLimit: Int = 3, windows: [Int: DateWindow] = [:]) {
        self.name = name
        self.label = label
        self.rules = rules
        self.sharedContactLimit = sharedContactLimit
        self.windows = windows
    }

    /// Every field a rule reads, once each, in rule order.
    public var fields: [String] {
        var out: [String] = []
        for rule in rules {
            for f in rule.fields where !out.contains(f) { out.append(f) }
        }
        return out
    }
}

/// One check of a ``RecordAudit``, generic over the kind's fields.
public enum AuditRule: Sendable, Hashable {
    /// The same file (same content hash) attached to records of more than one student: the files
    /// uploaded to a record, and the hash `field` (a `.file` field) holds. Label: <field>重复.
    case sharedFile(field: String)
    /// One value of `key` (a credit code) given with `name`s that differ between students: the
    /// records whose name is not the one most give are flagged (all of them on a tie), with
    /// every name counted. Names are compared without spaces and with full-width brackets as ASCII ones.
    /// Label: <name>不一致.
    case consistentName(key: String, name: String)
    /// One value of any of `fields` (a phone, an e-mail) given for more than
    /// ``RecordAudit/sharedContactLimit`` students whose `distinctBy` values (employers) are not
    /// all the same. Phones are compared by their digits, e-mails without case. Label: 联系方式重复.
    case sharedContact(fields: [String], distinctBy: String)
    /// A date in `field` later than the day the record was last submitted (left the student's
    /// hands for review). Label: <field>异常.
    case dateNotAfterSubmission(field: String)
    /// A date in `field` outside the window ``RecordAudit/windows`` gives for the record's cohort.
    /// Label: <field>异常.
    case dateWindow(field: String)
    /// One of `fields` now differs from its value when the record last passed its final approval.
    /// Label: 审核通过后修改<fields>.
    case changedAfterApproval(fields: [String])

    /// A stable id for the rule, e.g. `shared-file`.
    public var id: String {
        switch self {
        case .sharedFile: "shared-file"
        case .consistentName: "consistent-name"
        case .sharedContact: "shared-contact"
        case .dateNotAfterSubmission: "date-after-submission"
        case .dateWindow: "date-window"
        case .changedAfterApproval: "changed-after-approval"
        }
    }

    /// The fields the rule reads.
    public var fields: [String] {
        switch self {
        case .sharedFile(let f), .dateNotAfterSubmission(let f), .dateWindow(let f): [f]
        case .consistentName(let key, let name): [key, name]
        case .sharedContact(let fields, let by): fields + [by]
        case .changedAfterApproval(let fields): fields
        }
    }
}

/// A span of calendar dates, both ends included, as `YYYY-MM-DD`.
public struct DateWindow: Sendable, Hashable, Codable {
    /// The first date allowed.
    public var from: String
    /// The last date allowed.
    public var to: String

    /// The dates from `from` to `to`, both included.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Whether `date` (`YYYY-MM-DD`) lies inside: such dates compare as text.
    public func contains(_ date: String) -> Bool { from <= date && date <= to }
}
