import Foundation
import PluginAPI
import Storage

extension StudentImport {
    /// A row that passed every check, ready to write (unit ids are found at writing).
    struct Student {
        var entry: StudentEntry
        var college: String
        var major: String
        var className: String
        var extras: JSONObject
        /// The row as the spreadsheet numbers it.
        var row: Int
    }

    /// Where each column stands in the file; a missing one is a problem of row 1.
    struct Columns {
        /// Column index by key of ``StudentImport/columns``.
        var position: [String: Int] = [:]
        /// The header row, trimmed.
        let headers: [String]
        /// Extra columns: a header equal to a registry field's label.
        let extras: [(index: Int, field: FieldSpec)]
        /// Whether a required column is missing (the file is then refused whole).
        var missing: Bool { position.count < StudentImport.columns.count }

        init(_ header: TableReader.Row, extraFields: [FieldSpec], problems: inout [Problem]) {
            let headers = header.cells.map(\.trimmingSpaces)
            for (key, names) in StudentImport.columns {
                if let i = headers.firstIndex(where: names.contains) { position[key] = i } else {
                    problems.append(Problem(row: header.number, column: "", header: names[0], reason: "缺少列“\(names[0])”"))
                }
            }
            self.headers = headers
            extras = extraFields.compactMap { f in headers.firstIndex(of: f.label.zh).map { ($0, f) } }
        }
    }

    /// The checks of one row, collecting its problems by column.
    struct RowCheck {
        let row: TableReader.Row
        let columns: Columns
        var problems: [Problem] = []

        init(row: TableReader.Row, columns: Columns) {
            self.row = row
            self.columns = columns
        }

        /// The row's student when every column checks; nil (with ``problems``) otherwise.
        mutating func student(firstRowOf: inout [String: Int], codeTables: [String: CodeTable]) -> Student? {
            let number = self.number(firstRowOf: &firstRowOf)
            let name = required("name", max: 64)
            var id: IDNumber?
            if let text = required("idNumber", max: 32) {
                do { id = try IDNumber(text) } catch { problem("idNumber", error.description) }
            }
            let gender = self.gender(id)
            let college = required("college", max: 64), major = required("major", max: 64), className = required("class", max: 64)
            let levelCode = educationLevel()
            let cohort = self.cohort()
            let extras = extraValues(codeTables: codeTables)
            guard let number, let name, let id, let gender, let college, let major, let className, let levelCode, let cohort else { return nil }
            return Student(entry: StudentEntry(number: number, name: name, idNumber: id.value, gender: gender, collegeID: 0,
                                               majorID: 0, classID: 0, educationLevel: levelCode, cohort: cohort),
                           college: college, major: major, className: className, extras: extras, row: row.number)
        }

        private func cell(_ key: String) -> String? {
            guard let i = columns.position[key] else { return nil }
            return i < row.cells.count ? row.cells[i].trimmingSpaces : ""
        }

        private mutating func problem(_ key: String, _ reason: String) {
            let i = columns.position[key]!
            problems.append(Problem(row: row.number, column: StudentImport.letter(i), header: columns.headers[i], reason: reason))
        }

        private mutating func required(_ key: String, max: Int) -> String? {
            guard let v = cell(key) else { return nil }
            if v.isEmpty { problem(key, "不能为空"); return nil }
            if v.count > max { problem(key, "不能超过 \(max) 个字"); return nil }
            return v
        }

        /// 学号: letters, digits, - and _, once in the file.
        private mutating func number(firstRowOf: inout [String: Int]) -> String? {
            let number = required("number", max: 32)
            if let number, !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                problem("number", "学号只能包含字母、数字、- 和 _")
            }
            if let number {
                if let first = firstRowOf[number] { problem("number", "学号与第 \(first) 行重复") } else { firstRowOf[number] = row.number }
            }
            return number
        }

        /// 性别 as its code, matching the ID number's.
        private mutating func gender(_ id: IDNumber?) -> String? {
            guard let g = required("gender", max: 4) else { return nil }
            let gender = ["男": "1", "1": "1", "女": "2", "2": "2"][g]
            if gender == nil { problem("gender", "应为“男”或“女”") }
            else if let id, id.genderCode != gender { problem("gender", "与身份证号不符") }
            return gender
        }

        /// 学历层次 by code, name or a common alias.
        private mutating func educationLevel() -> String? {
            guard let l = required("educationLevel", max: 16) else { return nil }
            let level = CodeTable.educationLevel
            let code = level.contains(l) ? l : level.entries.first { $0.name == l }?.code ?? StudentImport.levelAliases[l]
            if code == nil { problem("educationLevel", "未知的学历层次“\(l)”") }
            return code
        }

        /// 毕业年份, also as a spreadsheet number (`2026.0`).
        private mutating func cohort() -> UInt16? {
            guard let y = required("cohort", max: 8) else { return nil }
            let digits = y.hasSuffix(".0") ? String(y.dropLast(2)) : y
            let cohort = UInt16(digits).flatMap { (2000...2100).contains($0) ? $0 : nil }
            if cohort == nil { problem("cohort", "应为 2000 至 2100 之间的年份") }
            return cohort
        }

        /// The extra columns' values by field key, each checked as the field declares.
        private mutating func extraValues(codeTables: [String: CodeTable]) -> JSONObject {
            var values = JSONObject()
            for (i, f) in columns.extras {
                let text = i < row.cells.count ? row.cells[i].trimmingSpaces : ""
                guard !text.isEmpty else { continue }
                let raw: JSONValue = switch f.type {
                case .number: Double(text.hasSuffix(".0") ? String(text.dropLast(2)) : text).map { $0 == $0.rounded() ? .int(Int($0)) : .double($0) } ?? .string(text)
                case .boolean: ["是": true, "否": false, "true": true, "false": false, "1": true, "0": false][text].map(JSONValue.bool) ?? .string(text)
                default: .string(text)
                }
                switch f.validate(raw, tables: codeTables) {
                case .success(let v): values[f.key] = v
                case .failure(let p):
                    problems.append(Problem(row: row.number, column: StudentImport.letter(i), header: columns.headers[i],
                                            reason: String(p.message.split(separator: "：", maxSplits: 1).last ?? "")))
                }
            }
            return values
        }
    }

    /// Units by parent and name, created on first use, and their names by id for the records.
    struct UnitCache {
        let store: DirectoryStore
        var ids: [String: UInt32] = [:]
        var names: [UInt32: String] = [:]

        init(store: DirectoryStore) { self.store = store }

        mutating func id(_ txn: Transaction, _ kind: OrgUnit.Kind, _ name: String, _ parent: UInt32?) throws -> UInt32 {
            let key = "\(parent ?? 0)/\(name)"
            if let id = ids[key] { return id }
            let id = try store.unit(txn, kind: kind, name: name, parent: parent)
            ids[key] = id
            names[id] = name
            return id
        }
    }
}
