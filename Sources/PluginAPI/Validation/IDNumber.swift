/// A resident ID-card number (公民身份号码, GB 11643): 6-digit region, 8-digit birth date,
/// 3-digit sequence (odd for men), and a check character computed from the first 17.
public struct IDNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 18 characters, with the check character upper-cased.
    public let value: String

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Why a text is not a valid ID number, in Chinese for users.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case length(Int)
        case characters
        case birthDate
        case checkCharacter(expected: Character)
        public var description: String {
            switch self {
            case .length(let n): "身份证号应为 18 位，实为 \(n) 位"
            case .characters: "身份证号前 17 位应为数字，末位为数字或 X"
            case .birthDate: "身份证号中的出生日期无效"
            case .checkCharacter(let c): "身份证号校验位错误（应为 \(c)）"
            }
        }
    }

    /// Parses and checks `text` (surrounding spaces ignored, a lowercase x accepted).
    public init(_ text: String) throws(Problem) {
        let chars = Array(text.trimmingSpaces.uppercased())
        guard chars.count == 18 else { throw .length(chars.count) }
        var sum = 0
        for (i, c) in chars.prefix(17).enumerated() {
            guard let d = c.wholeNumberValue, c.isASCII else { throw .characters }
            sum += d * Self.weights[i]
        }
        guard chars[17].isASCII, chars[17].isNumber || chars[17] == "X" else { throw .characters }
        let y = Int(String(chars[6..<10]))!, m = Int(String(chars[10..<12]))!, d = Int(String(chars[12..<14]))!
        guard (1900...2100).contains(y), (1...12).contains(m), (1...Self.days(inMonth: m, year: y)).contains(d) else { throw .birthDate }
        let expected = Self.checkCharacters[sum % 11]
        guard chars[17] == expected else { throw .checkCharacter(expected: expected) }
        value = String(chars)
    }

    /// The check character for 17 leading digits (for generating test and demo data).
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.compactMap(\.wholeNumberValue)
        guard digits.count == 17 else { return nil }
        return checkCharacters[zip(digits, weights).map(*).reduce(0, +) % 11]
    }

    /// `YYYY-MM-DD` from positions 7–14.
    public var birthDate: String {
        let c = Array(value)
        return "\(String(c[6..<10]))-\(String(c[10..<12]))-\(String(c[12..<14]))"
    }

    /// GB/T 2261 gender code: `1` (男) for an odd sequence digit, `2` (女) for an even one.
    public var genderCode: String { Array(value)[16].wholeNumberValue! % 2 == 1 ? "1" : "2" }

    /// The last six characters: the initial password of a student account.
    public var lastSix: String { String(value.suffix(6)) }

    public var description: String { value }

    static func days(inMonth m: Int, year y: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (full-width spaces too).
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{3000}" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
