/// What a field holds; each type carries its own validation in the core.
public enum FieldType: Sendable, Hashable {
    /// Free text, optionally capped.
    case text(maxLength: Int? = nil)
    /// A code from a code table (``CodeTable``), stored as the code.
    case code(table: String)
    /// A calendar date, `YYYY-MM-DD`.
    case date
    /// A year and month, `YYYY-MM` (e.g. 入学年月).
    case month
    /// A resident ID-card number (GB 11643, 18 characters with a check character).
    case idNumber
    /// A unified social credit code (GB 32100, 18 characters with a check character).
    case creditCode
    /// An administrative-region code (GB/T 2260, 6 digits).
    case regionCode
    /// A mainland mobile number.
    case phone
    /// An email address.
    case email
    /// A number, with an optional range and how many decimals are allowed.
    case number(min: Double? = nil, max: Double? = nil, decimals: Int = 0)
    /// Yes or no.
    case boolean
    /// A reference to an uploaded file (content hash).
    case file

    /// The type's name as clients and `plugins.yaml` spell it.
    public var name: String {
        switch self {
        case .text: "text"
        case .code: "code"
        case .date: "date"
        case .month: "month"
        case .idNumber: "id-number"
        case .creditCode: "credit-code"
        case .regionCode: "region-code"
        case .phone: "phone"
        case .email: "email"
        case .number: "number"
        case .boolean: "boolean"
        case .file: "file"
        }
    }

    /// The JSON shape of a value of this type.
    public var schema: JSONSchema {
        switch self {
        case .text: .text
        case .code: .string(format: "code")
        case .date: .string(format: "date")
        case .month: .string(pattern: "^[0-9]{4}-[0-9]{2}$")
        case .idNumber: .string(pattern: "^[0-9]{17}[0-9X]$")
        case .creditCode: .string(pattern: "^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$")
        case .regionCode: .string(pattern: "^[0-9]{6}$")
        case .phone: .string(pattern: "^1[0-9]{10}$")
        case .email: .string(format: "email")
        case .number(_, _, let decimals): decimals == 0 ? .integer : .number
        case .boolean: .boolean
        case .file: .string(format: "sha256")
        }
    }

    /// A description for listings and the OpenAPI document.
    public var json: JSONValue {
        var o: JSONObject = ["type": .string(name)]
        switch self {
        case .text(let max): if let max { o["maxLength"] = .int(max) }
        case .code(let table): o["table"] = .string(table)
        case .number(let min, let max, let decimals):
            if let min { o["min"] = .double(min) }
            if let max { o["max"] = .double(max) }
            o["decimals"] = .int(decimals)
        default: break
        }
        return .object(o)
    }
}

/// Who may change a field's value.
public enum FieldEditor: String, Sendable, Hashable, Codable, CaseIterable {
    /// The student and staff.
    case student
    /// Staff only; the student sees it.
    case staff
    /// Nobody through the API: registry data (学籍信息) set by import, shown greyed out, and
    /// fields the core or a plugin computes. A registry field (one a kind mirrors from the
    /// student directory, or a registry column an import fills) may still be *corrected* by
    /// the staff roles in ``FieldSpec/correctableBy``: the core then updates the directory and
    /// every record of the student with it, and keeps it through later imports.
    case nobody
    /// The student, the record's other party (the employer of an agreement) and staff: terms
    /// either side of an agreement may propose.
    case parties

    /// Whether `role` may set the field: staff anything but registry data, a student their own
    /// and the parties' fields, the other party only the parties' fields.
    public func allows(_ role: Role) -> Bool {
        switch (self, role) {
        case (.nobody, _): false
        case (_, .counselor), (_, .college), (_, .school): true
        case (.student, .student), (.parties, .student), (.parties, .employer): true
        default: false
        }
    }
}

/// One field of a record kind.
public struct FieldSpec: Sendable, Hashable {
    /// The key in records and JSON, English, e.g. `studentNumber`.
    public var key: String
    /// The label users read, e.g. 学号.
    public var label: LocalizedText
    /// What it holds.
    public var type: FieldType
    /// Whether a record can be submitted without it.
    public var required: Bool
    /// Who may change it.
    public var editableBy: FieldEditor
    /// Position in the national-database export (国家库字段), or nil when not exported there.
    public var nationalOrder: Int?
    /// Whether the core keeps a secondary index on it, so lists can filter and search by it.
    public var indexed: Bool
    /// A heading that groups fields in forms, e.g. 学籍信息.
    public var group: String?
    /// Who may correct the field when it is registry data (学籍信息, `editableBy: nobody`): the
    /// school by default; `plugins.yaml` may add the college (`correctableBy: [school, college]`
    /// on the kind or the field). Ignored for fields that are not registry data.
    public var correctableBy: Set<Role> = [.school]

    /// - Parameters:
    ///   - key: the English key.
    ///   - label: the Chinese label (with English fallback).
    ///   - type: what it holds.
    ///   - required: whether submission needs it.
    ///   - editableBy: who may change it (default the student).
    ///   - national: position in the national-database export, if any.
    ///   - indexed: whether lists can filter by it.
    ///   - group: the form heading.
    public init(
        _ key: String,
        _ label: LocalizedText,
        _ type: FieldType,
        required: Bool = false,
        editableBy: FieldEditor = .student,
        national: Int? = nil,
        indexed: Bool = false,
        group: String? = nil
    ) {
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.editableBy = editableBy
        self.nationalOrder = national
        self.indexed = indexed
        self.group = group
    }

    /// A description for listings and the OpenAPI document.
    public var json: JSONValue {
        var o: JSONObject = [
            "key": .string(key),
            "label": .string(label.zh),
            "labelEn": .string(label.en),
            "type": type.json,
            "required": .bool(required),
            "editableBy": .string(editableBy.rawValue),
            "indexed": .bool(indexed),
        ]
        if let nationalOrder { o["nationalOrder"] = .int(nationalOrder) }
        if let group { o["group"] = .string(group) }
        return .object(o)
    }
}
