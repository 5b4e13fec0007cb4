import CXLSXWriter
import Foundation
import JiuyeTesting
import PluginAPI
import Storage
import Testing
@testable import Daemon

@Suite("Student import")
struct ImportTests {
    static let header = "学号,姓名,身份证号,性别,院系,专业,班级,学历层次,毕业年份"

    /// A valid ID number for a 2004 birth with this sequence number.
    static func id(_ n: Int, male: Bool = true) -> String {
        let first17 = "4401062004\(String(format: "%02d", 1 + n % 12))\(String(format: "%02d", 1 + n % 28))\(String(format: "%02d", n % 100))\(male ? 1 : 2)"
        return first17 + String(IDNumber.checkCharacter(for: first17)!)
    }

    static func row(_ number: String, _ name: String, _ n: Int, klass: String = "物理2201", college: String = "物理学院", cohort: Int = 2026) -> String {
        "\(number),\(name),\(id(n)),男,\(college),物理学,\(klass),本科,\(cohort)"
    }

    @Test("a file with bad rows is refused whole, with every error by row and column; --skip-invalid imports the rest")
    func badRows() async throws {
        let d = try await TestDaemon.start(builtins: [], config: "plugins: {}")
        let badID = "X001,甲,\(String(Self.id(1).dropLast()))0,男,物理学院,物理学,物理2201,本科,2026"
        let csv = [Self.header, Self.row("X000", "零", 0), badID, "X002,乙,\(Self.id(2)),男,物理学院,物理学", Self.row("X003", "丙", 3),
                   Self.row("X000", "重", 4), "X005,丁,\(Self.id(5)),女,物理学院,物理学,物理2201,本科,2026"].joined(separator: "\n")
        let refused = try await d.importStudents(csv: csv)
        #expect(!refused.ok)
        let message = refused.error?.message ?? ""
        #expect(message.contains("nothing imported, 6 problem(s)"))
        #expect(message.contains("第 3 行 C 列 身份证号：身份证号校验位错误"))
        #expect(message.contains("第 4 行 G 列 班级：不能为空"))
        #expect(message.contains("第 4 行 H 列 学历层次：不能为空"))
        #expect(message.contains("第 4 行 I 列 毕业年份：不能为空"))
        #expect(message.contains("第 6 行 A 列 学号：学号与第 2 行重复"))
        #expect(message.contains("第 7 行 D 列 性别：与身份证号不符"))
        let directory = d.daemon.directory
        #expect(try directory.environment.read { try directory.students.primary.count($0) } == 0, "nothing half-written")

        let skipped = try await d.importStudents(csv: csv, skipInvalid: true)
        #expect(skipped.ok)
        #expect(skipped.reply?.result["created"] == 2 && skipped.reply?.result["skipped"] == 4)
        #expect(try directory.environment.read { try directory.students.primary.count($0) } == 2)
        try await d.stop()
    }

    @Test("a missing column refuses the file and names the column")
    func missingColumn() async throws {
        let d = try await TestDaemon.start(builtins: [], config: "plugins: {}")
        let r = try await d.importStudents(csv: "学号,姓名,身份证号,性别,院系,专业,班级,毕业年份\nX1,甲,\(Self.id(1)),男,物理学院,物理学,物理2201,2026\n", skipInvalid: true)
        #expect(!r.ok && (r.error?.message.contains("第 1 行 学历层次：缺少列“学历层次”") ?? false))
        try await d.stop()
    }

    @Test("re-importing updates rather than duplicates, and moves the student in the indexes")
    func reimport() async throws {
        let d = try await TestDaemon.start(builtins: [], config: "plugins: {}")
        let first = [Self.header, Self.row("P1", "甲", 1), Self.row("P2", "乙", 2)].joined(separator: "\n")
        #expect(try await d.importStudents(csv: first).reply?.result["created"] == 2)
        let again = try await d.importStudents(csv: first)
        #expect(again.reply?.result["created"] == 0 && again.reply?.result["unchanged"] == 2)
        let moved = [Self.header, Self.row("P1", "甲", 1), Self.row("P2", "乙", 2, klass: "物理2202")].joined(separator: "\n")
        #expect(try await d.importStudents(csv: moved).reply?.result["updated"] == 1)
        let directory = d.daemon.directory
        try directory.environment.read { txn throws in
            #expect(try directory.students.primary.count(txn) == 2)
            let p2 = try #require(try directory.students.get(txn, "P2"))
            #expect(try directory.units.get(txn, p2.classID)?.name == "物理2202")
            let old = try #require(try directory.findUnit(txn, name: "物理2201", parent: p2.majorID))
            #expect(try directory.byClass.keys(txn, matching: KeyPair(old, UInt16(2026))) == ["P1"])
            #expect(try directory.byClass.keys(txn, matching: KeyPair(p2.classID, UInt16(2026))) == ["P2"])
        }
        try await d.stop()
    }

    @Test("an XLSX written by Excel's rules imports like the CSV, over HTTP for school officers")
    func xlsxOverHTTP() async throws {
        let d = try await TestDaemon.start(builtins: [], config: "plugins: {}")
        try await d.addAccount("school-1", roles: [.school])
        let token = try await d.login("school-1")
        let path = d.directory + "/registry.xlsx"
        let workbook = workbook_new(path)
        let sheet = workbook_add_worksheet(workbook, "学生名单")
        for (c, h) in Self.header.split(separator: ",").enumerated() { worksheet_write_string(sheet, 0, lxw_col_t(c), String(h), nil) }
        for r in 1...3 {
            let cells = ["X\(r)", "学生\(r)", Self.id(r), "男", "化学学院", "化学", "化学2201", "31"]
            for (c, v) in cells.enumerated() { worksheet_write_string(sheet, lxw_row_t(r), lxw_col_t(c), v, nil) }
            worksheet_write_number(sheet, lxw_row_t(r), 8, 2027, nil)   // a year typed as a number
        }
        #expect(workbook_close(workbook) == LXW_NO_ERROR)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let r = try await d.request(.post, "/api/v1/students/import", rawBody: data, token: token)
        #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
        #expect(try r.json["created"] == 3)
        let x2 = try await d.request(.get, "/api/v1/students/X2", token: token).json
        #expect(x2["class"] == "化学2201" && x2["cohort"] == 2027 && x2["name"] == "学生2")

        let bad = try await d.request(.post, "/api/v1/students/import", rawBody: Data((Self.header + "\nY1,甲,123,男,a,b,c,本科,2026\n").utf8), token: token)
        #expect(bad.status == 422)
        #expect(try bad.json["problems"]?.arrayValue?.first?["column"] == "C")
        try await d.stop()
    }

    @Test("CSV: quotes, commas inside quotes, a BOM, CRLF, and a tab-separated paste")
    func csvParsing() throws {
        let text = "\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",z\r\n"
        let rows = try TableReader.rows(from: Data(text.utf8))
        #expect(rows.map(\.cells) == [["a", "b"], ["x, y", "say \"hi\""], ["multi\nline", "z"]])
        #expect(rows.map(\.number) == [1, 2, 3])
        let tabbed = try TableReader.rows(from: Data("学号\t姓名\n1\t甲\n".utf8))
        #expect(tabbed.map(\.cells) == [["学号", "姓名"], ["1", "甲"]])
        #expect(throws: TableReader.Failure.self) { try TableReader.rows(from: Data([0xB0, 0xA1, 0x2C, 0x0A])) }
    }
}
