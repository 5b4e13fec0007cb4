/// A unified social credit code (统一社会信用代码, GB 32100): 18 characters from a 31-character
/// alphabet (no I, O, S, V, Z), the last a check character computed from the first 17.
public struct CreditCode: Sendable, Hashable, CustomStringConvertible {
    /// The 18 characters, upper-cased.
    public let value: String

    private static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    private static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Why a text is not a valid credit code, in Chinese for users.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case length(Int)
        case character(Character)
        case checkCharacter(expected: Character)
        public var description: String {
            switch self {
            case .length(let n): "统一社会信用代码应为 18 位，实为 \(n) 位"
            case .character(let c): "统一社会信用代码含无效字符 \(c)"
            case .checkCharacter(let c): "统一社会信用代码校验位错误（应为 \(c)）"
            }
        }
    }

    /// Parses and checks `text` (surrounding spaces ignored, lowercase accepted).
    public init(_ text: String) throws(Problem) {
        let chars = Array(text.trimmingSpaces.uppercased())
        guard chars.count == 18 else { throw .length(chars.count) }
        var sum = 0
        for (i, c) in chars.prefix(17).enumerated() {
            guard let v = Self.alphabet.firstIndex(of: c) else { throw .character(c) }
            sum += v * Self.weights[i]
        }
        guard Self.alphabet.contains(chars[17]) else { throw .character(chars[17]) }
        let expected = Self.alphabet[(31 - sum % 31) % 31]
        guard chars[17] == expected else { throw .checkCharacter(expected: expected) }
        value = String(chars)
    }

    /// The check character for 17 leading characters (for generating test and demo data).
    public static func checkCharacter(for first17: String) -> Character? {
        let chars = Array(first17.uppercased())
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    public var description: String { value }
}
