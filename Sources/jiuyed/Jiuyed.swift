import ArgumentParser
import Daemon
import Foundation
import Logging
import Plugins

@main
struct Jiuyed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jiuyed",
        abstract: "jiuye 就业 — the graduate-employment back office daemon.",
        discussion: """
            One long-running process over one LMDB environment. Which plugins run, with which \
            fields and review stages, is declared in plugins.yaml. Clients use the JSON HTTP API \
            under /api/v1 (its OpenAPI document is /api/v1/openapi.json); admins use jiuyectl \
            over the admin socket.

            Start with the demo configuration:
              jiuyed serve --config plugins.yaml --data ./data
            Check a configuration before deploying it (like nginx -t):
              jiuyed check --config /etc/jiuye/plugins.yaml
            """,
        version: JiuyeVersion.current,
        subcommands: [Serve.self, Check.self],
        defaultSubcommand: Serve.self
    )
}

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

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    func run() async throws {
        let (host, port) = try parseListen(listen)
        let logger = makeLogger(logLevel)
        let options = DaemonOptions(configPath: config, dataDirectory: data, host: host, port: port, socketPath: socket,
                                    catalog: PluginCatalog(BuiltinPlugins.all), seedDemo: demo)
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
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the configuration and exit 0 when it is good, 1 with every error when not.")

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var config = "plugins.yaml"

    @Option(name: .long, help: ArgumentHelp("Also say what this configuration would do to the records in this data directory (read only).",
                                            valueName: "DIR"))
    var data: String?

    func run() throws {
        do {
            let set = try Daemon.check(configPath: config, catalog: PluginCatalog(BuiltinPlugins.all))
            print("\(config): ok — plugins in start order: \(set.pluginIDs.map(\.rawValue).joined(separator: ", "))")
            if let data {
                let changes = try Daemon.plannedRecordChanges(set, dataDirectory: data)
                print(changes.isEmpty ? "\(data): no stored record changes" : "\(data): at the next start or reload —")
                for line in changes { print("  " + line) }
            }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

func makeLogger(_ level: String) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
    }
    return Logger(label: "jiuyed")
}
