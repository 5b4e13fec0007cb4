import Foundation
import Testing

/// docs/plugins.md walks through Examples/RecommendationForm by showing its files; a fenced block
/// whose info string names a file (```` ```swift Examples/…/Package.swift ````) must be that
/// file as the build compiles it, and every file of the example must be shown.
@Suite("docs/plugins.md shows the example package as it builds")
struct ExampleDocsTests {
    static let example = "Examples/RecommendationForm"

    /// The fenced blocks tagged with a path: path → text.
    static func taggedBlocks(_ markdown: String) -> [String: String] {
        var blocks: [String: String] = [:]
        var inBlock = false
        var current: (path: String, lines: [String])?   // nil in an untagged block
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if inBlock, let block = current { blocks[block.path] = block.lines.joined(separator: "\n") + "\n" }
                let words = line.dropFirst(3).split(separator: " ")
                current = !inBlock && words.count >= 2 ? (String(words[1]), []) : nil
                inBlock.toggle()
            } else if inBlock {
                current?.lines.append(line)
            }
        }
        return blocks
    }

    /// The example's files that a reader writes: sources, manifest, configuration.
    static func exampleFiles() throws -> [String] {
        let walk = try #require(FileManager.default.enumerator(atPath: Binaries.repository + "/" + example))
        var files: [String] = []
        while let path = walk.nextObject() as? String {
            // What the build and a run leave behind (git ignores them too).
            if [".build", ".swiftpm", "data"].contains(path) { walk.skipDescendants() }
            if path.hasSuffix(".swift") || path.hasSuffix(".yaml") { files.append(example + "/" + path) }
        }
        return files.sorted()
    }

    @Test("every tagged block is its file, and every file of the example is shown")
    func blocksMatchFiles() throws {
        let blocks = Self.taggedBlocks(try String(contentsOfFile: Binaries.repository + "/docs/plugins.md", encoding: .utf8))
        let files = try Self.exampleFiles()
        #expect(files.count >= 5, "the manifest, plugins.yaml, the plugin, main.swift and the test")
        #expect(Set(blocks.keys) == Set(files), "shown in docs/plugins.md vs present under \(Self.example)")
        for (path, text) in blocks {
            let file = try String(contentsOfFile: Binaries.repository + "/" + path, encoding: .utf8)
            #expect(text == file, "docs/plugins.md's block for \(path) differs from the file")
        }
    }

    @Test("the extraction finds tagged blocks and skips untagged ones")
    func extraction() {
        let markdown = "text\n```swift\nlet untagged = 1\n```\n```swift A/b.swift\nlet a = 1\n\nlet b = 2\n```\n```yaml A/c.yaml\nk: v\n```\n"
        #expect(Self.taggedBlocks(markdown) == ["A/b.swift": "let a = 1\n\nlet b = 2\n", "A/c.yaml": "k: v\n"])
    }
}
