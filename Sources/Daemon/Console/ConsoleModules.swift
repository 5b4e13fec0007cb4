import Hummingbird
import NIOCore
import PluginAPI

/// The plugins' own page modules (``ConsoleModule``, the escape hatch), at
/// `/console/plugins/<plugin>/<page>.js`: under `/console/`, so they carry the console's policy
/// and are imported by its pages like its own files (`script-src 'self'`). The bytes are the
/// plugin's declaration in the current plugin set, so a reload serves the new ones.
enum ConsoleModules {
    static func path(plugin: PluginID, page: String) -> String { "/console/plugins/\(plugin.rawValue)/\(page).js" }

    static func add(to router: Router<APIRequestContext>, services: CoreServices) {
        // A catch-all like the console's own files: no route of the API, so not in its document.
        router.get("console/plugins/**") { request, _ in
            let parts = request.uri.path.dropFirst("/console/plugins/".count).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, case let (plugin, file) = (String(parts[0]), String(parts[1])), file.hasSuffix(".js"),
                  let loaded = services.host.current.plugins.first(where: { $0.id.rawValue == plugin }),
                  let module = loaded.consolePages.first(where: { "\($0.id).js" == file })?.module
            else { throw APIError.notFound }
            return try ConsoleFiles.serve(request, ConsoleAssets.asset(Array(module.source.utf8), path: file))
        }
    }
}
