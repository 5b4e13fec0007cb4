import Foundation
import JiuyeTesting
import PluginAPI
import Testing
import ZIPFoundation
@testable import Daemon

/// An XLSX is a zip: a small upload may inflate to gigabytes. Each part is held to a size and a
/// ratio before it is inflated.
@Suite("Zip bombs", .serialized)
struct ZipBombTests {
    /// A real XLSX whose first sheet inflates to `sheetBytes` of highly compressible XML.
    static func bomb(sheetBytes: Int64) throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        try add("xl/workbook.xml", #"<?xml version="1.0"?><workbook><sheets><sheet name="学生" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0"?><Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#)
        let head = Data(#"<?xml version="1.0"?><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>"#.utf8)
        let filler = Data(repeating: UInt8(ascii: "A"), count: 1 << 20)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: sheetBytes,
                             compressionMethod: .deflate, bufferSize: 1 << 20) { position, size in
            // The XML head, then one endless cell of "A" (never closed: nothing should parse it).
            if position < Int64(head.count) { return head.subdata(in: Int(position)..<min(head.count, Int(position) + size)) }
            return filler.prefix(size)
        }
        return try #require(archive.data)
    }

    /// Peak resident memory of this process since the last reset, bytes.
    static func peakRSS() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Sets the peak back to the current size (Linux: `echo 5 > /proc/self/clear_refs`).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    @Test("a 1 MB XLSX inflating to 1 GB is refused on both import routes, naming the part, in under 200 MB")
    func bothRoutes() async throws {
        let file = try Self.bomb(sheetBytes: 1 << 30)
        #expect(file.count < 2 << 20, "the bomb is \(file.count) bytes")
        let d = try await Demo.start()
        let school = try await d.login("school", Demo.password)

        Self.resetPeak()
        let base = Self.peakRSS()
        let http = try await d.request(.post, "/api/v1/students/import", rawBody: file, token: school,
                                       headers: ["Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
        #expect(http.status == 400 && http.errorCode == "unreadable_file")
        let message = try http.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("xl/worksheets/sheet1.xml"), "\(message)")
        #expect(Self.peakRSS() - base < 200 << 20, "HTTP import grew memory by \((Self.peakRSS() - base) >> 20) MB")

        let path = d.directory + "/bomb.xlsx"
        try file.write(to: URL(fileURLWithPath: path))
        Self.resetPeak()
        let admin = try await d.admin("import", "students", path)
        #expect(!admin.ok)
        #expect(admin.error?.message.contains("xl/worksheets/sheet1.xml") == true, "\(admin.error?.message ?? "")")
        #expect(Self.peakRSS() - base < 200 << 20, "admin import grew memory by \((Self.peakRSS() - base) >> 20) MB")
        try await d.stop()
    }

    @Test("a part that declares a small size but inflates past it is stopped at what it declared")
    func lyingPart() throws {
        var file = try Self.bomb(sheetBytes: 64 << 20)
        // Rewrite the sheet's declared uncompressed size to 1 KiB where the local header and the
        // central directory give it (the name follows each at a fixed offset).
        let name = Data("xl/worksheets/sheet1.xml".utf8)
        let small = withUnsafeBytes(of: UInt32(1024).littleEndian) { Data($0) }
        var patched = 0
        var at = file.startIndex
        while let r = file.range(of: name, in: at..<file.endIndex) {
            at = r.upperBound
            for (signature, nameOffset, sizeOffset) in [(Data([0x50, 0x4B, 3, 4]), 30, 22), (Data([0x50, 0x4B, 1, 2]), 46, 24)] {
                let header = r.lowerBound - nameOffset
                guard header >= 0, file[header..<header + 4] == signature else { continue }
                file.replaceSubrange(header + sizeOffset..<header + sizeOffset + 4, with: small)
                patched += 1
            }
        }
        #expect(patched == 2)
        #expect(throws: TableReader.Failure.self) { try TableReader.rows(from: file) }
        do { _ = try TableReader.rows(from: file) } catch let f as TableReader.Failure {
            #expect(f.description.contains("xl/worksheets/sheet1.xml"))
        }
    }

    @Test("the limits come from plugins.yaml, checked strictly")
    func settings() async throws {
        let file = try Self.bomb(sheetBytes: 8 << 20)
        // 8 MiB at a high ratio passes the defaults' size but not a 4 MiB cap.
        let d = try await Demo.start("imports: {maxPartMiB: 4, maxCompressionRatio: 2000}")
        let school = try await d.login("school", Demo.password)
        let r = try await d.request(.post, "/api/v1/students/import", rawBody: file, token: school)
        #expect(r.status == 400)
        #expect(try r.json["error"]?["message"]?.stringValue?.contains("超过上限 4194304 字节") == true)
        try await d.stop()
        await #expect(throws: (any Error).self) { _ = try await Demo.start("imports: {maxPartMiB: 0}") }
        await #expect(throws: (any Error).self) { _ = try await Demo.start("imports: {maxPartBytes: 5}") }
    }
}
