import ArgumentParser
import Foundation

extension JiuyedCommand {
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
                let set = try Daemon.check(configPath: config, catalog: JiuyedCommand.catalog)
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
}
