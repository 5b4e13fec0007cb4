import Foundation
import Testing

/// One scoped view of records, read from the sources: the caller's scope is read only under
/// `Sources/Daemon/Scope/`, the queries over records are built only there, and the core's own
/// door (`ScopedRecords.system`, `Caller.system`) is opened only where DESIGN.md says.
@Suite("One scoped view of records")
struct ScopeRuleTests {
    static let daemon = Binaries.repository + "/Sources/Daemon"

    /// Every Swift file under Sources/Daemon outside Scope/, with its lines (comments dropped).
    static func files() throws -> [(path: String, lines: [Substring])] {
        let all = try #require(FileManager.default.enumerator(atPath: daemon)).compactMap { $0 as? String }
        return try all.filter { $0.hasSuffix(".swift") && !$0.hasPrefix("Scope/") }.sorted().map { path in
            let text = try String(contentsOfFile: daemon + "/" + path, encoding: .utf8)
            return (path, text.split(separator: "\n").map { line in line.firstRange(of: "//").map { line[..<$0.lowerBound] } ?? line[...] })
        }
    }

    /// `path:line` of each line outside Scope/ matching `pattern`, except in `allowed` files (a
    /// path ending in `/` allows a whole folder).
    static func offenders(_ pattern: String, allowed: Set<String> = []) throws -> [String] {
        let regex = try Regex(pattern)
        func isAllowed(_ path: String) -> Bool { allowed.contains { $0 == path || ($0.hasSuffix("/") && path.hasPrefix($0)) } }
        return try files().filter { !isAllowed($0.path) }.flatMap { file in
            file.lines.enumerated().filter { $0.element.contains(regex) }.map { "\(file.path):\($0.offset + 1)" }
        }
    }

    @Test("nothing outside Scope/ reads a scope's members")
    func scopeIsRead() throws {
        #expect(try Self.offenders(#"\bscope\.(all|colleges|classes|students|employers|unrestricted|contains)\b"#) == [])
        #expect(try Self.offenders(#"\.scope\b"#) == [])
    }

    @Test("record lists, statistics, exports and student lists are built only by the scoped view")
    func queriesComeFromTheView() throws {
        // `.init` on these types outside Scope/ would take a scope of its own choosing.
        #expect(try Self.offenders(#"\b(RecordQuery|StatsQuery|RecordExport|ScopedDirectory)\((kind|counters|store|records):"#) == [])
    }

    @Test("the core's own door is opened only by hooks, the admin socket and the metrics exporter")
    func systemDoor() throws {
        let doors = #"ScopedRecords\.system|records: \.system|Caller\.system|\?\? \.system\(\)|\bScope\.everything|\.everything\b"#
        #expect(try Self.offenders(doors, allowed: [
            "HTTP/CoreServices.swift",          // where Caller.system is defined
            "Host/RecordAccessProvider.swift",  // plugins' `systemRecords` and event hooks
            "Host/Daemon.swift",                // the admin socket's statistics
            "Admin/",                           // the admin socket's exports and counts
            "Metrics/DaemonMetrics.swift",      // totals for Prometheus
        ]) == [])
    }
}
