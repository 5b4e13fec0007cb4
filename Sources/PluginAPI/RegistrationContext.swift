/// Collects what a plugin declares in ``Plugin/register(into:)``. The host validates it all
/// (unique ids, sound workflows, known code tables, hooks with a source) before anything runs.
public final class RegistrationContext {
    /// The registering plugin's id.
    public let pluginID: PluginID
    /// Code tables visible to this plugin: the built-in ones plus those already declared.
    public private(set) var codeTables: [String: CodeTable]

    /// Record kinds declared so far.
    public private(set) var kinds: [RecordKindSpec] = []
    /// Routes declared so far.
    public private(set) var routes: [RouteSpec] = []
    /// Admin verbs declared so far.
    public private(set) var adminCommands: [AdminCommandSpec] = []
    /// Events this plugin emits.
    public private(set) var emittedEvents: [EventSpec] = []
    /// Hooks on other plugins' events.
    public private(set) var hooks: [EventHook] = []
    /// Data migrations.
    public private(set) var migrations: [PluginMigration] = []
    /// Code tables this plugin adds.
    public private(set) var addedCodeTables: [CodeTable] = []
    /// Console pages this plugin adds.
    public private(set) var consolePages: [ConsolePage] = []
    /// Links and buttons this plugin adds to its kinds' console screens.
    public private(set) var consoleLinks: [ConsoleLink] = []

    /// Created by the host for each plugin.
    public init(pluginID: PluginID, codeTables: [String: CodeTable] = CodeTable.builtin) {
        self.pluginID = pluginID
        self.codeTables = codeTables
    }

    /// Declares a record kind with its fields and how its records move through states.
    public func recordKind(_ kind: RecordKindSpec) {
        kinds.append(kind)
    }

    /// Declares a code table of the plugin's own (e.g. reject reasons, countries).
    public func codeTable(_ table: CodeTable) {
        addedCodeTables.append(table)
        codeTables[table.id] = table
    }

    /// Adds a page to the web console, drawn from one of this plugin's `GET` routes.
    public func consolePage(_ page: ConsolePage) {
        consolePages.append(page)
    }

    /// Adds a link or button to the console's screens of one of this plugin's kinds: a record's
    /// page (e.g. the print page of an agreement) or above the kind's list (e.g. an import).
    public func consoleLink(_ link: ConsoleLink) {
        consoleLinks.append(link)
    }

    /// Declares a route under `/api/v1/<plugin id>/`.
    public func route(_ route: RouteSpec) {
        routes.append(route)
    }

    /// Declares a typed route: the body is decoded as `Input`, the answer encoded from `Output`,
    /// and both shapes go into the OpenAPI document.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the path under the plugin's prefix, with `:name` parameters.
    ///   - roles: the roles allowed to call it.
    ///   - summary: one line for the document.
    ///   - handler: receives the request and the decoded input.
    public func route<Input: Decodable & SchemaDescribing, Output: Encodable & SchemaDescribing>(
        _ method: HTTPMethod, _ path: String, roles: Set<Role>, summary: LocalizedText,
        input: Input.Type, output: Output.Type,
        handler: @escaping @Sendable (RouteRequest, Input) async throws -> Output
    ) {
        route(RouteSpec(method: method, path: path, roles: roles, summary: summary,
                        input: Input.schema, output: Output.schema) { request in
            let value = try request.decode(Input.self)
            return try .ok(try await handler(request, value))
        })
    }

    /// Declares a typed route without a request body.
    public func route<Output: Encodable & SchemaDescribing>(
        _ method: HTTPMethod, _ path: String, roles: Set<Role>, summary: LocalizedText,
        output: Output.Type,
        handler: @escaping @Sendable (RouteRequest) async throws -> Output
    ) {
        route(RouteSpec(method: method, path: path, roles: roles, summary: summary,
                        input: nil, output: Output.schema) { request in
            try .ok(try await handler(request))
        })
    }

    /// Declares an extra `jiuyectl` verb.
    public func adminCommand(_ command: AdminCommandSpec) {
        adminCommands.append(command)
    }

    /// Declares an event this plugin emits, named `<plugin id>.<name>`.
    public func emits(_ name: String, summary: LocalizedText) {
        emittedEvents.append(EventSpec(name: "\(pluginID.rawValue).\(name)", summary: summary))
    }

    /// Reacts to another plugin's event, inside the emitting change's transaction.
    public func on(_ event: String, handler: @escaping @Sendable (PluginEvent, any PluginTransaction) throws -> Void) {
        hooks.append(EventHook(event: event, handler: handler))
    }

    /// Declares a data migration to `version`.
    public func migration(
        version: Int, summary: String, apply: @escaping @Sendable (any PluginTransaction) throws -> Void
    ) {
        migrations.append(PluginMigration(version: version, summary: summary, apply: apply))
    }
}
