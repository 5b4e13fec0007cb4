import PluginAPI
import Yams

/// `kinds.<kind>.audit`: the limits of a kind's 数据核查, for a kind that declares one.
struct AuditSettings: Codable, Sendable {
    /// Students one contact may be given for before it is flagged (at least 1).
    var sharedContactLimit: Int?
    /// The signing window per cohort, e.g. `"2027": {from: "2026-09-01", to: "2027-12-31"}`;
    /// replaces the kind's own.
    var windows: [String: DateWindow]?
}

extension Loader {
    func applyAuditSettings(_ settings: AuditSettings, to kind: inout RecordKindSpec, node: Node?, path: ConfigPath,
                            problems: inout [ConfigError]) {
        func at(_ parts: String...) -> Node? { node.flatMap { ConfigDocument.find(parts, in: $0) } }
        guard var audit = kind.audit else {
            return problems.append(doc.error("kind \"\(kind.id)\" declares no audit to configure", at: node, path: path))
        }
        if let limit = settings.sharedContactLimit {
            if limit < 1 {
                problems.append(doc.error("sharedContactLimit must be at least 1", at: at("sharedContactLimit"), path: path.appending("sharedContactLimit")))
            }
            audit.sharedContactLimit = limit
        }
        if let windows = settings.windows {
            audit.windows = [:]
            for (key, w) in windows.sorted(by: { $0.key < $1.key }) {
                let windowPath = path.appending("windows").appending(key)
                guard let cohort = Int(key), (1900...9999).contains(cohort) else {
                    problems.append(doc.error("\"\(key)\" is not a cohort (a year such as 2027)", at: at("windows"), path: windowPath))
                    continue
                }
                guard Self.isDate(w.from), Self.isDate(w.to), w.from <= w.to else {
                    problems.append(doc.error("a window is {from: YYYY-MM-DD, to: YYYY-MM-DD} with from not after to", at: at("windows", key), path: windowPath))
                    continue
                }
                audit.windows[cohort] = w
            }
        }
        kind.audit = audit
    }

    /// Whether `text` is a date as a `.date` field takes it.
    static func isDate(_ text: String) -> Bool {
        if case .success = FieldSpec("date", LocalizedText("日期"), .date).validate(.string(text), tables: [:]) { return true }
        return false
    }
}
