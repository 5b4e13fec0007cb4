import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// What browsers are told about every answer, about downloads, and what export files on disk allow.
@Suite("Response headers and export files")
struct ResponseHeaderTests {
    static let pdf = Data("%PDF-1.4\n".utf8 + Array(repeating: 0x20, count: 300))

    @Test("every response, answer or refusal, carries X-Content-Type-Options: nosniff")
    func nosniff() async throws {
        let d = try await Demo.start()
        let school = try await d.login("school", Demo.password)
        var answers: [(String, TestResponse)] = []
        for (name, path, token) in [("health", "/api/v1/health", nil), ("unknown", "/api/v1/nowhere", nil), ("anonymous", "/api/v1/records/source-info", nil),
                                    ("list", "/api/v1/records/source-info", school), ("metrics", "/metrics", nil), ("openapi", "/api/v1/openapi.json", nil)] {
            answers.append((name, try await d.request(.get, path, token: token)))
        }
        answers.append(("malformed", try await d.request(.post, "/api/v1/auth/login", rawBody: Data("{".utf8))))
        try await d.stop()
        for (name, r) in answers { #expect(r.headers["x-content-type-options"] == "nosniff", "\(name): \(r.status) \(r.headers)") }
    }

    @Test("materials download as attachments unless the console asks to preview a safe type inline")
    func materialDisposition() async throws {
        let d = try await Demo.start()
        #expect(try await d.admin("seed", "records", "source-info", "--count", "5").ok)
        let student = try await d.login(Demo.student, Demo.studentPassword)
        let base = "/api/v1/records/source-info/\(Demo.student)/materials"
        let png = try #require(try await d.request(.post, base + "?name=photo.png", rawBody: MaterialTests.png, token: student).json["sha256"]?.stringValue)
        let pdf = try #require(try await d.request(.post, base + "?name=letter.pdf", rawBody: Self.pdf, token: student).json["sha256"]?.stringValue)
        let plain = try await d.request(.get, base + "/\(png)", token: student)
        let previewed = try await d.request(.get, base + "/\(png)?inline=1", token: student)
        let pdfPreview = try await d.request(.get, base + "/\(pdf)?inline=1", token: student)
        let archive = try await d.request(.get, base + "/archive", token: student)
        // A PDF that acts when opened (a script, with its name written in escapes) is only ever a download.
        let acting = Data("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /Java#53cript /JS (app.alert(1)) >> >> endobj\n".utf8)
            + Data(repeating: 0x20, count: 300)
        let actingSHA = try #require(try await d.request(.post, base + "?name=act.pdf", rawBody: acting, token: student).json["sha256"]?.stringValue)
        let actingPreview = try await d.request(.get, base + "/\(actingSHA)?inline=1", token: student)
        try await d.stop()
        #expect(plain.headers["content-disposition"]?.hasPrefix("attachment;") == true)
        #expect(previewed.headers["content-disposition"] == "inline" && previewed.headers["content-type"] == "image/png")
        // A PDF previews in the browser's viewer inside the console's page only: framed by our pages, loading nothing.
        #expect(pdfPreview.headers["content-disposition"] == "inline" && pdfPreview.headers["content-type"] == "application/pdf")
        #expect(pdfPreview.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'self'")
        #expect(pdfPreview.headers["x-frame-options"] == "SAMEORIGIN")
        #expect(archive.headers["content-disposition"]?.hasPrefix("attachment;") == true)
        #expect(actingPreview.headers["content-disposition"]?.hasPrefix("attachment;") == true)
        #expect(actingPreview.headers["content-security-policy"]?.contains("sandbox") == true)
        #expect(plain.headers["x-frame-options"] == "DENY")
        #expect(plain.headers["cache-control"] == "no-store" && plain.headers["cross-origin-resource-policy"] == "same-origin")
        for r in [plain, previewed] {
            #expect(r.headers["x-content-type-options"] == "nosniff")
            #expect(r.headers["content-security-policy"]?.contains("sandbox") == true)
        }
    }

    @Test("export files are 0600 whatever the format: CSV and XLSX jobs, the admin export")
    func exportFileModes() async throws {
        let d = try await Demo.start()
        #expect(try await d.admin("seed", "records", "source-info", "--count", "5").ok)
        let school = try await d.login("school", Demo.password)
        let exports = d.directory + "/data/exports"
        // A loose umask, so a file that takes the process default shows it.
        let old = umask(0o022)
        defer { umask(old) }
        for format in ["csv", "xlsx"] {
            let id = try #require(try await d.request(.post, "/api/v1/records/source-info/export", body: ["format": .string(format)], token: school)
                .json["id"]?.stringValue)
            for _ in 0..<200 where try await d.request(.get, "/api/v1/jobs/\(id)", token: school).json["state"] == "running" {
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(try Self.mode(exports + "/\(id).\(format)") == 0o600, "\(format)")
        }
        for format in ["csv", "xlsx"] {
            let file = d.directory + "/by-admin.\(format)"
            #expect(try await d.admin("export", "source-info", file, "--format", format).ok)
            #expect(try Self.mode(file) == 0o600, "admin \(format)")
        }
        try await d.stop()
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }
}
