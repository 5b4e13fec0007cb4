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
        /// Rows that differ from values staff corrected, and which side won (``CorrectionPolicy``).
        var conflicts: [Conflict] = []
        var corrections: CorrectionPolicy = .keep
    }

    /// An import that keeps the record kinds in step: placement, registry fields, one record per
    /// graduate where a kind wants it, extra registry columns.
    /// - Parameter corrections: which side wins where a row contradicts a corrected value.
    static func forKinds(_ kinds: RecordKinds, store: DirectoryStore, limits: TableReader.Limits = .init(),
                         corrections: CorrectionPolicy = .keep) -> StudentImport {
        var i = StudentImport(store: store)
        i.limits = limits
        i.correctionPolicy = corrections
        i.studentChanged = { txn, student, created, name in try kinds.sync(txn, student: student, created: created, name: name) }
        i.extraFields = kinds.importFields
        i.codeTables = kinds.codeTables
        i.extrasImported = { txn, number, values in try kinds.importExtras(txn, student: number, values: values) }
        i.correctionsOverwritten = { txn, number, changes in try kinds.noteOverwrittenCorrections(txn, student: number, changes: changes) }
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
    /// Which side wins where a row contradicts a value staff corrected.
    var correctionPolicy = CorrectionPolicy.keep
    /// Told, in the import's transaction, of the corrections a row overwrote (`姓名 王小明 → 林明`).
    var correctionsOverwritten: (Transaction, String, [String]) throws -> Void = { _, _, _ in }
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
        report.corrections = correctionPolicy
        report.rows = rows.count - 1
        let columns = Columns(header, extraFields: extraFields, problems: &report.problems)
        var firstRowOf: [String: Int] = [:]
        var good: [Student] = []
        good.reserveCapacity(rows.count)
        for (n, row) in rows.dropFirst().enumerated() {
            if n % 5000 == 0 { progress(n, report.rows * 2) }
            var check = RowCheck(row: row, columns: columns)
            if let student = check.student(firstRowOf: &firstRowOf, codeTables: codeTables), check.problems.isEmpty {
                good.append(student)
            } else {
                report.problems.append(contentsOf: check.problems)
                report.skipped += 1
            }
        }
        guard !columns.missing, report.problems.isEmpty || skipInvalid else {
            report.skipped = report.rows
            return report
        }
        try apply(good, report: &report, progress: progress)
        progress(report.rows * 2, report.rows * 2)
        report.applied = true
        return report
    }

    /// Writes the good rows in one transaction: units created as needed, students created or updated.
    private func apply(_ good: [Student], report: inout Report, progress: @Sendable (Int, Int) -> Void) throws {
        try store.environment.write { txn in
            var units = UnitCache(store: store)
            let corrected = try store.corrections.count(txn) > 0
            for (i, row) in good.enumerated() {
                if i % 5000 == 0 { progress(report.rows + i, report.rows * 2) }
                var item = row
                if corrected { try reconcile(&item, txn, report: &report) }
                var entry = item.entry
                entry.collegeID = try units.id(txn, .college, item.college, nil)
                entry.majorID = try units.id(txn, .major, item.major, entry.collegeID)
                entry.classID = try units.id(txn, .class, item.className, entry.majorID)
                if let old = try store.students.get(txn, entry.number) {
                    entry.wechatBound = old.wechatBound   // the registry does not know; keep it
                    if old == entry {
                        report.unchanged += 1
                        if !item.extras.isEmpty { try extrasImported(txn, entry.number, item.extras) }
                        continue
                    }
                    report.updated += 1
                    try store.students.put(txn, entry.number, entry)
                    try studentChanged(txn, entry, false) { units.names[$0] }
                } else {
                    report.created += 1
                    try store.students.put(txn, entry.number, entry)
                    try studentChanged(txn, entry, true) { units.names[$0] }
                }
                if !item.extras.isEmpty { try extrasImported(txn, entry.number, item.extras) }
            }
        }
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
