import PluginAPI

/// One thing a reviewer should look at twice: a rule, the records it concerns and why, in words.
/// Records outside the caller's view (scope, or the cohort asked for) are counted in `hidden`
/// and never named: a counselor learns that a proof is shared, not whose it is elsewhere.
struct AuditFlag: Codable, Sendable, Equatable {
    /// The rule's id (``AuditRule/id``), e.g. `shared-file`.
    var rule: String
    /// The rule's label, e.g. 证明材料重复.
    var label: String
    /// What the records share or what is wrong with them: a hash, a credit code, a phone, a date.
    var subject: String
    /// The evidence in one sentence, in Chinese.
    var message: String
    /// The records in view.
    var records: [AuditRecordRef]
    /// Records the flag concerns that are not in view.
    var hidden: Int
}

/// A record a flag names.
struct AuditRecordRef: Codable, Sendable, Equatable {
    var id: String
    var student: String
    var studentName: String
    var cohort: Int
    /// What this record holds that the flag is about (its employer name, its employer …), if anything.
    var value: String?
}

/// Records a rule groups together before the caller's view is applied: the rule's position,
/// what they share, and each record with what it holds.
struct AuditGroup: Sendable {
    var position: Int
    var subject: String
    /// The rest of the evidence: the contact's field, the day of submission, the cohort, the
    /// values at approval.
    var detail: String = ""
    var members: [(id: String, value: String)]

    /// The student a record id belongs to: ids are `<学号>` or `<学号>.<n>`.
    static func student(_ id: String) -> Substring { id.split(separator: ".", maxSplits: 1).first ?? Substring(id) }

    /// How many students the members belong to.
    var students: Int { Set(members.map { Self.student($0.id) }).count }
}
