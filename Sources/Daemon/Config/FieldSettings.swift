import PluginAPI

/// A field added or changed in `plugins.yaml` (`kinds.<kind>.fields`, or a declared kind's fields).
struct FieldSettings: Codable, Sendable {
    var key: String
    var label: String?
    var labelEn: String?
    /// text, code, date, month, id-number, credit-code, region-code, phone, email, number, boolean, file.
    var type: String?
    /// The code table of a `code` field.
    var table: String?
    var required: Bool?
    /// student, staff, nobody, or parties (the student and the record's other party).
    var editableBy: FieldEditor?
    /// Position in the national-database export.
    var national: Int?
    var indexed: Bool?
    var group: String?
    /// Registry fields (学籍信息): the staff roles that may correct the value, `[school]` by
    /// default, `[school, college]` to let the college too; see ``FieldSpec/correctableBy``.
    var correctableBy: [Role]?
    var maxLength: Int?
    var min: Double?
    var max: Double?
    var decimals: Int?

    /// The field type this describes, or a message saying why not.
    func fieldType() -> Result<FieldType, SettingsProblem> {
        switch type ?? "text" {
        case "text": .success(.text(maxLength: maxLength))
        case "code":
            table.map { .success(.code(table: $0)) } ?? .failure(SettingsProblem("a code field needs table:"))
        case "date": .success(.date)
        case "month": .success(.month)
        case "id-number": .success(.idNumber)
        case "credit-code": .success(.creditCode)
        case "region-code": .success(.regionCode)
        case "phone": .success(.phone)
        case "email": .success(.email)
        case "number": .success(.number(min: min, max: max, decimals: decimals ?? 0))
        case "boolean": .success(.boolean)
        case "file": .success(.file)
        case let other:
            .failure(SettingsProblem("unknown field type \"\(other)\" (text, code, date, month, id-number, credit-code, region-code, phone, email, number, boolean, file)"))
        }
    }

    /// Applies this to a kind's fields: changes the field with this key, or adds a new one.
    func apply(to fields: inout [FieldSpec]) -> String? {
        if let i = fields.firstIndex(where: { $0.key == key }) {
            if let label { fields[i].label = LocalizedText(label, en: labelEn ?? fields[i].label.en) }
            if let required { fields[i].required = required }
            if let editableBy { fields[i].editableBy = editableBy }
            if let national { fields[i].nationalOrder = national }
            if let indexed { fields[i].indexed = indexed }
            if let group { fields[i].group = group }
            if let correctableBy {
                if let problem = Self.correctorsProblem(correctableBy) { return problem }
                fields[i].correctableBy = Set(correctableBy)
            }
            if type != nil {
                switch fieldType() {
                case .success(let t): fields[i].type = t
                case .failure(let m): return m.message
                }
            }
            return nil
        }
        guard let label else { return "a new field needs label:" }
        if correctableBy != nil { return "correctableBy: applies to registry fields a plugin declares, not to a new field" }
        switch fieldType() {
        case .failure(let m): return m.message
        case .success(let t):
            fields.append(FieldSpec(key, LocalizedText(label, en: labelEn), t, required: required ?? false, editableBy: editableBy ?? .student,
                                    national: national, indexed: indexed ?? false, group: group))
            return nil
        }
    }

    /// Why a `correctableBy:` list is refused: only the school and the college correct registry data.
    static func correctorsProblem(_ roles: [Role]) -> String? {
        let others = roles.filter { $0 != .school && $0 != .college }
        guard !others.isEmpty else { return nil }
        return "correctableBy: only school and college may correct registry fields (学籍信息), not \(others.map(\.rawValue).joined(separator: ", "))"
    }
}

/// A problem with a setting, found after decoding.
struct SettingsProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A code entry in `plugins.yaml`.
struct CodeEntrySettings: Codable, Sendable {
    var code: String
    var name: String
    var parent: String?
}

/// `codeTables.<id>`: entries added to a built-in table, or a new table.
struct CodeTableSettings: Codable, Sendable {
    var label: String?
    var entries: [CodeEntrySettings]
}

/// A reject reason in `kinds.<kind>.review.reasons`.
typealias ReasonSettings = CodeEntrySettings

/// `plugins.<id>.declare`: a plugin written only in YAML.
struct DeclaredPluginSettings: Codable, Sendable {
    var label: String
    var kinds: [String: DeclaredKindSettings]
}

/// One kind of a YAML-only plugin.
struct DeclaredKindSettings: Codable, Sendable {
    var label: String
    var fields: [FieldSettings]
    /// `one-per-student` (default) or `many`.
    var cardinality: String?
    /// The review stages; none for a kind without review.
    var review: ReviewSettings?
    /// `direct` (default) or `separate`: see ``KindSettings/studentForm``.
    var studentForm: StudentForm?
    /// The console list's default columns and filters.
    var list: ListSettings?
    /// Saved lists (tabs).
    var views: [ViewSettings]?
}

/// `kinds.<kind>.list`: the console list's default columns and filters (field keys).
struct ListSettings: Codable, Sendable {
    var columns: [String]?
    var filters: [String]?
}

/// `kinds.<kind>.views[]`: a saved list shown as a tab, e.g.
/// `{id: waiting, label: 待我审核, filters: {state: "pending:counselor"}}`.
struct ViewSettings: Codable, Sendable {
    var id: String
    var label: String
    var filters: [String: String]
}
