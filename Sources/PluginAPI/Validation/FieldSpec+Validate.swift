import Foundation

/// Why a value does not fit its field: an English code for programs, a Chinese message for users.
public struct FieldProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field's key.
    public var field: String
    /// A stable code, e.g. `invalid_id_number`.
    public var code: String
    /// What is wrong, for users, naming the field by its label.
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension FieldSpec {
    /// Checks one value against the field's type; `null` always passes (requiredness is checked
    /// on submission). Returns the value in canonical form (trimmed text, upper-cased check characters).
    /// - Parameter tables: the code tables in force (built in, plus the institution's entries).
    public func validate(_ value: JSONValue, tables: [String: CodeTable]) -> Result<JSONValue, FieldProblem> {
        func fail(_ code: String, _ why: String) -> Result<JSONValue, FieldProblem> {
            .failure(FieldProblem(field: key, code: code, message: "\(label.zh)：\(why)"))
        }
        if value == .null { return .success(.null) }
        switch type {
        case .boolean:
            guard case .bool = value else { return fail("invalid_boolean", "应为是或否") }
            return .success(value)
        case .number(let min, let max, let decimals):
            let n: Double
            switch value {
            case .int(let i): n = Double(i)
            case .double(let d): n = d
            default: return fail("invalid_number", "应为数字")
            }
            if let min, n < min { return fail("out_of_range", "不能小于 \(Self.format(min))") }
            if let max, n > max { return fail("out_of_range", "不能大于 \(Self.format(max))") }
            let scale = pow(10.0, Double(decimals))
            if (n * scale).rounded() != n * scale { return fail("invalid_number", decimals == 0 ? "应为整数" : "最多 \(decimals) 位小数") }
            return .success(decimals == 0 ? .int(Int(n)) : .double(n))
        default:
            break
        }
        guard case .string(let raw) = value else { return fail("invalid_type", "应为文本") }
        let text = raw.trimmingSpaces
        if text.isEmpty { return .success(.null) }
        switch type {
        case .text(let maxLength):
            if let maxLength, text.count > maxLength { return fail("too_long", "不能超过 \(maxLength) 个字") }
            if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) { return fail("invalid_text", "含有控制字符") }
        case .code(let table):
            guard let t = tables[table] else { return fail("unknown_table", "代码表 \(table) 不存在") }
            guard t.contains(text) else { return fail("invalid_code", "“\(text)”不是\(t.label.zh)代码表中的代码") }
        case .date:
            guard Self.isDate(text) else { return fail("invalid_date", "应为 YYYY-MM-DD 格式的日期") }
        case .month:
            let p = text.split(separator: "-")
            guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]), (1900...2100).contains(y), (1...12).contains(m)
            else { return fail("invalid_month", "应为 YYYY-MM 格式的年月") }
        case .idNumber:
            do { return .success(.string(try IDNumber(text).value)) } catch { return fail("invalid_id_number", error.description) }
        case .creditCode:
            do { return .success(.string(try CreditCode(text).value)) } catch { return fail("invalid_credit_code", error.description) }
        case .regionCode:
            guard text.count == 6, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return fail("invalid_region_code", "应为 6 位行政区划代码") }
        case .phone:
            guard text.count == 11, text.first == "1", text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return fail("invalid_phone", "应为 11 位手机号码") }
        case .email:
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
                  !text.contains(" "), text.count <= 254 else { return fail("invalid_email", "邮箱格式不正确") }
        case .file:
            guard text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return fail("invalid_file", "应为已上传文件的编号") }
        case .boolean, .number:
            break
        }
        return .success(.string(text))
    }

    static func isDate(_ text: String) -> Bool {
        let p = text.split(separator: "-")
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1900...2100).contains(y), (1...12).contains(m) else { return false }
        return (1...IDNumber.days(inMonth: m, year: y)).contains(d)
    }

    static func format(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
