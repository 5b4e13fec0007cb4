import Foundation
import PluginAPI

/// 解约管理: applications to terminate a completed agreement, reviewed by the school.
///
/// The student or the employer creates an application naming the agreement, attaches the
/// materials and submits; the school approves or rejects with a reason (the applicant may fix and
/// resubmit). On approval the agreement becomes 已解约 and the student may sign a new one.
public struct TerminationPlugin: Plugin {
    public static let id: PluginID = "termination"
    public static let version: PluginVersion = "0.2.0"
    public static let label = LocalizedText("解约管理", en: "termination")
    /// A termination is always of an agreement.
    public static let dependencies: [PluginID] = ["agreements"]
    /// The record kind.
    public static let kind = "termination"
    /// The agreements' kind.
    static let agreementKind = "agreement"

    public let configuration: TerminationConfiguration

    public init(configuration: TerminationConfiguration) {
        self.configuration = configuration
    }

    public func register(into context: RegistrationContext) throws {
        context.codeTable(CodeTable(
            id: "termination-applicant", label: LocalizedText("申请方", en: "applicant"),
            entries: [CodeEntry("student", "学生"), CodeEntry("employer", "用人单位")]))
        let pipeline = ReviewPipeline(stages: [ReviewStage(.school)], submitters: [.student, .employer])
        context.recordKind(RecordKindSpec(
            id: Self.kind, label: Self.label,
            fields: [
                FieldSpec("agreementID", LocalizedText("协议", en: "agreement"), .text(maxLength: 64), required: true, editableBy: .parties, indexed: true),
                FieldSpec("applicant", LocalizedText("申请方", en: "applicant"), .code(table: "termination-applicant"), editableBy: .nobody, indexed: true),
                FieldSpec("explanation", LocalizedText("解约说明", en: "explanation"), .text(maxLength: 2000), required: true, editableBy: .parties),
                Self.agreementField("employerName", editableBy: .nobody, indexed: false),
                Self.agreementField("employerCreditCode", editableBy: .parties, indexed: true),
                Self.agreementField("agreementNumber", editableBy: .nobody, indexed: false),
            ],
            process: .review(pipeline),
            cardinality: .many, party: RecordParty(.employer, field: "employerCreditCode"),
            creators: [.student, .employer, .school],
            // The termination letter and the proof the penalty was paid: at least one file.
            rules: [.always(materials: 1)],
            // 解约记录: every application the review has decided, approved or rejected, in one list.
            views: [SavedView("processed", LocalizedText("解约记录", en: "processed applications"), filters: ["state": "approved,rejected:*"])]))
        let window = configuration.window
        for event in ["termination.submitted", "termination.resubmitted"] {
            context.on(event) { event, txn in try Self.check(event, txn, window: window) }
        }
        // Approved: the agreement is terminated — kept in history, no longer binding.
        context.on("termination.approved") { event, txn in
            guard let id = event.recordID, let application = try txn.records.record(Self.kind, id) else { return }
            try txn.records.transition(Self.agreementKind, application.text("agreementID"), action: "terminate", note: "解约申请 \(id) 已通过")
        }
        TerminationDetail(terminationWorkflow: pipeline.workflow, agreementWorkflow: AgreementsPlugin.workflow,
                          reasons: pipeline.rejectReasons).register(into: context)
        context.consolePage(Self.agreementPanel)
        context.consolePage(Self.studentPage)
    }

    /// One of the agreement's fields, copied onto the application from the agreement it names:
    /// the agreement's label and type, never required (the copy is made on submission).
    static func agreementField(_ key: String, editableBy: FieldEditor, indexed: Bool) -> FieldSpec {
        guard var field = AgreementsPlugin.fields.first(where: { $0.key == key }) else { preconditionFailure("agreement field \(key)") }
        field.required = false
        field.editableBy = editableBy
        field.indexed = indexed
        return field
    }

    /// A submission must name a terminable agreement of the same student (and of the same
    /// employer, when the employer applies), fall inside the window, and be the only one pending.
    static func check(_ event: PluginEvent, _ txn: any PluginTransaction, window: TerminationWindow?) throws {
        if let window, !window.contains(Date()) {
            throw PluginError.conflict("不在解约申请时间内（\(window.from) 至 \(window.to)）")
        }
        guard let id = event.recordID, let application = try txn.records.record(kind, id) else { return }
        let agreementID = application.text("agreementID")
        // Another employer's agreement answers exactly as a missing one, and before its state is
        // looked at: an employer must not learn who else has signed with the student.
        guard let agreement = try txn.records.record(agreementKind, agreementID), agreement.student == application.student,
              application.party.isEmpty || application.party == agreement.party else {
            throw PluginError.badRequest("没有找到该学生的协议 \(agreementID)", field: "agreementID")
        }
        guard ["completed", "offline"].contains(agreement.state) else {
            throw PluginError.conflict("只有已完成的协议可以申请解约")
        }
        let pending = try txn.records.records(kind, student: application.student).contains {
            $0.id != id && $0.text("agreementID") == agreementID && ReviewState(id: $0.state).isPending
        }
        if pending { throw PluginError.conflict("该协议已有待审核的解约申请") }
        let role = event.payload["role"]?.stringValue ?? "student"
        _ = try txn.records.update(kind, id, values: [
            "applicant": .string(role == "employer" ? "employer" : "student"),
            "employerCreditCode": .string(agreement.party), "employerName": .string(agreement.text("employerName")),
            "agreementNumber": .string(agreement.text("agreementNumber")),
        ])
    }
}

/// `plugins.termination.config`.
public struct TerminationConfiguration: PluginConfiguration, Equatable {
    /// When applications are accepted (e.g. March to May); absent: all year.
    public var window: TerminationWindow?

    public init() {}

    public func validate() -> [ConfigProblem] {
        guard let window else { return [] }
        var problems: [ConfigProblem] = []
        if TerminationWindow.day(window.from) == nil { problems.append(ConfigProblem(path: ["window", "from"], "must be MM-DD, e.g. 03-01")) }
        if TerminationWindow.day(window.to) == nil { problems.append(ConfigProblem(path: ["window", "to"], "must be MM-DD, e.g. 05-31")) }
        return problems
    }
}

/// A yearly window, `from` to `to` inclusive, as `MM-DD` in China Standard Time; it may wrap the new year.
public struct TerminationWindow: Codable, Sendable, Equatable {
    /// First day, `MM-DD`.
    public var from: String
    /// Last day, `MM-DD`.
    public var to: String

    /// `from` to `to`, each `MM-DD`.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Whether `date` falls inside.
    public func contains(_ date: Date) -> Bool {
        guard let a = Self.day(from), let b = Self.day(to) else { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        let c = calendar.dateComponents([.month, .day], from: date)
        let d = (c.month ?? 1) * 100 + (c.day ?? 1)
        return a <= b ? (a...b).contains(d) : d >= a || d <= b
    }

    /// `MM-DD` as MMDD, or nil when malformed.
    static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        return m * 100 + d
    }
}
