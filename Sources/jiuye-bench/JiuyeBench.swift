import ArgumentParser
import CXLSXWriter
import Daemon
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

    @Option(help: "How many graduation years.") var cohorts = 3

    var registry: SyntheticRegistry { SyntheticRegistry(colleges: colleges, cohorts: cohorts) }

    func run() throws {
        if output.hasSuffix(".xlsx") {
            let workbook = workbook_new(output)
            let sheet = workbook_add_worksheet(workbook, "学生名单")
            for (c, h) in SyntheticRegistry.header.enumerated() { worksheet_write_string(sheet, 0, lxw_col_t(c), h, nil) }
            for i in 0..<rows {
                for (c, v) in registry.row(i).enumerated() { worksheet_write_string(sheet, lxw_row_t(i + 1), lxw_col_t(c), v, nil) }
            }
            guard workbook_close(workbook) == LXW_NO_ERROR else { throw ValidationError("cannot write \(output)") }
        } else {
            try registry.csv(students: rows).write(to: URL(fileURLWithPath: output))
        }
    }
}
