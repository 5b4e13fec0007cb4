/// A command given to the daemon over the admin socket, already split into verb and arguments.
public struct AdminCommandRequest: Sendable {
    /// Positional arguments after the verb words.
    public var arguments: [String]
    /// `--name value` and `--name=value` options.
    public var options: [String: String]
    /// `--flag` options without a value.
    public var flags: Set<String>
    /// The peer's uid (from `SO_PEERCRED`).
    public var peerUID: UInt32
    /// The plugin's data, through the core.
    public var store: any PluginStore
    /// The client's working directory, for relative paths.
    public var workingDirectory: String?
    /// Reports progress of a long command to the client (shown as a progress bar).
    public var progress: @Sendable (_ done: Int, _ total: Int) -> Void
    /// Live statistics over everything (the admin socket has no scope).
    public var statistics: (any StatisticsReader)?
    /// Reads CSV and XLSX files the way the core's imports do.
    public var tables: (any TableFileReader)?

    /// Created by the core for each command it runs.
    public init(arguments: [String], options: [String: String], flags: Set<String>, peerUID: UInt32, store: any PluginStore,
                workingDirectory: String? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                statistics: (any StatisticsReader)? = nil, tables: (any TableFileReader)? = nil) {
        self.statistics = statistics
        self.tables = tables
        self.arguments = arguments
        self.options = options
        self.flags = flags
        self.peerUID = peerUID
        self.store = store
        self.workingDirectory = workingDirectory
        self.progress = progress
    }

    /// `path` made absolute against the client's working directory.
    public func resolvePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), let cwd = workingDirectory else { return path }
        return cwd + "/" + path
    }
}

/// A reply: data for `--json`, and a table or a message for people.
public struct AdminReply: Sendable, Codable, Equatable {
    /// The machine-readable result.
    public var result: JSONValue
    /// Column headers, when the result reads best as a table.
    public var columns: [String]?
    /// Table rows, as text cells.
    public var rows: [[String]]?
    /// One line for people, when no table fits.
    public var message: String?

    /// A reply with a result for scripts and, for people, a table or a message.
    public init(result: JSONValue = .null, columns: [String]? = nil, rows: [[String]]? = nil, message: String? = nil) {
        self.result = result
        self.columns = columns
        self.rows = rows
        self.message = message
    }
}

/// An extra `jiuyectl` verb a plugin adds, e.g. `outbox list`.
public struct AdminCommandSpec: Sendable {
    /// The verb as words, e.g. `["numbers", "import"]`.
    public var words: [String]
    /// Arguments to show in help, e.g. `FILE [--skip-invalid]`.
    public var usage: String
    /// One line for `jiuyectl help`.
    public var summary: String
    /// Whether it changes something; such commands are logged with the peer uid and pid.
    public var changesState: Bool
    /// Options that take a value as the next word (`--cohort 2026`); `--name=value` always works.
    public var valueOptions: Set<String>
    /// The handler.
    public var handler: @Sendable (AdminCommandRequest) async throws -> AdminReply

    /// Declares a verb; see the properties for each parameter.
    public init(
        words: [String], usage: String = "", summary: String, changesState: Bool, valueOptions: Set<String> = [],
        handler: @escaping @Sendable (AdminCommandRequest) async throws -> AdminReply
    ) {
        self.words = words
        self.usage = usage
        self.summary = summary
        self.changesState = changesState
        self.valueOptions = valueOptions
        self.handler = handler
    }

    /// Splits the words after the verb into arguments, options and flags.
    /// - Returns: nil with a message when an option lacks its value.
    public func parse(_ rest: [String]) -> (arguments: [String], options: [String: String], flags: Set<String>)? {
        var arguments: [String] = [], options: [String: String] = [:], flags = Set<String>()
        var i = 0
        while i < rest.count {
            let w = rest[i]
            if w == "--" {
                arguments += rest[(i + 1)...]
                break
            } else if w.hasPrefix("--"), w.count > 2 {
                let body = w.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    options[String(body[..<eq])] = String(body[body.index(after: eq)...])
                } else if valueOptions.contains(String(body)) {
                    guard i + 1 < rest.count else { return nil }
                    options[String(body)] = rest[i + 1]
                    i += 1
                } else {
                    flags.insert(String(body))
                }
            } else {
                arguments.append(w)
            }
            i += 1
        }
        return (arguments, options, flags)
    }
}
