import AdminProtocol
import ArgumentParser
import Foundation

@main
struct Jiuyectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jiuyectl",
        abstract: "Drive a running jiuyed over its admin socket.",
        discussion: """
            Commands read "noun verb", for example:
              jiuyectl status
              jiuyectl plugin list
              jiuyectl plugin reload
              jiuyectl db stats
              jiuyectl db backup /var/backups/jiuye/2026-11-29
              jiuyectl db reader-check
              jiuyectl import students registry.xlsx [--skip-invalid]
              jiuyectl user add counselor1 --name 王老师 --role counselor --classes 软件2201 --password ...
              jiuyectl user reset-password|unbind-wechat|unlock ID
              jiuyectl help            (every command the daemon knows, plugins' included)

            Exit codes: 0 done; 1 the command failed; 2 usage; 3 jiuyed is not running;
            4 permission denied; 5 timed out; 6 unreadable reply.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The admin socket (default $JIUYE_SOCKET or ./data/admin.sock).", valueName: "PATH"))
    var socket: String = ProcessInfo.processInfo.environment["JIUYE_SOCKET"] ?? "./data/admin.sock"

    @Flag(name: .long, help: "Print the result as JSON, for scripts.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the reply.", valueName: "SECONDS"))
    var timeout: Double = 30

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The command and its arguments.", valueName: "COMMAND"))
    var words: [String] = []

    func run() throws {
        guard !words.isEmpty else { throw CleanExit.helpRequest(self) }
        let client = AdminClient(path: socket, timeout: timeout)
        let response: AdminResponse
        do {
            let bar = ProgressBar()
            response = try client.send(words) { bar.show($0) }
            bar.finish()
        } catch let failure as AdminClient.Failure {
            fail(failure.description, code: exitCode(failure))
        }
        guard response.ok, let reply = response.reply else {
            let error = response.error ?? AdminFailure(code: .failed, message: "the daemon gave no reason")
            fail(error.message, code: exitCode(error.code))
        }
        if json {
            let data = (try? reply.result.jsonData(pretty: true)) ?? Data("null".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else if let columns = reply.columns, let rows = reply.rows {
            print(TextTable(columns: columns, rows: rows).rendered, terminator: "")
            if let message = reply.message { print(message) }
        } else if let message = reply.message {
            print(message)
        } else {
            print(String(decoding: (try? reply.result.jsonData(pretty: true)) ?? Data(), as: UTF8.self))
        }
    }

    private func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("jiuyectl: \(message)\n".utf8))
        Foundation.exit(code)
    }

    private func exitCode(_ failure: AdminClient.Failure) -> Int32 {
        switch failure {
        case .notRunning: 3
        case .permissionDenied: 4
        case .timedOut: 5
        case .protocolError: 6
        }
    }

    private func exitCode(_ code: AdminFailure.Code) -> Int32 {
        switch code {
        case .failed: 1
        case .usage, .badRequest: 2
        case .forbidden: 4
        }
    }
}
