import Foundation
import PluginAPI
import Storage

/// A registry file against the corrections staff made since (学籍信息更正): a row whose value
/// differs from a corrected one is a conflict, listed in the report, and the policy decides
/// which side wins. A file that agrees with a correction ends it: the registry has caught up.
extension StudentImport {
    /// Which side wins where a row would overwrite a corrected value.
    enum CorrectionPolicy: String, Codable, Sendable, CaseIterable {
        /// The correction stays (the default: a correction is never silently undone).
        case keep
        /// The file's value replaces it, and the correction is forgotten.
        case overwrite

        /// The policy an option names; nil (absent) is ``keep``.
        static func named(_ text: String?) -> CorrectionPolicy? {
            guard let text else { return .keep }
            return CorrectionPolicy(rawValue: text)
        }
    }

    /// A row that differs from a corrected value.
    struct Conflict: Codable, Sendable, Equatable, CustomStringConvertible {
        /// The row as the spreadsheet numbers it.
        var row: Int
        /// 学号.
        var number: String
        /// The column, e.g. 姓名.
        var field: String
        /// The corrected value and the file's.
        var corrected: String
        var file: String
        /// Which value the student now has: `corrected` or `file`.
        var kept: String
        var description: String {
            "第 \(row) 行 \(number) \(field)：已更正为“\(corrected)”，文件为“\(file)”，保留\(kept == "file" ? "文件值" : "更正值")"
        }
    }

    /// Holds one row against the student's corrections, in the import's transaction: with
    /// ``CorrectionPolicy/keep`` the row takes the corrected values; with `overwrite` the
    /// corrections it contradicts are forgotten. Either way each contradiction is reported.
    func reconcile(_ item: inout Student, _ txn: Transaction, report: inout Report) throws {
        guard var stored = try store.corrections.get(txn, item.entry.number) else { return }
        let before = stored
        var undone: [String] = []
        for (key, mark) in stored.marks.sorted(by: { $0.key < $1.key }) {
            guard let (label, fileValue) = value(of: key, in: item) else { continue }
            if fileValue == mark.value {
                stored.marks[key] = nil   // the registry now says the same: nothing left to keep
                continue
            }
            let conflict = Conflict(row: item.row, number: item.entry.number, field: label, corrected: Self.text(mark.value),
                                    file: Self.text(fileValue), kept: correctionPolicy == .keep ? "corrected" : "file")
            report.conflicts.append(conflict)
            if correctionPolicy == .keep { set(key, mark.value, in: &item) } else {
                stored.marks[key] = nil
                undone.append("\(label) \(conflict.corrected) → \(conflict.file)")
            }
        }
        // Overwritten on purpose, and said where the correction was: in the records' history.
        if !undone.isEmpty { try correctionsOverwritten(txn, item.entry.number, undone) }
        guard stored != before else { return }
        if stored.marks.isEmpty { _ = try store.corrections.delete(txn, item.entry.number) } else { try store.corrections.put(txn, item.entry.number, stored) }
    }

    /// The column's label and the row's value for a correction's key; nil when the file does not
    /// carry it (an extra column left out or empty).
    private func value(of key: String, in item: Student) -> (String, JSONValue)? {
        if key.hasPrefix("field.") {
            let field = String(key.dropFirst(6))
            guard let v = item.extras[field] else { return nil }
            return (extraFields.first { $0.key == field }?.label.zh ?? field, v)
        }
        guard let attribute = RegistryAttribute(rawValue: key), let column = Self.column(attribute) else { return nil }
        let label = Self.columns.first { $0.key == column }?.headers.first ?? key
        let e = item.entry
        let v: JSONValue = switch attribute {
        case .name: .string(e.name)
        case .idNumber: .string(e.idNumber)
        case .gender: .string(e.gender)
        case .educationLevel: .string(e.educationLevel)
        case .cohort: .int(Int(e.cohort))
        case .college: .string(item.college)
        case .major: .string(item.major)
        default: .string(item.className)
        }
        return (label, v)
    }

    /// Puts a corrected value into the row.
    private func set(_ key: String, _ value: JSONValue, in item: inout Student) {
        if key.hasPrefix("field.") { item.extras[String(key.dropFirst(6))] = value; return }
        let text = value.stringValue ?? ""
        switch RegistryAttribute(rawValue: key) {
        case .name?: item.entry.name = text
        case .idNumber?: item.entry.idNumber = text
        case .gender?: item.entry.gender = text
        case .educationLevel?: item.entry.educationLevel = text
        case .cohort?: item.entry.cohort = value.intValue.map(UInt16.init) ?? item.entry.cohort
        case .college?: item.college = text
        case .major?: item.major = text
        case .className?: item.className = text
        default: break
        }
    }

    /// The column of ``columns`` an attribute is read from.
    static func column(_ attribute: RegistryAttribute) -> String? {
        switch attribute {
        case .name, .idNumber, .gender, .college, .major, .educationLevel, .cohort: attribute.rawValue
        case .className: "class"
        default: nil
        }
    }

    /// A value as the report shows it.
    static func text(_ v: JSONValue) -> String { RecordTables.term(v) ?? "" }
}
