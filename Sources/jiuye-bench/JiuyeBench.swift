import ArgumentParser
import CXLSXWriter
import Foundation
import PluginAPI

/// Generates realistic input for the benchmarks in `bench/`.
@main
struct JiuyeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jiuye-bench",
        abstract: "Generate benchmark data for jiuye (see bench/).",
        subcommands: [Students.self])
}

struct Students: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a registry export of N students (valid ID numbers) as CSV or XLSX, by the file's extension.")

    @Option(help: "How many students.") var rows = 100_000
    @Option(help: "How many colleges; each has 4 majors of 5 classes.") var colleges = 20
    @Argument(help: "The output file, .csv or .xlsx.") var output: String

    static let header = ["学号", "姓名", "身份证号", "性别", "院系", "专业", "班级", "学历层次", "毕业年份"]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧")
    static let given = Array("伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚桂英华玉兰")

    func row(_ i: Int) -> [String] {
        let cohort = 2026 + i % 3
        let college = i % colleges, major = (i / colleges) % 4, klass = (i / (colleges * 4)) % 5
        let male = i % 2 == 0
        let first17 = "3301062004\(String(format: "%02d%02d", 1 + i % 12, 1 + i % 28))\(String(format: "%02d", (i / 5) % 100))\(male ? 1 : 2)"
        let id = first17 + String(IDNumber.checkCharacter(for: first17)!)
        let name = String(Self.surnames[i % Self.surnames.count]) + String(Self.given[(i / 7) % Self.given.count]) + String(Self.given[(i / 3) % Self.given.count])
        return [String(format: "%d%07d", cohort - 4, i), name, id, male ? "男" : "女", "第\(college + 1)学院", "专业\(college + 1)-\(major + 1)",
                "班\(college + 1)-\(major + 1)-\(klass + 1)-\(cohort % 100)", "本科生毕业", "\(cohort)"]
    }

    func run() throws {
        if output.hasSuffix(".xlsx") {
            let workbook = workbook_new(output)
            let sheet = workbook_add_worksheet(workbook, "学生名单")
            for (c, h) in Self.header.enumerated() { worksheet_write_string(sheet, 0, lxw_col_t(c), h, nil) }
            for i in 0..<rows {
                for (c, v) in row(i).enumerated() { worksheet_write_string(sheet, lxw_row_t(i + 1), lxw_col_t(c), v, nil) }
            }
            guard workbook_close(workbook) == LXW_NO_ERROR else { throw ValidationError("cannot write \(output)") }
        } else {
            var text = Self.header.joined(separator: ",") + "\n"
            text.reserveCapacity(rows * 90)
            for i in 0..<rows { text += row(i).joined(separator: ",") + "\n" }
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        }
    }
}
