import CXLSXWriter
import Foundation
import PluginAPI

/// Writes rows to a file as they come, so an export of 100 000 records keeps memory flat.
protocol ExportWriter {
    mutating func write(_ row: [String]) throws
    mutating func finish() throws
}

/// A cell that a spreadsheet would run as a formula is made inert with a leading apostrophe.
func neutralised(_ cell: String) -> String {
    guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
    return "'" + cell
}

/// Creates (or empties) `path` readable by the daemon's user only: exports hold personal data,
/// whatever their format. Writers then fill the file in place, keeping its mode.
func createPrivateFile(_ path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
        throw ExportFailure.cannotWrite(path)
    }
    // createFile keeps the mode of a file that was there already.
    guard chmod(path, 0o600) == 0 else { throw ExportFailure.cannotWrite(path) }
}

/// CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
struct CSVExportWriter: ExportWriter {
    let handle: FileHandle
    var buffer: [UInt8] = [0xEF, 0xBB, 0xBF]

    init(path: String) throws {
        try createPrivateFile(path)
        guard let h = FileHandle(forWritingAtPath: path) else { throw ExportFailure.cannotWrite(path) }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ row: [String]) throws {
        for (i, raw) in row.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            let cell = neutralised(raw)
            if cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                for b in cell.utf8 { if b == 0x22 { buffer.append(0x22) }; buffer.append(b) }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: cell.utf8)
            }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
        if buffer.count > 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws {
        try flush()
        try handle.close()
    }
}

/// XLSX through libxlsxwriter in constant-memory mode: rows go to disk as they are written.
struct XLSXExportWriter: ExportWriter {
    let workbook: UnsafeMutablePointer<lxw_workbook>
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    var row: lxw_row_t = 0
    let path: String

    init(path: String, sheetName: String) throws {
        // libxlsxwriter opens the file with the process umask: create it private first, it writes in place.
        try createPrivateFile(path)
        self.path = path
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        options.use_zip64 = UInt8(LXW_TRUE.rawValue)
        guard let wb = workbook_new_opt(path, &options), let ws = workbook_add_worksheet(wb, String(sheetName.prefix(31))) else {
            throw ExportFailure.cannotWrite(path)
        }
        workbook = wb
        sheet = ws
    }

    mutating func write(_ cells: [String]) throws {
        for (c, cell) in cells.enumerated() where !cell.isEmpty {
            // Strings stay strings: nothing in a cell is ever evaluated.
            worksheet_write_string(sheet, row, lxw_col_t(c), neutralised(cell), nil)
        }
        row += 1
    }

    mutating func finish() throws {
        let rc = workbook_close(workbook)
        guard rc == LXW_NO_ERROR else { throw ExportFailure.xlsx(String(cString: lxw_strerror(rc))) }
        // Should the library have replaced the file rather than written into it.
        guard chmod(path, 0o600) == 0 else { throw ExportFailure.cannotWrite(path) }
    }
}

enum ExportFailure: Error, CustomStringConvertible, APIErrorConvertible {
    case cannotWrite(String)
    case xlsx(String)
    case unknownField(String)
    case badFormat(String)
    case unknownPreset(String)

    var description: String {
        switch self {
        case .cannotWrite(let p): "cannot write \(p)"
        case .xlsx(let m): "XLSX: \(m)"
        case .unknownField(let f): "没有字段 \(f)"
        case .badFormat(let f): "导出格式只能是 csv 或 xlsx，不是 \(f)"
        case .unknownPreset(let p): "没有导出方案 \(p)（可选 national 国家库、school 学校）"
        }
    }

    var apiError: APIError {
        switch self {
        case .unknownPreset: APIError(.badRequest, code: .unknownPreset, message: description, field: "preset")
        case .unknownField: APIError(.badRequest, code: .badExport, message: description, field: "fields")
        default: APIError(.badRequest, code: .badExport, message: description)
        }
    }
}
