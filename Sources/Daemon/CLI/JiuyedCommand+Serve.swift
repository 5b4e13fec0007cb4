import ArgumentParser
import Foundation
import Logging

extension JiuyedCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon until SIGTERM or SIGINT.",
            discussion: "The HTTP API listens on --listen; the admin socket (for jiuyectl) is created at --socket with mode 0600 unless plugins.yaml says otherwise.")

        @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "FILE"))
        var config = "plugins.yaml"

        @Option(name: .long, help: ArgumentHelp("The data directory; the LMDB environment lives in DIR/db.", valueName: "DIR"))
        var data = "./data"

        @Option(name: .long, help: ArgumentHelp("Where the HTTP API listens.", valueName: "HOST:PORT"))
        var listen = "127.0.0.1:8080"

        @Option(name: .long, help: ArgumentHelp("The admin socket (default DIR/admin.sock).", valueName: "PATH"))
        var socket: String?

        @Flag(name: .long, help: "Seed the demo institution (示例大学) when the data directory is empty.")
        var demo = false

        @Option(name: .customLong("console-dir"), help: ArgumentHelp("Serve the web console from DIR instead of the copy built in (while editing it).", valueName: "DIR"))
        var consoleDirectory: String?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

        func run() async throws {
            MemoryTuning.keepLargeBlocks()
            let (host, port) = try parseListen(listen)
            let logger = Self.makeLogger(logLevel)
            let options = DaemonOptions(configPath: config, dataDirectory: data, host: host, port: port, socketPath: socket,
                                        catalog: JiuyedCommand.catalog, seedDemo: demo, consoleDirectory: consoleDirectory)
            let daemon: Daemon
            do {
                daemon = try Daemon(options: options, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("jiuyed: \(error)\n".utf8))
                throw ExitCode(1)
            }
            do {
                try await daemon.run { endpoints in
                    logger.notice("jiuyed ready", metadata: ["http": "\(host):\(endpoints.port)", "socket": "\(endpoints.socketPath)"])
                }
            } catch {
                FileHandle.standardError.write(Data("jiuyed: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }

        private func parseListen(_ text: String) throws -> (String, Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                throw ValidationError("--listen expects HOST:PORT, e.g. 127.0.0.1:8080")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host.isEmpty ? "127.0.0.1" : host, port)
        }

        /// A logger to stderr at `level` for every label.
        static func makeLogger(_ level: String) -> Logger {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = Logger.Level(rawValue: level) ?? .info
                return handler
            }
            return Logger(label: "jiuyed")
        }
    }
}
