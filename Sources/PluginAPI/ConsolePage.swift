/// How the console lists a kind's records: the columns shown until a user chooses their own
/// (显示列), and the fields offered first under 设置筛选字段 (every field can still be filtered).
/// Empty lists let the core choose: the student's number and name, then the indexed fields.
/// `plugins.yaml` may set both per kind (`kinds.<kind>.list`).
public struct ListLayout: Sendable, Hashable {
    /// Field keys shown as columns by default, in order.
    public var columns: [String]
    /// Field keys offered as filters by default, in order (the review levels always are).
    public var filters: [String]

    /// A layout with these default columns and filters.
    public init(columns: [String] = [], filters: [String] = []) {
        self.columns = columns
        self.filters = filters
    }
}

/// A page a plugin adds to the console: a table drawn from one of its own `GET` routes, e.g.
/// 去向落实率 per college. The console knows no plugin by name; it fetches
/// `/api/v1/<plugin>/<route>` with the page's parameters, takes the array at `rows` and shows
/// each column's value at its path.
public struct ConsolePage: Sendable, Hashable {
    /// A column: where its value sits in a row (`approved.employed` reads nested objects) and how it reads.
    public struct Column: Sendable, Hashable {
        /// How a value is written.
        public enum Format: String, Sendable, Hashable {
            /// As it comes.
            case plain
            /// A fraction shown as a percentage with two decimals (0.8523 → 85.23%).
            case percent
            /// A whole number of percent shown with its sign (72 → 72%).
            case percentage
            /// An array of history entries (`time`, `actor`, `fromLabel`, `toLabel`, `reasonLabel`,
            /// `note`), drawn as a timeline like a record's own 审核记录.
            case history
        }

        /// The dotted path of the value in a row.
        public var path: String
        /// The column header.
        public var label: LocalizedText
        /// How the value is written.
        public var format: Format
        /// A code table: the value is a code and the console shows its name (学历 11 → 博士研究生).
        public var table: String?
        /// When set, the figure links to the page's ``ConsolePage/drillDown``; these query
        /// parameters go with the row's own (e.g. `["figure": "resumes"]`: the students counted here).
        public var drill: [String: String]?
        /// When set, the value is the id of a record of this kind and links to its page.
        public var record: String?

        /// A column showing the value at `path` under `label`: written as `format`, or as the
        /// name of its code in `table`; linking to the drill-down with `drill`, or to the record
        /// of kind `record` it names.
        public init(_ path: String, _ label: LocalizedText, format: Format = .plain, table: String? = nil,
                    drill: [String: String]? = nil, record: String? = nil) {
            self.path = path
            self.label = label
            self.format = format
            self.table = table
            self.drill = drill
            self.record = record
        }
    }

    /// A choice above the table, sent as a query parameter of the route.
    public enum Parameter: String, Sendable, Hashable {
        /// `cohort`: the graduating year (届别).
        case cohort
        /// `group`: `college` or `major`.
        case group
    }

    /// The page's id, unique within the plugin.
    public var id: String
    /// Its title and menu entry.
    public var label: LocalizedText
    /// Who sees it (the route's own roles still apply).
    public var roles: Set<Role>
    /// The plugin route (path under `/api/v1/<plugin>/`) answering with the rows.
    public var route: String
    /// The key of the answer's array of rows.
    public var rows: String
    /// The columns, in order.
    public var columns: [Column]
    /// The choices offered above the table.
    public var parameters: [Parameter]
    /// A line under the title saying how the figures are counted.
    public var note: LocalizedText?
    /// The second table a figure links to: the rows behind it (see ``Column/drill``).
    public var drillDown: DrillDown?
    /// The escape hatch: a page drawn by the plugin's own ES module instead of a table.
    public var module: ConsoleModule?
    /// When set, the page is a panel on the record page of this kind, not a menu entry: its
    /// `route` has an `:id` parameter that becomes the record's id.
    public var record: String?

    /// A page `id` titled `label`, for `roles`, showing `columns` of the array `rows` that `route` answers.
    /// With `drillDown`, figures of columns declaring ``Column/drill`` open that second table.
    public init(id: String, label: LocalizedText, roles: Set<Role>, route: String, rows: String = "rows", columns: [Column],
                parameters: [Parameter] = [], note: LocalizedText? = nil, drillDown: DrillDown? = nil) {
        self.drillDown = drillDown
        self.id = id
        self.label = label
        self.roles = roles
        self.route = route
        self.rows = rows
        self.columns = columns
        self.parameters = parameters
        self.note = note
    }
}
