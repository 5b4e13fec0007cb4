/// A label users read: Chinese first, with an English fallback for logs and foreign staff.
public struct LocalizedText: Sendable, Hashable, Codable, ExpressibleByStringLiteral {
    /// The simplified-Chinese text users see.
    public var zh: String
    /// The English fallback; the Chinese text when none was given.
    public var en: String

    /// - Parameters:
    ///   - zh: the Chinese label.
    ///   - en: the English fallback.
    public init(_ zh: String, en: String? = nil) {
        self.zh = zh
        self.en = en ?? zh
    }

    /// A label with no separate English text.
    public init(stringLiteral value: String) { self.init(value) }
}
