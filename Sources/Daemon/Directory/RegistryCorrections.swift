import Foundation
import PluginAPI
import Storage

/// The registry values staff corrected for one student (学籍信息更正), kept so that a later
/// import of the registry file does not silently undo them (`registry-corrections`: 学号 → this).
///
/// Keys: a ``RegistryAttribute`` raw value (`name`, `idNumber`, `college` …) for what the
/// student directory holds, `field.<key>` for a registry column an import writes into records
/// (民族, 考生号 …). Values as the import reads them: names for 院系/专业/班级, codes for code fields.
struct RegistryCorrections: JSONStorable, Sendable, Equatable {
    /// One corrected value: what it was corrected to, by whom, when.
    struct Mark: Codable, Sendable, Equatable {
        var value: JSONValue
        var by: String
        var time: Double
    }
    var marks: [String: Mark] = [:]

    /// The key of a registry column an import writes into records.
    static func fieldKey(_ key: String) -> String { "field." + key }
}

/// The attributes a correction may change. 学号 is the key of every record and account, and 出生日期
/// follows 身份证号: neither is corrected on its own.
extension RegistryAttribute {
    static let correctable: Set<RegistryAttribute> = [.name, .idNumber, .gender, .college, .major, .className, .educationLevel, .cohort]

    /// Where the student sits in the tree: a correction of one of them records all three.
    static let placement: [RegistryAttribute] = [.college, .major, .className]
}

extension RecordKindSpec {
    /// Whether `key` is registry data staff may correct: a field nobody edits that the kind
    /// mirrors from the directory, or a registry column an import fills (kinds created on import).
    func isCorrectable(_ key: String) -> Bool {
        guard let f = field(key), f.editableBy == .nobody else { return false }
        if let attribute = registry[key] { return RegistryAttribute.correctable.contains(attribute) }
        return createOnImport
    }

    /// The fields `roles` may correct.
    func correctableFields(by roles: Set<Role>) -> [FieldSpec] {
        fields.filter { isCorrectable($0.key) && !$0.correctableBy.isDisjoint(with: roles) }
    }

    /// The field mirroring `attribute`, if the kind has one.
    func registryKey(_ attribute: RegistryAttribute) -> String? {
        registry.first { $0.value == attribute }?.key
    }
}
