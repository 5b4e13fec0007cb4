extension ConsolePage {
    /// The rows behind a figure: a second `GET` route of the plugin, asked with the page's own
    /// choices (`cohort`, `group`), the clicked column's ``Column/drill`` parameters, and values
    /// taken from the clicked row. The 简历库 statistics open the students of one unit and 学历.
    public struct DrillDown: Sendable, Hashable {
        /// The plugin route (path under `/api/v1/<plugin>/`) answering with the rows.
        public var route: String
        /// The key of the answer's array of rows.
        public var rows: String
        /// The columns of the second table.
        public var columns: [Column]
        /// Query parameters read from the clicked row: parameter name → dotted path in the row.
        public var from: [String: String]
        /// The key of the answer's cursor for the next page (sent back as `after=`); nil: one page.
        public var next: String?

        /// A drill-down to `route`, showing `columns` of the array `rows`, asked with the row's
        /// values at the paths of `from`.
        public init(route: String, rows: String = "rows", columns: [Column], from: [String: String], next: String? = nil) {
            self.route = route
            self.rows = rows
            self.columns = columns
            self.from = from
            self.next = next
        }
    }
}
