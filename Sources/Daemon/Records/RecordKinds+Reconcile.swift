import Foundation
import PluginAPI
import Storage

/// What of a kind's declaration its stored records depend on. Kept per kind in LMDB
/// (`kind-shapes`): when a start or a reload brings a different shape, the records follow it in
/// one write transaction (``RecordReconciler``), so no record is left at a level that no longer
/// exists, with a student form nobody copies over, or with stale derived fields.
struct KindShape: JSONStorable, Equatable {
    /// The review levels by role, lowest first; empty for kinds without review.
    var stages: [String]
    /// ``StudentForm`` raw value.
    var studentForm: String
    /// ``RecordKindSpec/derivation``.
    var derivation: String
    /// The statistics dimensions and the version of how they count: counters are rebuilt from
    /// the records when either changes.
    var counters: String

    /// How the counters count; bump it when ``RecordTables`` counts differently.
    static let countersVersion = "3"

    init(_ kind: RecordTables) {
        stages = kind.pipeline?.stages.map(\.role.rawValue) ?? []
        studentForm = kind.spec.studentForm.rawValue
        derivation = kind.spec.derivation
        counters = Self.countersVersion + ":" + kind.dimensions.joined(separator: ",")
    }
}

/// What a configuration change does to the stored records of one kind.
struct KindReconciliation: Sendable, Equatable {
    /// Records that change state: (from, to) → count.
    struct Move: Sendable, Equatable {
        var from: String
        var to: String
        var count: Int
    }
    var kind: String
    var label: String
    var removedLevels: [String] = []
    var addedLevels: [String] = []
    var moves: [Move] = []
    /// Records whose levels were re-laid for the new stages (every record of the kind).
    var relaid = 0
    /// Records whose student form was merged into the record.
    var formsMerged = 0
    /// Records whose derived fields were recomputed.
    var rederived = 0
    /// Whether the live counters were rebuilt from the records.
    var countersRebuilt = false

    var changesRecords: Bool { relaid + formsMerged + rederived > 0 }

    /// Levels by their Chinese names: 学院、学校.
    static func names(_ roles: [String]) -> String {
        roles.map { Role(rawValue: $0)?.label.zh ?? $0 }.joined(separator: "、")
    }

    /// One line per fact, in Chinese, for `jiuyed check`, `plugin reload` and the log.
    func lines(labels: (String) -> String) -> [String] {
        var out: [String] = []
        let name = "\(label)（\(kind)）"
        if !removedLevels.isEmpty {
            out.append("\(name)：移除审核环节 \(Self.names(removedLevels))")
        }
        if !addedLevels.isEmpty {
            out.append("\(name)：新增审核环节 \(Self.names(addedLevels))，尚未经过它的记录将经过它审核")
        }
        for m in moves {
            out.append("\(name)：\(m.count) 条记录从「\(labels(m.from))」移至「\(labels(m.to))」")
        }
        if formsMerged > 0 { out.append("\(name)：\(formsMerged) 条记录的学生填报内容并入记录（该类型不再单独保存学生版本）") }
        if rederived > 0 { out.append("\(name)：\(rederived) 条记录按新配置重新计算派生字段") }
        return out
    }
}

/// Brings stored records in line with the kinds' current declarations. The same code counts
/// (``plan``, for `jiuyed check --data`) and writes (``apply``, at start and on reload).
struct RecordReconciler {
    let shapes: Table<String, KindShape>

    init(environment: Environment) throws {
        shapes = try Table(environment, name: "kind-shapes")
    }

    /// The stored shapes, by kind.
    func stored(_ txn: Transaction) throws -> [String: KindShape] {
        var out: [String: KindShape] = [:]
        try shapes.scan(txn) { k, v in out[k] = v; return true }
        return out
    }

    /// Tables as the records of `kind` were written under `shape`: indexes and counters are
    /// removed with these before the records are written again under the new stages. Opened
    /// outside any write transaction (LMDB opens databases only there).
    static func previousTables(_ kinds: RecordKinds, stored: [String: KindShape], environment: Environment,
                               historyKey: HistoryKey) throws -> [String: RecordTables] {
        var out: [String: RecordTables] = [:]
        for (id, kind) in kinds.tables {
            guard case .review(var pipeline) = kind.spec.process, let shape = stored[id], shape.stages != KindShape(kind).stages else { continue }
            pipeline.stages = shape.stages.compactMap(Role.init(rawValue:)).map(ReviewStage.init)
            var spec = kind.spec
            spec.process = .review(pipeline)
            out[id] = try RecordTables(environment: environment, plugin: kind.plugin, spec: spec, historyKey: historyKey)
        }
        return out
    }

    /// What ``apply`` would do, without writing.
    func plan(_ txn: Transaction, kinds: RecordKinds, stored: [String: KindShape]) throws -> [KindReconciliation] {
        try run(txn, kinds: kinds, stored: stored, previous: [:], write: false, now: 0)
    }

    /// Moves, re-lays and recomputes the records, and stores the new shapes.
    func apply(_ txn: Transaction, kinds: RecordKinds, stored: [String: KindShape], previous: [String: RecordTables], now: Double) throws -> [KindReconciliation] {
        try run(txn, kinds: kinds, stored: stored, previous: previous, write: true, now: now)
    }

    private func run(_ txn: Transaction, kinds: RecordKinds, stored: [String: KindShape], previous: [String: RecordTables],
                     write: Bool, now: Double) throws -> [KindReconciliation] {
        var out: [KindReconciliation] = []
        for (id, kind) in kinds.tables.sorted(by: { $0.key < $1.key }) {
            let shape = KindShape(kind)
            let old = stored[id]
            if old == shape { continue }
            let result = try reconcile(txn, kind, from: old, to: shape, previous: previous[id], write: write, now: now)
            if result.changesRecords || !result.removedLevels.isEmpty || !result.addedLevels.isEmpty { out.append(result) }
            if write { try shapes.put(txn, id, shape) }
        }
        return out
    }

    /// One kind. Without a stored shape (a data file from before shapes were kept) the stages
    /// are taken as they are now, and a reviewed kind as having kept the student's form apart —
    /// what every reviewed kind did then — so a student's values reach the record.
    private func reconcile(_ txn: Transaction, _ kind: RecordTables, from old: KindShape?, to new: KindShape,
                           previous: RecordTables?, write: Bool, now: Double) throws -> KindReconciliation {
        var result = KindReconciliation(kind: kind.spec.id, label: kind.spec.label.zh)
        let oldStages = old?.stages ?? new.stages
        let relay = kind.pipeline != nil && oldStages != new.stages
        if relay {
            result.removedLevels = oldStages.filter { !new.stages.contains($0) }
            result.addedLevels = new.stages.filter { !oldStages.contains($0) }
        }
        let oldForm = old?.studentForm ?? (kind.pipeline != nil ? StudentForm.separate.rawValue : StudentForm.direct.rawValue)
        let merge = !kind.keepsStudentForm && oldForm == StudentForm.separate.rawValue
        let rederive = kind.spec.derive != nil && old?.derivation != new.derivation
        let recount = old?.counters != new.counters
        guard relay || merge || rederive || recount else { return result }

        /// What a record becomes under the new shape.
        func follow(_ r: StoredRecord) throws -> StoredRecord {
            var next = r
            if relay {
                next.state = Self.state(r.state, from: oldStages, to: new.stages)
                Self.relayLevels(&next, from: oldStages, to: new.stages)
            }
            var values: JSONObject?
            if merge, r.filled.count > 2 {
                values = try Self.merged(r, kind)
                next.filled = Array("{}".utf8)
            }
            if rederive { values = try values ?? r.valuesObject() }
            if let values { try kind.setValues(&next, values) }
            return next
        }
        // First count and note the ids (a write cannot happen inside a scan; records are read
        // again below rather than held, so memory stays flat at any size).
        var ids: [String] = []
        var moves: [String: Int] = [:]
        try kind.records.primary.scan(txn) { id, r in
            let next = try follow(r)
            guard next != r else { return true }
            ids.append(id)
            if next.state != r.state { moves["\(r.state)\u{0}\(next.state)", default: 0] += 1 }
            if next.filled != r.filled { result.formsMerged += 1 }
            if rederive && next.values != r.values { result.rederived += 1 }
            if relay { result.relaid += 1 }
            return true
        }
        result.moves = moves.sorted { $0.key < $1.key }.map { key, count in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            return KindReconciliation.Move(from: parts[0], to: parts[1], count: count)
        }
        guard write else { return result }
        result.countersRebuilt = recount
        let note = "配置变更：" + (result.removedLevels.isEmpty ? "审核环节调整" : "移除审核环节 " + KindReconciliation.names(result.removedLevels))
        for id in ids {
            guard let original = try kind.records.get(txn, id) else { continue }
            var r = try follow(original)
            if r.state != original.state || r.values != original.values {
                let what = r.state != original.state ? note : "配置变更：学生填报内容并入记录"
                _ = try kind.append(txn, to: &r, actor: "config", role: "system", action: "reconfigure", level: "",
                                    from: original.state, to: r.state, reason: "", note: what, now: now)
            }
            if let previous {
                // Indexes and counters as the old stages wrote them, then as the new ones do.
                _ = try previous.records.delete(txn, id)
                try kind.records.put(txn, id, r, replacing: nil)
            } else {
                try kind.records.put(txn, id, r, replacing: original)
            }
        }
        if recount {
            // Counted afresh from what is now stored: dimensions that did not exist before get
            // their counts, and nothing counted under an old layout stays.
            try txn.clear(kind.stats.table.database)
            try kind.records.primary.scan(txn) { _, r in kind.stats.add(txn, r); return true }
        }
        return result
    }

    /// The record's values with the student's form merged in, student-editable fields only:
    /// while the record is the student's (a draft, a rejection) the form wins, as it is their
    /// latest word; once submitted it only fills what the record lacks, so nothing a reviewer
    /// set or corrected is overwritten.
    static func merged(_ r: StoredRecord, _ kind: RecordTables) throws -> JSONObject {
        var values = try r.valuesObject()
        let theirs = r.state == kind.workflow?.initial || kind.workflow?.transitions.contains { $0.effect == .resubmit && $0.from.contains(r.state) } == true
        for (k, v) in try r.filledObject() where kind.spec.field(k)?.editableBy.allows(.student) == true {
            if theirs || values[k] == nil || values[k] == .null { values[k] = v }
        }
        return values
    }

    /// Where a record at `state` goes when the stages change: a level that stays keeps its
    /// records; from a removed level a pending record goes to the next level that remains, and
    /// back to the student (draft) when none is left; a record rejected at a removed level goes
    /// back to the student too.
    static func state(_ state: String, from old: [String], to new: [String]) -> String {
        let review = ReviewState(id: state)
        guard let level = review.level, !new.contains(level.rawValue) else { return state }
        guard review.isPending, let at = old.firstIndex(of: level.rawValue) else { return ReviewState.draft.id }
        let next = old[(at + 1)...].first { new.contains($0) }.flatMap(Role.init(rawValue:))
        return (next.map(ReviewState.pending) ?? .draft).id
    }

    /// The per-level statuses laid out for the new stages: a level that stays keeps its status
    /// and reviewer; a new one starts 未审核.
    static func relayLevels(_ r: inout StoredRecord, from old: [String], to new: [String]) {
        var levels: [LevelStatus] = [], reviewers: [String] = []
        var mask: UInt32 = 0
        for (i, role) in new.enumerated() {
            if let j = old.firstIndex(of: role), j < r.levels.count {
                levels.append(r.levels[j])
                reviewers.append(j < r.reviewers.count ? r.reviewers[j] : "")
                if r.rejectedMask & (1 << UInt32(j)) != 0 { mask |= 1 << UInt32(i) }
            } else {
                levels.append(.pending)
                reviewers.append("")
            }
        }
        r.levels = levels
        r.reviewers = reviewers
        r.rejectedMask = mask
    }
}
