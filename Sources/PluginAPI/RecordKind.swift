/// How records of a kind move through states.
public enum RecordProcess: Sendable, Hashable {
    /// No states: the record is data only (e.g. a resume).
    case none
    /// The multi-level staff review, overridable per institution.
    case review(ReviewPipeline)
    /// A plugin-specific state machine (e.g. agreements with an employer).
    case workflow(Workflow)

    /// The states and transitions the engine runs, if any.
    public var workflow: Workflow? {
        switch self {
        case .none: nil
        case .review(let pipeline): pipeline.workflow
        case .workflow(let workflow): workflow
        }
    }
}

/// A named collection of records, e.g. `source-info`. Every record belongs to a student;
/// the core applies access scopes to every kind the same way.
public struct RecordKindSpec: Sendable {
    /// How many records of this kind a student may have.
    public enum Cardinality: String, Sendable, Hashable {
        /// One per student per cohort (生源, 就业).
        case onePerStudent = "one-per-student"
        /// Any number (resumes, agreements over time, termination applications).
        case many
    }

    /// The kind's id, e.g. `source-info`.
    public var id: String
    /// The label users read, e.g. 生源信息.
    public var label: LocalizedText
    /// The fields, in form order.
    public var fields: [FieldSpec]
    /// How records move through states.
    public var process: RecordProcess
    /// How many per student.
    public var cardinality: Cardinality
    /// Besides the owning student and the staff over them, who else sees a record: for
    /// agreements the employer named in `employerCreditCode`. The core keeps the party in the
    /// record, scopes by it and notifies it of every transition.
    public var party: RecordParty?
    /// Who may create records: staff and the student by default. A party creates a record by
    /// naming the student (number and name) and taking a first transition, e.g. an invitation.
    public var creators: Set<Role>
    /// Fields the core fills from the student registry (学籍), keeping them in step with imports.
    public var registry: [String: RegistryAttribute]
    /// Whether the core creates a record for every imported student (生源: one per graduate).
    public var createOnImport: Bool
    /// What a submission needs beyond the required fields, depending on other values
    /// (毕业去向 10 needs the employer's name; 12 needs a proof file …).
    public var rules: [SubmissionRule]
    /// Computes fields nobody edits from the others (a resume's completeness), every time the
    /// values change, before they are stored and indexed. Must be pure and fast.
    public var derive: (@Sendable (inout JSONObject) -> Void)?
    /// A condition for staff to see a record at all (a resume at least 70 % complete): outside
    /// it a record is a 404 for staff on every route, as if out of scope. Owner and party always see it.
    public var staffVisibility: StaffVisibility?
    /// Who may delete records through `DELETE /api/v1/records/{kind}/{id}`: the owning student
    /// (`.student`) and staff roles named here; nobody by default, since reviewed records are kept.
    public var deletableBy: Set<Role>
    /// Saved lists the kind offers (tabs such as 解约记录): each a label and the list filters it applies.
    public var views: [SavedView]
    /// The console list's default columns and filters.
    public var list: ListLayout
    /// Where a student's values go: straight into the record (the default), or into a form of
    /// their own that staff compare and copy over (一键复制填报), as for 生源信息.
    public var studentForm: StudentForm
    /// Names what ``derive`` computes from, e.g. the resume weights: when it changes between two
    /// starts or reloads, the core recomputes the derived fields of every stored record.
    public var derivation: String
    /// The kind's 数据核查 (suspicious data a reviewer should look at twice), if any: the core
    /// keeps its indexes and reports its flags within each caller's scope.
    public var audit: RecordAudit? = nil

    /// - Parameters:
    ///   - id: the kind's id.
    ///   - label: the Chinese label.
    ///   - fields: the fields in form order.
    ///   - process: review, another workflow, or none.
    ///   - cardinality: records per student.
    ///   - party: the other party to a record, if any.
    ///   - creators: the roles that may create records.
    ///   - registry: fields mirrored from the registry.
    ///   - createOnImport: whether an import creates one record per graduate.
    ///   - rules: conditions on submission.
    ///   - derive: computes fields from the others.
    ///   - staffVisibility: when staff may see a record.
    ///   - deletableBy: who may delete records.
    ///   - studentForm: whether the student's values are kept apart for staff to copy over.
    ///   - derivation: what `derive` depends on, so stored records follow a change of it.
    ///   - views: saved lists (tabs) with their filters.
    ///   - list: the console list's default columns and filters.
    public init(
        id: String, label: LocalizedText, fields: [FieldSpec], process: RecordProcess,
        cardinality: Cardinality = .onePerStudent, party: RecordParty? = nil,
        creators: Set<Role> = Role.staff.union([.student]),
        registry: [String: RegistryAttribute] = [:], createOnImport: Bool = false, rules: [SubmissionRule] = [],
        derive: (@Sendable (inout JSONObject) -> Void)? = nil, staffVisibility: StaffVisibility? = nil, deletableBy: Set<Role> = [],
        studentForm: StudentForm = .direct, derivation: String = "", views: [SavedView] = [], list: ListLayout = ListLayout()
    ) {
        self.views = views
        self.list = list
        self.studentForm = studentForm
        self.derivation = derivation
        self.derive = derive
        self.staffVisibility = staffVisibility
        self.deletableBy = deletableBy
        self.id = id
        self.label = label
        self.fields = fields
        self.process = process
        self.cardinality = cardinality
        self.party = party
        self.creators = creators
        self.registry = registry
        self.createOnImport = createOnImport
        self.rules = rules
    }

    /// The field with `key`, or nil.
    public func field(_ key: String) -> FieldSpec? { fields.first { $0.key == key } }

    /// The fields of the national-database export, in their national order.
    public var nationalFields: [FieldSpec] {
        fields.filter { $0.nationalOrder != nil }.sorted { $0.nationalOrder! < $1.nationalOrder! }
    }

    /// The indexed fields.
    public var indexedFields: [FieldSpec] { fields.filter(\.indexed) }

    /// The JSON shape of a record's values.
    public var valuesSchema: JSONSchema {
        .object(fields.map { ($0.key, JSONSchema.described($0.type.schema, $0.label.zh)) },
                required: fields.filter(\.required).map(\.key))
    }
}

/// A saved list of a kind, shown as a tab: `GET /api/v1/records/{kind}?view=<id>` applies its
/// filters, as the list route takes them (`state` may list several states, `rejected:*` every
/// rejection whatever the level).
public struct SavedView: Sendable, Hashable {
    /// The view's id, e.g. `processed`.
    public var id: String
    /// The tab's label, e.g. 解约记录.
    public var label: LocalizedText
    /// List filters by name, e.g. `["state": "approved,rejected:*"]`.
    public var filters: [String: String]

    /// A view named `id` that lists what `filters` select.
    public init(_ id: String, _ label: LocalizedText, filters: [String: String]) {
        self.id = id
        self.label = label
        self.filters = filters
    }
}

/// Where a student's values go on a reviewed kind.
public enum StudentForm: String, Sendable, Hashable, Codable, CaseIterable {
    /// Into the record itself: the student's registration *is* the record (就业信息, 解约).
    case direct
    /// Into a form of the student's own, beside the official values that staff keep; a reviewer
    /// compares the two and copies the form over (一键复制填报). For records staff own (生源信息).
    case separate
}

/// Staff see a record only when a numeric field is at least a minimum.
public struct StaffVisibility: Sendable, Hashable {
    /// The field, e.g. `completeness`.
    public var field: String
    /// The minimum, e.g. 70.
    public var atLeast: Double

    /// Staff see records whose `field` is at least `atLeast`.
    public init(_ field: String, atLeast: Double) {
        self.field = field
        self.atLeast = atLeast
    }
}

/// The other party to a kind's records: a role and the field that names who it is.
public struct RecordParty: Sendable, Hashable {
    /// The party's role. Scopes know one kind of party, the employer (by its credit code); the
    /// host refuses any other at load.
    public var role: Role
    /// The field holding the party's account id (an employer's credit code), set by the core to
    /// the caller's own when the party creates the record.
    public var field: String

    /// A party of `role` named by `field`.
    public init(_ role: Role, field: String) {
        self.role = role
        self.field = field
    }
}

/// A fact the registry (学籍) holds about a student, which a field may mirror.
public enum RegistryAttribute: String, Sendable, Hashable, CaseIterable {
    case studentNumber, name, idNumber, gender, college, major, className, educationLevel, cohort
    /// From the ID number.
    case birthDate
}

/// A condition on submission: when `field` holds one of `codes` (a code also matches its
/// sub-codes: `50` matches `502`), the `required` fields must be filled and at least `materials`
/// files attached.
public struct SubmissionRule: Sendable, Hashable {
    /// The field whose value decides.
    public var field: String
    /// The codes that trigger the rule.
    public var codes: [String]
    /// Fields then required.
    public var required: [String]
    /// Files then required.
    public var materials: Int

    /// - Parameters:
    ///   - field: the deciding field.
    ///   - codes: the values (and their sub-codes) that trigger it.
    ///   - required: the fields then required.
    ///   - materials: how many files must then be attached.
    public init(when field: String, in codes: [String], require required: [String] = [], materials: Int = 0) {
        self.field = field
        self.codes = codes
        self.required = required
        self.materials = materials
    }

    /// A rule that always applies: every submission needs `required` and `materials` files
    /// (a termination needs its letter).
    public static func always(require required: [String] = [], materials: Int) -> SubmissionRule {
        SubmissionRule(when: "", in: [], require: required, materials: materials)
    }

    /// Whether the rule applies whatever the values.
    public var isUnconditional: Bool { field.isEmpty }

    /// Whether `value` triggers the rule.
    public func applies(to value: String) -> Bool {
        codes.contains { value == $0 || (value.count > $0.count && value.hasPrefix($0)) }
    }
}
