import Foundation
import PluginAPI
import Storage

/// Imports the registry export: one row per student, columns found by their Chinese headers.
/// Every row is checked first; a file with bad rows is refused whole, with every problem by row
/// and column, unless invalid rows are to be skipped. Then everything is written in one
/// transaction: colleges, majors and classes created as needed, existing students updated.
struct StudentImport {
    /// One problem, where a spreadsheet user finds it.
    struct Problem: Codable, Sendable, Equatable, CustomStringConvertible {
        /// The row as the spreadsheet numbers it (the header is row 1).
        var row: Int
        /// The column letter, e.g. `C`; empty when the column is missing.
        var column: String
        /// The column's header, e.g. 身份证号.
        var header: String
        /// What is wrong, for users.
        var reason: String
        var description: String { "第 \(row) 行 \(column.isEmpty ? "" : column + " 列 ")\(header)：\(reason)" }
    }

    /// What an import did, or would have done.
    struct Report: Codable, Sendable {
        var rows = 0
        var created = 0
        var updated = 0
        var unchanged = 0
        var skipped = 0
        var applied = false
        var problems: [Problem] = []
    }

    /// An import that keeps the record kinds in step: placement, registry fields, one record per
    /// graduate where a kind wants it, extra registry columns.
    static func forKinds(_ kinds: RecordKinds, store: DirectoryStore, limits: TableReader.Limits = .init()) -> StudentImport {
        var i = StudentImport(store: store)
        i.limits = limits
        i.studentChanged = { txn, student, created, name in try kinds.sync(txn, student: student, created: created, name: name) }
        i.extraFields = kinds.importFields
        i.codeTables = kinds.codeTables
        i.extrasImported = { txn, number, values in try kinds.importExtras(txn, student: number, values: values) }
        return i
    }

    /// The columns read, with the headers each may go by.
    static let columns: [(key: String, headers: [String])] = [
        ("number", ["学号"]), ("name", ["姓名"]), ("idNumber", ["身份证号", "身份证件号", "证件号码"]),
        ("gender", ["性别"]), ("college", ["院系", "学院"]), ("major", ["专业", "专业名称"]), ("class", ["班级"]),
        ("educationLevel", ["学历层次", "学历"]), ("cohort", ["毕业年份", "届别", "届"]),
    ]

    static let levelAliases = ["博士": "01", "博士研究生": "01", "硕士": "11", "硕士研究生": "11", "本科": "31", "专科": "41", "高职": "61"]

    let store: DirectoryStore
    /// Called for each student whose entry changed, in the import's transaction: the records
    /// that hang off the student follow them (placement in the tree, cohort, name).
    var studentChanged: (Transaction, StudentEntry, _ created: Bool, _ name: (UInt32) -> String?) throws -> Void = { _, _, _, _ in }
    /// Registry fields of record kinds beyond the nine columns (民族, 考生号, 入学年月 …), found by
    /// their labels as headers, checked like the rest, and handed over with each student.
    var extraFields: [FieldSpec] = []
    /// Code tables for checking them.
    var codeTables: [String: CodeTable] = CodeTable.builtin
    /// How far an XLSX part may inflate.
    var limits = TableReader.Limits()
    /// Receives each imported student's extra values (by field key), in the import's transaction.
    var extrasImported: (Transaction, String, JSONObject) throws -> Void = { _, _, _ in }

    /// Checks and, when allowed, applies a file.
    /// - Parameters:
    ///   - data: CSV or XLSX bytes.
    ///   - skipInvalid: import the good rows even when some are bad.
    ///   - progress: called with (rows done, rows in all) as the work advances.
    func run(_ data: Data, skipInvalid: Bool, progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Report {
        let rows = try TableReader.rows(from: data, limits: limits)
        guard let header = rows.first else { throw TableReader.Failure.empty }
        var report = Report()
        report.rows = rows.count - 1

        // Columns by header; a missing one is a problem of row 1.
        var position: [String: Int] = [:]
        let headers = header.cells.map(\.trimmingSpaces)
        for (key, names) in Self.columns {
            if let i = headers.firstIndex(where: names.contains) { position[key] = i } else {
                report.problems.append(Problem(row: header.number, column: "", header: names[0], reason: "缺少列“\(names[0])”"))
            }
        }
        let level = CodeTable.educationLevel
        // Extra columns: a header equal to a field's label.
        let extras: [(index: Int, field: FieldSpec)] = extraFields.compactMap { f in headers.firstIndex(of: f.label.zh).map { ($0, f) } }
        var firstRowOf: [String: Int] = [:]
        var good: [(StudentEntry, college: String, major: String, class: String, extras: JSONObject)] = []
        good.reserveCapacity(rows.count)

        for (n, row) in rows.dropFirst().enumerated() {
            if n % 5000 == 0 { progress(n, report.rows * 2) }
            var rowProblems: [Problem] = []
            func cell(_ key: String) -> String? {
                guard let i = position[key] else { return nil }
                return i < row.cells.count ? row.cells[i].trimmingSpaces : ""
            }
            func problem(_ key: String, _ reason: String) {
                let i = position[key]!
                rowProblems.append(Problem(row: row.number, column: Self.letter(i), header: headers[i], reason: reason))
            }
            func required(_ key: String, max: Int) -> String? {
                guard let v = cell(key) else { return nil }
                if v.isEmpty { problem(key, "不能为空"); return nil }
                if v.count > max { problem(key, "不能超过 \(max) 个字"); return nil }
                return v
            }
            let number = required("number", max: 32)
            if let number, !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                problem("number", "学号只能包含字母、数字、- 和 _")
            }
            if let number {
                if let first = firstRowOf[number] { problem("number", "学号与第 \(first) 行重复") } else { firstRowOf[number] = row.number }
            }
            let name = required("name", max: 64)
            var id: IDNumber?
            if let text = required("idNumber", max: 32) {
                do { id = try IDNumber(text) } catch { problem("idNumber", error.description) }
            }
            var gender: String?
            if let g = required("gender", max: 4) {
                gender = ["男": "1", "1": "1", "女": "2", "2": "2"][g]
                if gender == nil { problem("gender", "应为“男”或“女”") }
                else if let id, id.genderCode != gender { problem("gender", "与身份证号不符") }
            }
            let college = required("college", max: 64), major = required("major", max: 64), className = required("class", max: 64)
            var levelCode: String?
            if let l = required("educationLevel", max: 16) {
                levelCode = level.contains(l) ? l : level.entries.first { $0.name == l }?.code ?? Self.levelAliases[l]
                if levelCode == nil { problem("educationLevel", "未知的学历层次“\(l)”") }
            }
            var cohort: UInt16?
            if let y = required("cohort", max: 8) {
                let digits = y.hasSuffix(".0") ? String(y.dropLast(2)) : y
                cohort = UInt16(digits).flatMap { (2000...2100).contains($0) ? $0 : nil }
                if cohort == nil { problem("cohort", "应为 2000 至 2100 之间的年份") }
            }
            var extraValues = JSONObject()
            for (i, f) in extras {
                let text = i < row.cells.count ? row.cells[i].trimmingSpaces : ""
                guard !text.isEmpty else { continue }
                let raw: JSONValue = switch f.type {
                case .number: Double(text.hasSuffix(".0") ? String(text.dropLast(2)) : text).map { $0 == $0.rounded() ? .int(Int($0)) : .double($0) } ?? .string(text)
                case .boolean: ["是": true, "否": false, "true": true, "false": false, "1": true, "0": false][text].map(JSONValue.bool) ?? .string(text)
                default: .string(text)
                }
                switch f.validate(raw, tables: codeTables) {
                case .success(let v): extraValues[f.key] = v
                case .failure(let p): rowProblems.append(Problem(row: row.number, column: Self.letter(i), header: headers[i], reason: String(p.message.split(separator: "：", maxSplits: 1).last ?? "")))
                }
            }
            if rowProblems.isEmpty, let number, let name, let id, let gender, let college, let major, let className,
               let levelCode, let cohort {
                good.append((StudentEntry(number: number, name: name, idNumber: id.value, gender: gender, collegeID: 0,
                                          majorID: 0, classID: 0, educationLevel: levelCode, cohort: cohort),
                             college, major, className, extraValues))
            } else {
                report.problems.append(contentsOf: rowProblems)
                report.skipped += 1
            }
        }
        let missingColumn = position.count < Self.columns.count
        guard !missingColumn, report.problems.isEmpty || skipInvalid else {
            report.skipped = report.rows
            return report
        }

        try store.environment.write { txn in
            var unitIDs: [String: UInt32] = [:]
            var unitNames: [UInt32: String] = [:]
            func unit(_ kind: OrgUnit.Kind, _ name: String, _ parent: UInt32?) throws -> UInt32 {
                let key = "\(parent ?? 0)/\(name)"
                if let id = unitIDs[key] { return id }
                let id = try store.unit(txn, kind: kind, name: name, parent: parent)
                unitIDs[key] = id
                unitNames[id] = name
                return id
            }
            var created = 0, updated = 0, unchanged = 0
            for (i, item) in good.enumerated() {
                if i % 5000 == 0 { progress(report.rows + i, report.rows * 2) }
                var entry = item.0
                entry.collegeID = try unit(.college, item.college, nil)
                entry.majorID = try unit(.major, item.major, entry.collegeID)
                entry.classID = try unit(.class, item.class, entry.majorID)
                if let old = try store.students.get(txn, entry.number) {
                    entry.wechatBound = old.wechatBound   // the registry does not know; keep it
                    if old == entry {
                        unchanged += 1
                        if !item.extras.isEmpty { try extrasImported(txn, entry.number, item.extras) }
                        continue
                    }
                    updated += 1
                    try store.students.put(txn, entry.number, entry)
                    try studentChanged(txn, entry, false) { unitNames[$0] }
                } else {
                    created += 1
                    try store.students.put(txn, entry.number, entry)
                    try studentChanged(txn, entry, true) { unitNames[$0] }
                }
                if !item.extras.isEmpty { try extrasImported(txn, entry.number, item.extras) }
            }
            report.created = created
            report.updated = updated
            report.unchanged = unchanged
        }
        progress(report.rows * 2, report.rows * 2)
        report.applied = true
        return report
    }

    /// `0` → `A`, `27` → `AB`.
    static func letter(_ index: Int) -> String {
        var n = index + 1, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }
}
