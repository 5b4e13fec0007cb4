import PluginAPI

/// What the console's screens are drawn from, for one set of roles: the kinds those roles see,
/// with fields (and which of them the roles may edit), default columns and filters, saved views,
/// review levels, reject reasons, the batch actions they may run, export presets, the states that
/// wait for them, the submission rules (which fields a value makes required); and the pages plugins add. It depends only on the plugin set and the roles, so
/// it is built once per pair (``ConsoleSchemaCache``). What a caller may do with one record the
/// record answer says (`actions`, `editable`), from the engine.
enum ConsoleSchema {
    static func build(_ set: PluginSet, roles: Set<Role>) -> JSONValue {
        var kinds: [JSONValue] = []
        var pages: [JSONValue] = []
        let panels = recordPanels(set, roles: roles)
        for plugin in set.plugins {
            for kind in plugin.kinds where sees(kind, roles: roles) {
                var o = PluginSet.describe(kind).objectValue ?? [:]
                o["plugin"] = .string(plugin.id.rawValue)
                for (key, value) in screens(kind, roles: roles) { o[key] = value }
                o["links"] = .array(links(plugin, kind: kind.id, roles: roles))
                o["panels"] = .array(panels[kind.id] ?? [])
                kinds.append(.object(o))
            }
            for page in plugin.consolePages where page.record == nil && !page.roles.isDisjoint(with: roles) {
                pages.append(json(page, plugin: plugin.id))
            }
        }
        return [
            "institution": ["name": .string(set.settings.institution.name), "code": .string(set.settings.institution.code)],
            "roles": .array(roles.sorted().map { ["role": .string($0.rawValue), "label": .string($0.label.zh)] }),
            "kinds": .array(kinds),
            "pages": .array(pages),
            "queues": .array(queues(roles: roles)),
            "pageSizes": .array(RecordQuery.pageSizes.sorted().map { .int($0) }),
            "maxSearchValues": .int(RecordQuery.maxSearchValues),
            // The upload route's own limit: a form refuses a larger file before sending it.
            "maxUploadBytes": .int(min(set.settings.materials.maxBytes, set.settings.server.maxBodyBytes)),
        ]
    }

    /// Staff see every kind (the scope then narrows the records); a student every kind they may
    /// hold; an employer the kinds it is a party to.
    static func sees(_ kind: RecordKindSpec, roles: Set<Role>) -> Bool {
        if roles.contains(where: \.isStaff) || roles.contains(.student) { return true }
        return kind.party.map { roles.contains($0.role) } ?? false
    }

    /// The console-only parts of a kind for `roles`.
    static func screens(_ kind: RecordKindSpec, roles: Set<Role>) -> JSONObject {
        let isStaff = roles.contains(where: \.isStaff)
        let indexed = kind.fields.filter(\.indexed).map(\.key)
        let correctable = Set(kind.correctableFields(by: roles).map(\.key))
        // By default no column shows an ID number to everyone who glances at the screen.
        let shown = kind.fields.filter { $0.indexed && $0.type != .idNumber && !["studentNumber", "name"].contains($0.key) }.map(\.key)
        let columns = kind.list.columns.isEmpty ? Array((["studentNumber", "name"].filter { kind.field($0) != nil } + shown).prefix(6)) : kind.list.columns
        return [
            "columns": .array(columns.map(JSONValue.string)),
            "filters": .array((kind.list.filters.isEmpty ? indexed : kind.list.filters).map(JSONValue.string)),
            "sortable": .array((["id", "updated"] + indexed).map(JSONValue.string)),
            // Registry fields count for the roles that may correct them (批量修改 offers them).
            "editable": .array(kind.fields.filter { f in roles.contains { f.editableBy.allows($0) } || correctable.contains(f.key) }.map { .string($0.key) }),
            "registry": .array(kind.registry.keys.sorted().map(JSONValue.string)),
            "waiting": .array(waiting(kind, roles: roles).map(JSONValue.string)),
            "batchActions": .array(batchActions(kind, roles: roles)),
            "exportPresets": isStaff ? [["id": "national", "label": "国家库"], ["id": "school", "label": "学校"]] : [],
            "canCreate": .bool(!kind.creators.isDisjoint(with: roles)),
            "rules": .array(kind.rules.map(json)),
            // Whether staff in these roles may delete records, and from which value on they see them.
            "deletable": .bool(!kind.deletableBy.intersection(Role.staff).isDisjoint(with: roles)),
            "staffVisibility": kind.staffVisibility.map { ["field": .string($0.field), "atLeast": .double($0.atLeast)] } ?? .null,
        ]
    }

    /// A submission rule as the form applies it: when `when` holds a code of `in` (or one of
    /// their sub-codes), the `require` fields and `materials` files are needed; `when` is null
    /// for a rule that always applies. The engine checks the same rules on submission.
    static func json(_ rule: SubmissionRule) -> JSONValue {
        [
            "when": rule.isUnconditional ? .null : .string(rule.field), "in": .array(rule.codes.map(JSONValue.string)),
            "require": .array(rule.required.map(JSONValue.string)), "materials": .int(rule.materials),
        ]
    }

    /// The states whose records wait for these roles: their own review levels, or the states a
    /// plugin's workflow lets them approve from.
    static func waiting(_ kind: RecordKindSpec, roles: Set<Role>) -> [String] {
        switch kind.process {
        case .none: return []
        case .review(let pipeline):
            return pipeline.stages.filter { roles.contains($0.role) }.map { ReviewState.pending($0.role).id }
        case .workflow(let workflow):
            var out: [String] = []
            for t in workflow.transitions where t.effect == .approve && !t.roles.isDisjoint(with: roles) {
                for s in t.from where !out.contains(s) { out.append(s) }
            }
            return out
        }
    }

    /// The batch actions of the list's batch bar, as ``BatchOperation`` allows them: the school
    /// all of them; a counselor or college officer approvals at their level and notices.
    static func batchActions(_ kind: RecordKindSpec, roles: Set<Role>) -> [JSONValue] {
        guard roles.contains(where: \.isStaff) else { return [] }
        let reviewed = !waiting(kind, roles: roles.contains(.school) ? [.school] : roles).isEmpty
        let all: [(String, String, [String])] = [
            ("approve", "批量审核", []), ("modify", "批量修改", ["field", "value"]), ("change-cohort", "批量换届", ["cohort"]),
            ("notify", "批量通知", ["message"]), ("reset-password", "重置密码", []), ("unbind-wechat", "重置绑定微信", []), ("unlock", "解锁账号", []),
        ]
        let batch: [JSONValue] = all.filter { action, _, _ in
            if action == "approve" && !reviewed { return false }
            return roles.contains(.school) || BatchOperation.levelActions.contains(action)
        }.map { action, label, inputs in
            ["action": .string(action), "label": .string(label), "inputs": .array(inputs.map(JSONValue.string))]
        }
        // A kind whose submissions carry files offers them as one zip (导出材料), not as a batch:
        // `download` is the route the selected ids are posted to.
        guard kind.rules.contains(where: { $0.materials > 0 }) || kind.fields.contains(where: { $0.type == .file }) else { return batch }
        return batch + [["action": "export-materials", "label": "导出材料", "inputs": [],
                         "download": .string("records/\(kind.id)/materials/export")]]
    }

    static func json(_ page: ConsolePage, plugin: PluginID) -> JSONValue {
        let api = "/api/v1/\(plugin.rawValue)/"
        return [
            "plugin": .string(plugin.rawValue), "id": .string(page.id), "label": .string(page.label.zh),
            "path": .string(api + page.route), "rows": .string(page.rows),
            "columns": .array(page.columns.map(json)),
            "parameters": .array(page.parameters.map { .string($0.rawValue) }),
            "note": page.note.map { .string($0.zh) } ?? .null,
            "drillDown": page.drillDown.map { d in
                ["path": .string(api + d.route), "rows": .string(d.rows), "columns": .array(d.columns.map(json)),
                 "from": .object(JSONObject(d.from.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
                 "next": d.next.map(JSONValue.string) ?? .null]
            } ?? .null,
            "module": page.module == nil ? .null : .string(ConsoleModules.path(plugin: plugin, page: page.id)),
        ]
    }

    static func json(_ column: ConsolePage.Column) -> JSONValue {
        var o: JSONObject = ["path": .string(column.path), "label": .string(column.label.zh), "format": .string(column.format.rawValue)]
        if let table = column.table { o["table"] = .string(table) }
        if let drill = column.drill { o["drill"] = .object(JSONObject(drill.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })) }
        if let record = column.record { o["record"] = .string(record) }
        return .object(o)
    }

    /// The panels plugins add to record pages, by kind, for these roles.
    static func recordPanels(_ set: PluginSet, roles: Set<Role>) -> [String: [JSONValue]] {
        var out: [String: [JSONValue]] = [:]
        for plugin in set.plugins {
            for page in plugin.consolePages where !page.roles.isDisjoint(with: roles) {
                if let kind = page.record { out[kind, default: []].append(json(page, plugin: plugin.id)) }
            }
        }
        return out
    }
}

/// The schema per plugin set and set of roles: a reload makes new ones.
final class ConsoleSchemaCache: Sendable {
    // The set itself, not its address: a freed set's address may come back with a new one.
    private let cached = LockedBox<(PluginSet, [Set<Role>: JSONValue])?>(nil)

    func schema(for set: PluginSet, roles: Set<Role>) -> JSONValue {
        cached.withValue { entry in
            if entry?.0 !== set { entry = (set, [:]) }
            if let hit = entry!.1[roles] { return hit }
            let schema = ConsoleSchema.build(set, roles: roles)
            entry!.1[roles] = schema
            return schema
        }
    }
}
