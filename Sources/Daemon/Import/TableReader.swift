import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PluginAPI
import ZIPFoundation

/// Rows of text cells from a CSV or XLSX file, told apart by their bytes (an XLSX is a zip).
/// Row 1 is the header row; rows are numbered as a spreadsheet shows them.
struct TableReader {
    enum Failure: Error, CustomStringConvertible {
        case encoding
        case unreadableWorkbook(String)
        case empty
        /// A part of the workbook inflates past a limit (a zip bomb, or not a registry).
        case partTooLarge(part: String, why: String)
        var description: String {
            switch self {
            case .encoding: "文件不是 UTF-8 编码的 CSV，请在 Excel 中另存为“CSV UTF-8”或 XLSX"
            case .unreadableWorkbook(let why): "无法读取 XLSX 文件：\(why)"
            case .empty: "文件为空"
            case .partTooLarge(let part, let why): "XLSX 文件中的 \(part) \(why)，已拒绝（疑似压缩炸弹；上限见 imports 设置）"
            }
        }
    }

    /// How far one part of an XLSX may inflate. An XLSX is a zip: 1 MB can inflate to 1 GB.
    struct Limits: Sendable {
        /// Bytes one part may inflate to.
        var maxPartBytes: Int
        /// Inflated size over compressed size.
        var maxRatio: Int

        init(maxPartBytes: Int = ImportSettings().maxPartMiB << 20, maxRatio: Int = ImportSettings().maxCompressionRatio) {
            self.maxPartBytes = maxPartBytes
            self.maxRatio = maxRatio
        }

        init(_ settings: ImportSettings) {
            self.init(maxPartBytes: settings.maxPartMiB << 20, maxRatio: settings.maxCompressionRatio)
        }
    }

    /// A row with its number in the file.
    struct Row {
        let number: Int
        let cells: [String]
    }

    /// Reads the first worksheet of an XLSX, or a CSV.
    static func rows(from data: Data, limits: Limits = Limits()) throws -> [Row] {
        guard !data.isEmpty else { throw Failure.empty }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try XLSX(data: data, limits: limits).rows() }
        return try csv(data)
    }

    /// RFC 4180 CSV: quoted fields with doubled quotes, commas or tabs inside quotes, CRLF or LF.
    /// A UTF-8 byte-order mark is skipped; the separator is a comma, or a tab when the header has no comma.
    static func csv(_ data: Data) throws -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Failure.encoding }
        let headerEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let separator: UInt8 = bytes[..<headerEnd].contains(0x2C) || !bytes[..<headerEnd].contains(0x09) ? 0x2C : 0x09
        var rows: [Row] = []
        var cells: [String] = []
        var field: [UInt8] = []
        var quoted = false, i = 0, line = 1, rowLine = 1
        func endField() {
            cells.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRow() {
            endField()
            if !(cells.count == 1 && cells[0].isEmpty) { rows.append(Row(number: rowLine, cells: cells)) }
            cells.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 1 } else { quoted = false }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
            } else if b == 0x22 && field.isEmpty {
                quoted = true
            } else if b == separator {
                endField()
            } else if b == 0x0A {
                endRow()
                line += 1
                rowLine = line
            } else if b != 0x0D {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !cells.isEmpty { endRow() }
        return rows
    }
}

/// The first worksheet of an XLSX workbook: shared strings, inline strings, numbers and booleans.
private struct XLSX {
    let archive: Archive
    let limits: TableReader.Limits

    init(data: Data, limits: TableReader.Limits) throws {
        self.limits = limits
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw TableReader.Failure.unreadableWorkbook("不是有效的 zip 文件")
        }
    }

    /// One part, inflated. The sizes the zip declares are checked before inflating anything,
    /// and the inflated bytes are counted as they come, so a part that lies about its size is
    /// stopped at what it declared.
    func entry(_ path: String) throws -> Data? {
        guard let e = archive[path] else { return nil }
        let declared = Int(clamping: e.uncompressedSize), packed = max(1, Int(clamping: e.compressedSize))
        typealias Failure = TableReader.Failure
        if declared > limits.maxPartBytes {
            throw Failure.partTooLarge(part: path, why: "解压后有 \(declared) 字节，超过上限 \(limits.maxPartBytes) 字节")
        }
        if declared / packed > limits.maxRatio {
            throw Failure.partTooLarge(part: path, why: "压缩比 \(declared / packed):1，超过上限 \(limits.maxRatio):1")
        }
        struct Overflow: Error {}
        var out = Data()
        do {
            _ = try archive.extract(e, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= declared else { throw Overflow() }
                out.append(chunk)
            }
        } catch is Overflow {
            throw Failure.partTooLarge(part: path, why: "解压后超过其声明的 \(declared) 字节")
        } catch {
            throw Failure.unreadableWorkbook("\(path) 无法解压")
        }
        return out
    }

    /// The path of the first sheet, from the workbook and its relationships.
    func firstSheetPath() throws -> String {
        guard let workbook = try entry("xl/workbook.xml") else { throw TableReader.Failure.unreadableWorkbook("缺少 xl/workbook.xml") }
        let sheets = XMLCollector(data: workbook, element: "sheet").attributes
        guard let rid = sheets.first?["r:id"] else { return "xl/worksheets/sheet1.xml" }
        if let rels = try entry("xl/_rels/workbook.xml.rels"),
           let target = XMLCollector(data: rels, element: "Relationship").attributes.first(where: { $0["Id"] == rid })?["Target"] {
            return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        return "xl/worksheets/sheet1.xml"
    }

    func rows() throws -> [TableReader.Row] {
        let shared = try entry("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        guard let sheet = try entry(try firstSheetPath()) else { throw TableReader.Failure.unreadableWorkbook("找不到第一个工作表") }
        return SheetParser.parse(sheet, shared: shared)
    }
}

/// Collects the attributes of every element with one name.
private final class XMLCollector: NSObject, XMLParserDelegate {
    let element: String
    var attributes: [[String: String]] = []
    init(data: Data, element: String) {
        self.element = element
        super.init()
        let p = XMLParser(data: data)
        p.delegate = self
        p.parse()
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if name == element { self.attributes.append(attributes) }
    }
}

/// `<si>` items, each the concatenation of its `<t>` texts (rich text has several).
private final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false

    static func parse(_ data: Data) -> [String] {
        let s = SharedStrings()
        let p = XMLParser(data: data)
        p.delegate = s
        p.parse()
        return s.strings
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if name == "si" { current = "" } else if name == "t" { inText = true }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "si" { strings.append(current) } else if name == "t" { inText = false }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

/// `<row r>` of `<c r t><v>…</v></c>` or `<c t="inlineStr"><is><t>…</t></is></c>`.
private final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [TableReader.Row] = []
    var rowNumber = 0
    var cells: [Int: String] = [:]
    var column = 0
    var type = ""
    var value = ""
    var capturing = false

    init(shared: [String]) { self.shared = shared }

    static func parse(_ data: Data, shared: [String]) -> [TableReader.Row] {
        let s = SheetParser(shared: shared)
        let p = XMLParser(data: data)
        p.delegate = s
        p.parse()
        return s.rows
    }

    /// `BC12` → 54 (0-based column).
    static func column(of ref: String) -> Int? {
        var n = 0
        var any = false
        for u in ref.utf8 {
            guard u >= 65 && u <= 90 else { break }
            n = n * 26 + Int(u - 64)
            any = true
        }
        return any ? n - 1 : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = [:]
            column = 0
        case "c":
            column = attributes["r"].flatMap(Self.column(of:)) ?? column
            type = attributes["t"] ?? "n"
            value = ""
        case "v", "t":
            capturing = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t":
            capturing = false
        case "c":
            var text = value
            if type == "s", let i = Int(value), i >= 0, i < shared.count { text = shared[i] }
            else if type == "b" { text = value == "1" ? "TRUE" : "FALSE" }
            cells[column] = text
            column += 1
        case "row":
            let width = (cells.keys.max() ?? -1) + 1
            let row = (0..<width).map { cells[$0] ?? "" }
            if row.contains(where: { !$0.isEmpty }) { rows.append(TableReader.Row(number: rowNumber, cells: row)) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { value += string }
    }
}

/// The core's reader, handed to plugins.
struct CoreTableFileReader: TableFileReader {
    var limits = TableReader.Limits()
    func rows(_ data: Data) throws -> [TableRow] {
        do {
            return try TableReader.rows(from: data, limits: limits).map { TableRow(number: $0.number, cells: $0.cells) }
        } catch let f as TableReader.Failure {
            throw PluginError.badRequest(f.description, field: nil)
        }
    }
}
