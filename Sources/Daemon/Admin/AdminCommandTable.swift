import AdminProtocol
import Logging
import PluginAPI

/// The verbs the socket answers: the core's, then the plugins' of the set being served.
struct AdminCommandTable: Sendable {
    let core: [AdminCommandSpec]
    let host: PluginHost
    /// Statistics over everything, for plugin verbs.
    var statistics: (any StatisticsReader)? = nil

    /// The core's verbs as words joined by a space; plugins may not take them.
    static func reserved(_ core: [AdminCommandSpec]) -> Set<String> { Set(core.map { $0.words.joined(separator: " ") }) }

    /// Every verb with the plugin that owns it (nil for the core), sorted.
    func all() -> [(plugin: PluginID?, spec: AdminCommandSpec)] {
        let plugin = host.current.adminCommands.values.map { (Optional($0.plugin), $0.spec) }
        return (core.map { (nil, $0) } + plugin).sorted { $0.1.words.lexicographicallyPrecedes($1.1.words) }
    }

    /// Finds the verb with the longest matching words and runs it.
    func run(_ words: [String], cwd: String? = nil, peer: PeerCredentials, logger: Logger,
             progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> AdminResponse {
        guard !words.isEmpty else { return .failure(.usage, "no command; try: jiuyectl help") }
        let candidates = all().filter { words.starts(with: $0.spec.words) }
        guard let (plugin, spec) = candidates.max(by: { $0.spec.words.count < $1.spec.words.count }) else {
            return .failure(.usage, "unknown command \"\(words.joined(separator: " "))\"; try: jiuyectl help")
        }
        guard let parsed = spec.parse(Array(words.dropFirst(spec.words.count))) else {
            return .failure(.usage, "an option lacks its value; usage: \(spec.words.joined(separator: " ")) \(spec.usage)")
        }
        let verb = spec.words.joined(separator: " ")
        if spec.changesState {
            logger.notice("admin command", metadata: ["command": "\(Self.redacted(words).joined(separator: " "))", "uid": "\(peer.uid)", "pid": "\(peer.pid)"])
        }
        do {
            // Opened on first use, so core verbs create no database of their own.
            let store = LazyPluginStore { try host.pluginStore(plugin ?? "core") }
            let request = AdminCommandRequest(arguments: parsed.arguments, options: parsed.options, flags: parsed.flags,
                                              peerUID: peer.uid, store: store, workingDirectory: cwd, progress: progress,
                                              statistics: statistics, tables: CoreTableFileReader(limits: .init(host.current.settings.imports)))
            return .success(try await spec.handler(request))
        } catch let failure as AdminFailure {
            return AdminResponse(ok: false, error: failure)
        } catch {
            if spec.changesState { logger.warning("admin command failed", metadata: ["command": "\(verb)", "error": "\(error)"]) }
            return .failure(.failed, "\(error)")
        }
    }
}

/// A plugin store opened on first use.
struct LazyPluginStore: PluginStore {
    let open: @Sendable () throws -> any PluginStore
    func read<R>(_ body: (any PluginTransaction) throws -> R) throws -> R { try open().read(body) }
    func write<R>(_ body: (any PluginTransaction) throws -> R) throws -> R { try open().write(body) }
    func commit<R: Sendable>(_ body: @escaping @Sendable (any PluginTransaction) throws -> R) async throws -> R { try await open().commit(body) }
}

extension AdminCommandTable {
    /// The words with secrets masked, for the log: the value of `--password` (either spelling).
    static func redacted(_ words: [String]) -> [String] {
        var out: [String] = []
        var hideNext = false
        for w in words {
            if hideNext { out.append("***"); hideNext = false; continue }
            if w == "--password" { hideNext = true; out.append(w); continue }
            out.append(w.hasPrefix("--password=") ? "--password=***" : w)
        }
        return out
    }
}
