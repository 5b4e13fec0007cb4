extension ConsolePage {
    /// A panel `id` titled `label` on the record page of `kind`, for `roles`: the values at the
    /// `columns`' paths in the answer of `route` (whose `:id` is the record's id), one row each.
    public init(record kind: String, id: String, label: LocalizedText, roles: Set<Role>, route: String, columns: [Column]) {
        self.init(id: id, label: label, roles: roles, route: route, rows: "", columns: columns)
        self.record = kind
    }
}
