/// The escape hatch for a page no declaration draws: an ES module the plugin ships, served by the
/// core at `/console/plugins/<plugin>/<page>.js` under the console's own policy (`script-src
/// 'self'`, Trusted Types with no policy). The console imports it and calls its default export
/// with one object:
///
/// - `container`: the `<main>` element the page draws into;
/// - `h(spec, attrs, ...children)`: builds elements, data always as text (`innerHTML` and every
///   other HTML sink are refused by the policy);
/// - `get(path)`, `post(path, body)`, `patch(path, body)`, `del(path)`, `upload(path, file)`:
///   the JSON API under `/api/v1/` with the session and CSRF token; errors throw with `message`;
/// - `me` (who is signed in), `kind(id)` (a kind of the console schema), `codeName(table, code)`,
///   `query` (the page address's parameters), `go(query)`, `status(text)`, `error(text)`,
///   `recordLink(kind, id)` (the address of a record's page).
public struct ConsoleModule: Sendable, Hashable {
    /// The module's source text.
    public var source: String

    /// A module with this source text.
    public init(source: String) {
        self.source = source
    }
}

extension ConsolePage {
    /// A page `id` titled `label`, for `roles`, drawn by the plugin's own ES module.
    public init(id: String, label: LocalizedText, roles: Set<Role>, module: ConsoleModule, note: LocalizedText? = nil) {
        self.init(id: id, label: label, roles: roles, route: "", columns: [], note: note)
        self.module = module
    }
}
