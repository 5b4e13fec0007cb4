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
    /// Besides the owning student and the staff over them, who else sees a record:
    /// `[.employer]` for agreements, whose employer party sees its own.
    public var parties: Set<Role>

    /// - Parameters:
    ///   - id: the kind's id.
    ///   - label: the Chinese label.
    ///   - fields: the fields in form order.
    ///   - process: review, another workflow, or none.
    ///   - cardinality: records per student.
    ///   - parties: other roles that are a party to a record.
    public init(
        id: String, label: LocalizedText, fields: [FieldSpec], process: RecordProcess,
        cardinality: Cardinality = .onePerStudent, parties: Set<Role> = []
    ) {
        self.id = id
        self.label = label
        self.fields = fields
        self.process = process
        self.cardinality = cardinality
        self.parties = parties
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
