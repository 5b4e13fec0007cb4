/// A link or a button a plugin adds to the console's screens of one of its kinds: a link opens
/// one of the plugin's `GET` routes (an HTML page such as the agreement print page) in a new
/// tab; a button `POST`s to one of its routes, with a reason, a file or a list of lines as input,
/// and shows the answer. The console knows no plugin by name: it reads these from
/// `GET /api/v1/console/schema` (`kinds[].links`) and draws them with generic code.
///
/// An answer a button gets is shown as its `message` (a text) and `problems` (an array of texts,
/// each shown as a line: e.g. every bad row of an imported file); a 4xx answer's
/// `error.message` likewise, with its `problems` beside the error.
public struct ConsoleLink: Sendable, Hashable {
    /// Where the link or button is drawn.
    public enum Placement: String, Sendable, Hashable {
        /// On a record's page, for that record: `:id` in the route is the record's id.
        case record
        /// Above the kind's list, for the kind as a whole (导入, 分配 …).
        case list
    }

    /// What a button asks for before it posts.
    public enum Input: Sendable, Hashable {
        /// Nothing: the body is `{}` (a confirmation is asked).
        case none
        /// A reason the user types: the body is `{"reason": "…"}`.
        case reason
        /// A file (CSV, XLSX, JPEG, PNG or PDF): the body is the file itself, with its media type.
        case file
        /// One value per line under `label`, e.g. 学号: the body is `{"<key>": ["…", …]}`.
        case lines(key: String, label: LocalizedText)
    }

    /// How the console follows it.
    public enum Target: Sendable, Hashable {
        /// A `GET` route opened in a new tab (an HTML page).
        case page
        /// A `POST` route, with what the user gives first.
        case post(Input)
    }

    /// The id, unique within the plugin.
    public var id: String
    /// The record kind whose screens show it (a kind of the same plugin).
    public var kind: String
    /// The text of the link or button.
    public var label: LocalizedText
    /// The plugin route, as declared (path under `/api/v1/<plugin>/`, e.g. `:id/print`).
    public var route: String
    /// How the console follows it.
    public var target: Target
    /// Where it is drawn.
    public var placement: Placement
    /// Who sees it (the route's own roles still apply).
    public var roles: Set<Role>
    /// The states a record must be in for it to show; empty for every state (record placement only).
    public var states: [String]
    /// Values the record must hold for it to show, e.g. 签约方式 空白协议书打印 (record placement only).
    public var conditions: [FieldCondition]

    /// A link or button `id` on `kind`'s screens; see the properties for each parameter.
    public init(id: String, kind: String, label: LocalizedText, route: String, target: Target, placement: Placement = .record,
                roles: Set<Role>, states: [String] = [], conditions: [FieldCondition] = []) {
        self.id = id
        self.kind = kind
        self.label = label
        self.route = route
        self.target = target
        self.placement = placement
        self.roles = roles
        self.states = states
        self.conditions = conditions
    }

    /// A link on a record's page to the plugin's `GET` route (an HTML page opened in a new tab).
    public static func page(_ id: String, kind: String, label: LocalizedText, route: String, roles: Set<Role>,
                            states: [String] = [], conditions: [FieldCondition] = []) -> ConsoleLink {
        ConsoleLink(id: id, kind: kind, label: label, route: route, target: .page, roles: roles, states: states, conditions: conditions)
    }

    /// A button that posts to the plugin's route, on a record's page or above the kind's list.
    public static func button(_ id: String, kind: String, label: LocalizedText, route: String, input: Input = .none,
                              placement: Placement = .record, roles: Set<Role>, states: [String] = [],
                              conditions: [FieldCondition] = []) -> ConsoleLink {
        ConsoleLink(id: id, kind: kind, label: label, route: route, target: .post(input), placement: placement,
                    roles: roles, states: states, conditions: conditions)
    }

    /// The HTTP method the console uses.
    public var method: HTTPMethod {
        if case .page = target { return .get }
        return .post
    }

    /// What is wrong with this link for a plugin declaring `kinds` and `routes`, or nil: the kind
    /// must be the plugin's, the route one of its routes with the link's method, and a list
    /// entry must not name a record (`:id`).
    public func problem(kinds: [RecordKindSpec], routes: [RouteSpec]) -> String? {
        guard let spec = kinds.first(where: { $0.id == kind }) else { return "console link \"\(id)\" names no kind of the plugin: \"\(kind)\"" }
        guard routes.contains(where: { $0.path == route && $0.method == method }) else {
            return "console link \"\(id)\" names no \(method.rawValue) route \"\(route)\" of the plugin"
        }
        if placement == .list && route.contains(":") { return "console link \"\(id)\" is drawn above the list, so its route cannot name a record" }
        let known = Set(spec.process.workflow?.states.map(\.id) ?? [])
        if let s = states.first(where: { !known.contains($0) }) { return "console link \"\(id)\": \"\(kind)\" has no state \"\(s)\"" }
        if let c = conditions.first(where: { spec.field($0.field) == nil }) { return "console link \"\(id)\": \"\(kind)\" has no field \"\(c.field)\"" }
        return nil
    }
}
