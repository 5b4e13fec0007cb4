import Foundation
import PluginAPI

/// How a ``RecordAudit``'s rules file a record in the audit index (`audit/<kind>`): every term
/// starts with the rule's position, then what the rule groups by, so one prefix scan reads one
/// rule's groups in order and a record's own group is one key away.
///
/// | rule | term (parts joined by a 0 byte) |
/// |---|---|
/// | shared file | position, hash of the `.file` field |
/// | consistent name | position, key (credit code), normalised name |
/// | shared contact | position, field's position, normalised contact, normalised `distinctBy` |
/// | date after submission | position, record id, date |
/// | date window | position, cohort (2 bytes), date |
/// | changed after approval | position, record id, the fields' values |
struct AuditTerms {
    let audit: RecordAudit

    /// LMDB keys stop at 511 bytes; a term is cut well before (names are at most 128 characters).
    static let maxTerm = 480

    /// The terms of one record: its official values and cohort.
    func terms(id: String, cohort: UInt16, values: JSONObject) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (i, rule) in audit.rules.enumerated() {
            let p = UInt8(i)
            switch rule {
            case .sharedFile(let field):
                if let sha = Self.text(values[field]) { out.append(Self.term(p, [sha])) }
            case .consistentName(let key, let name):
                if let k = Self.text(values[key]), let n = Self.text(values[name]) { out.append(Self.term(p, [Self.code(k), Self.name(n)])) }
            case .sharedContact(let fields, let by):
                let employer = Self.text(values[by]).map(Self.code) ?? ""
                for (j, f) in fields.enumerated() {
                    guard let c = Self.text(values[f]).map(Self.contact), !c.isEmpty else { continue }
                    out.append(Self.term(p, [String(UnicodeScalar(UInt8(j + 1))), c, employer]))
                }
            case .dateNotAfterSubmission(let field):
                if let d = Self.text(values[field]) { out.append(Self.term(p, [id, d])) }
            case .dateWindow(let field):
                if let d = Self.text(values[field]) { out.append(Self.cohortTerm(p, cohort) + Array(d.utf8)) }
            case .changedAfterApproval(let fields):
                out.append(Self.term(p, [id, snapshot(values, fields)]))
            }
        }
        return out
    }

    /// The members of stored values (a JSON object) the rules read, found in place: every write
    /// of the kind computes the terms of the record before and after, and decoding the whole
    /// object twice would cost more than the rest of the index.
    static func members(_ bytes: [UInt8], keys: Set<String>) -> JSONObject {
        bytes.withUnsafeBytes { raw -> JSONObject in
            var out = JSONObject()
            guard var scanner = try? JSONMemberScanner(raw), let base = raw.baseAddress else { return out }
            while let m = try? scanner.next() {
                guard keys.contains(m.keyText), let keyBase = m.key.baseAddress else { continue }
                var i = base.distance(to: keyBase) + m.key.count + 1
                // Past the key's closing quote: spaces and the colon, then the value.
                while i < m.span.upperBound, [0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ":")].contains(raw[i]) { i += 1 }
                let value = UnsafeRawBufferPointer(rebasing: raw[i..<m.span.upperBound])
                if value.count >= 2, value.first == UInt8(ascii: "\""), !value.contains(UInt8(ascii: "\\")) {
                    out[m.keyText] = .string(String(decoding: value.dropFirst().dropLast(), as: UTF8.self))
                } else if let v = try? JSONDecoder().decode(JSONValue.self, from: Data(value)) {
                    out[m.keyText] = v
                }
            }
            return out
        }
    }

    /// The values of `fields` as one text, to compare with what the record held at approval.
    func snapshot(_ values: JSONObject, _ fields: [String]) -> String {
        fields.map { Self.text(values[$0]) ?? "" }.joined(separator: "\u{1F}")
    }

    /// A term: the rule's position, then the parts, 0 between them (a 0 inside a part is dropped).
    static func term(_ position: UInt8, _ parts: [String]) -> [UInt8] {
        var out: [UInt8] = [position]
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(0) }
            out.append(contentsOf: part.utf8.filter { $0 != 0 })
        }
        return Array(out.prefix(maxTerm))
    }

    /// The prefix of a date-window term: position and cohort, big-endian so cohorts sort.
    static func cohortTerm(_ position: UInt8, _ cohort: UInt16) -> [UInt8] {
        [position, UInt8(cohort >> 8), UInt8(cohort & 0xFF)]
    }

    /// A value as index text ("" and non-text values are none).
    static func text(_ v: JSONValue?) -> String? {
        guard let v, let t = RecordTables.term(v) else { return nil }
        let trimmed = t.trimmingSpaces
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A credit code as compared: upper case.
    static func code(_ s: String) -> String { s.uppercased() }

    /// An employer name as compared: no spaces, full-width brackets as ASCII ones (the two
    /// spellings of one registered name are common and not suspicious).
    static func name(_ s: String) -> String {
        String(s.unicodeScalars.compactMap { c -> Character? in
            if c.properties.isWhitespace { return nil }
            switch c {
            case "（": return "("
            case "）": return ")"
            default: return Character(c)
            }
        })
    }

    /// A contact as compared: an e-mail in lower case; a phone by its digits, without China's 86.
    static func contact(_ s: String) -> String {
        if s.contains("@") { return s.lowercased() }
        let digits = s.filter(\.isASCII).filter(\.isNumber)
        return digits.count == 13 && digits.hasPrefix("86") ? String(digits.dropFirst(2)) : digits
    }

    /// The calendar day of a time in China (UTC+8), as `YYYY-MM-DD`: what a signing date is compared with.
    static func day(_ time: Double) -> String {
        let d = Int((time + 8 * 3600) / 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no calendar objects per record.
        let z = d + 719_468, era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
