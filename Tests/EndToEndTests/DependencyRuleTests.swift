import Foundation
import Testing

@Suite("The dependency rule")
struct DependencyRuleTests {
    @Test("no file under Sources/Plugins imports Storage, CLMDB, Daemon, Hummingbird or NIO")
    func pluginsImportOnlyPluginAPI() throws {
        let root = Binaries.repository + "/Sources/Plugins"
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 5)
        let forbidden = try Regex(#"^\s*(@testable\s+)?(public\s+|internal\s+|package\s+)?import\s+(Storage|CLMDB|Daemon|Hummingbird\w*|NIO\w*)\b"#)
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                #expect(line.firstMatch(of: forbidden) == nil, "\(file): \(line)")
            }
        }
    }
}
