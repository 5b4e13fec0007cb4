import PluginAPI

/// What loading refuses in a plugin's console pages, so a page never fails only in the browser:
/// a table or drill-down must read a `GET` route of the plugin, a panel must name a kind and an
/// `:id` route, columns must name known code tables and kinds, page ids must be unique.
enum ConsolePageCheck {
    static func problems(_ pages: [ConsolePage], routes: [RouteSpec], kinds: Set<String>, codeTables: [String: CodeTable]) -> [String] {
        let reads = Set(routes.filter { $0.method == .get }.map(\.path))
        var out: [String] = []
        var ids = Set<String>()
        for page in pages {
            let name = "console page \"\(page.id)\""
            if !ids.insert(page.id).inserted { out.append("\(name) is declared twice") }
            if let module = page.module {
                if module.source.isEmpty { out.append("\(name): its module is empty") }
                continue
            }
            if !reads.contains(page.route) { out.append("\(name): no GET route \"\(page.route)\" in this plugin") }
            if let kind = page.record {
                if !kinds.contains(kind) { out.append("\(name): no record kind \"\(kind)\"") }
                if !page.route.split(separator: "/").contains(":id") { out.append("\(name): a record panel's route needs an :id parameter") }
            }
            if let drill = page.drillDown, !reads.contains(drill.route) { out.append("\(name): no GET route \"\(drill.route)\" for its drill-down") }
            for c in page.columns + (page.drillDown?.columns ?? []) {
                if let table = c.table, codeTables[table] == nil { out.append("\(name): column \"\(c.path)\" uses unknown code table \"\(table)\"") }
                if let kind = c.record, !kinds.contains(kind) { out.append("\(name): column \"\(c.path)\" links to unknown kind \"\(kind)\"") }
            }
        }
        return out
    }
}
