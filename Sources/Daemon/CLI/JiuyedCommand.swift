import ArgumentParser
import Foundation
import Logging
import PluginAPI
import Plugins

/// The `jiuyed` command line (`serve`, `check`), for the binary this repository builds and for a
/// school's own: a package that depends on jiuye, adds its plugins and builds its `jiuyed` with a
/// `main.swift` of one line (see `Examples/RecommendationForm` and docs/plugins.md).
///
/// ```swift
/// import Daemon
/// import RecommendationForm
///
/// await JiuyedCommand.main(plugins: [RecommendationFormPlugin.self])
/// ```
public enum JiuyedCommand {
    /// Parses the process's arguments and runs `jiuyed serve` or `jiuyed check`; exits with
    /// the command's status.
    /// - Parameters:
    ///   - plugins: plugin types offered besides the built-in ones; `plugins.yaml` says which run.
    ///   - builtins: the built-in plugin types to offer (pass `[]` for none).
    public static func main(plugins: [any Plugin.Type], builtins: [any Plugin.Type] = BuiltinPlugins.all) async {
        await $catalog.withValue(PluginCatalog(builtins + plugins)) {
            await Root.main()
        }
    }

    /// The plugin types the command was given, for the subcommand ArgumentParser creates.
    @TaskLocal static var catalog: PluginCatalog = PluginCatalog(BuiltinPlugins.all)
}

extension JiuyedCommand {
    /// `jiuyed`: `serve` (the default) and `check`.
    struct Root: AsyncParsableCommand {
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
}
