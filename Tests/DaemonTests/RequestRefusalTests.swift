import Foundation
import JiuyeTesting
import PluginAPI
import Plugins
import Testing
@testable import Daemon

/// Requests the parser or the JSON reader refuses: always a 400 in the standard error shape.
@Suite("Malformed requests")
struct RequestRefusalTests {
    @Test("a malformed chunked body answers 400 in the error shape, and nothing is logged as unhandled")
    func malformedChunkedBody() async throws {
        let logs = LogCapture()
        let d = try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}", logs: logs)
        let bodies = ["zz\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n", "-5\r\n{}\r\n0\r\n\r\n"]
        var answers: [RawHTTP.Answer] = []
        for body in bodies {
            let request = "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body
            // The server answers and closes with the request's rest unread, so the kernel may
            // reset the connection before the client reads the answer (seen once on a loaded CI
            // machine): a reset with nothing read is tried again, up to three times.
            var answer = try await RawHTTP.send(request, port: d.port)
            for _ in 0..<2 where answer.status == 0 { answer = try await RawHTTP.send(request, port: d.port) }
            answers.append(answer)
        }
        try await d.stop()
        for (body, answer) in zip(bodies, answers) {
            #expect(answer.status == 400, "\(body.debugDescription): \(answer.head)")
            let error = try? JSONDecoder().decode(JSONValue.self, from: answer.body)["error"]
            #expect(error?["code"] == "malformed_request", "\(body.debugDescription): \(String(decoding: answer.body, as: UTF8.self))")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
        }
        #expect(!logs.lines.contains { $0.contains("unhandled error") }, "\(logs.lines.filter { $0.contains("unhandled") })")
    }

    @Test("a JSON body naming a member twice is refused with 400 naming it, nested too")
    func duplicateKeys() async throws {
        let d = try await Demo.start()
        do {
            func post(_ text: String, _ path: String = "/api/v1/auth/login", token: String? = nil) async throws -> TestResponse {
                try await d.request(.post, path, rawBody: Data(text.utf8), token: token, headers: ["Content-Type": "application/json"])
            }
            let top = try await post(#"{"username": "school", "password": "x", "password": "\#(Demo.password)"}"#)
            #expect(top.status == 400 && top.errorCode == "duplicate_key")
            #expect(try top.json["error"]?["field"] == "password")
            #expect(try top.json["error"]?["message"]?.stringValue?.contains("password") == true)
            // The same name spelled with an escape is the same name.
            let escaped = try await post(#"{"username": "school", "\u0075sername": "x", "password": "y"}"#)
            #expect(try escaped.status == 400 && escaped.json["error"]?["field"] == "username")

            let token = try await d.login("school", Demo.password)
            let nested = try await post(#"{"student": "\#(Demo.student)", "values": {"a": [{"k": 1, "k": 2}]}}"#,
                                        "/api/v1/records/source-info", token: token)
            #expect(nested.status == 400 && nested.errorCode == "duplicate_key")
            #expect(try nested.json["error"]?["field"] == "values.a[0].k")
            // Equal names in different objects are not duplicates.
            let fine = try await post(#"{"query": "x", "fields": [], "q": {"query": 1}}"#, "/api/v1/records/source-info/search", token: token)
            #expect(fine.status == 200)
        } catch {
            try await d.stop()
            throw error
        }
        try await d.stop()
    }
}

/// One HTTP/1.1 exchange over a plain socket, for requests URLSession will not send.
enum RawHTTP {
    struct Answer {
        var head: String
        var body: Data
        var status: Int { Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0 }
        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Sends `text` and reads until the server closes (or 30 s pass: the whole suite in parallel is slow on two cores).
    static func send(_ text: String, port: Int) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(text, port: port) })
            }
        }
    }

    private static func exchange(_ text: String, port: Int) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        let all = Data(received)
        guard let split = all.range(of: Data("\r\n\r\n".utf8)) else { return Answer(head: String(decoding: all, as: UTF8.self), body: Data()) }
        var body = all[split.upperBound...]
        let head = String(decoding: all[..<split.lowerBound], as: UTF8.self)
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(Data(body)) }
        return Answer(head: head, body: Data(body))
    }

    private static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let line = rest.range(of: Data("\r\n".utf8)), let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = line.upperBound
            guard rest.count >= start - rest.startIndex + size else { break }
            out += rest[start..<start + size]
            rest = rest[(start + size + 2)...]
        }
        return out
    }
}
