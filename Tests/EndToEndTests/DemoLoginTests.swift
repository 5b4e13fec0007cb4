import Foundation
import Testing

@Suite("The README's demo")
struct DemoLoginTests {
    /// The `| who | `username` | `password` |` rows of the README's demo table.
    static func readmeLogins() throws -> [(String, String)] {
        let readme = try String(contentsOfFile: Binaries.repository + "/README.md", encoding: .utf8)
        let row = try Regex(#"^\|[^|]+\| `([^`]+)` \| `([^`]+)` \|$"#)
        return readme.split(separator: "\n").compactMap { line in
            guard let m = try? row.wholeMatch(in: String(line)) else { return nil }
            return (String(m.output[1].substring!), String(m.output[2].substring!))
        }
    }

    @Test("every demo login in the README works on a daemon started with --demo")
    func logins() throws {
        let logins = try Self.readmeLogins()
        #expect(logins.count == 5)
        let d = try ServedDaemon(demo: true)
        for (user, password) in logins {
            let r = try d.post("/api/v1/auth/login", json: #"{"username":"\#(user)","password":"\#(password)"}"#)
            #expect(r.status == 200, "\(user): \(r.body)")
            #expect(r.body.contains("\"token\""))
        }
        // The demo is seeded once: a restart on the same data adds nothing.
        #expect(d.logText.contains("seeded the demo institution"))
    }
}
