/// Who a principal is. Routes and review transitions name the roles they allow.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 学生: owns their records.
    case student
    /// 辅导员: the first review level, over the classes assigned to them.
    case counselor
    /// 学院: the second level, over one college.
    case college
    /// 学校 (就业中心): the last level, over everything.
    case school
    /// 用人单位: sees its own agreements.
    case employer

    /// The label users read.
    public var label: LocalizedText {
        switch self {
        case .student: LocalizedText("学生", en: "student")
        case .counselor: LocalizedText("辅导员", en: "counselor")
        case .college: LocalizedText("学院", en: "college officer")
        case .school: LocalizedText("学校", en: "school officer")
        case .employer: LocalizedText("用人单位", en: "employer")
        }
    }

    /// Whether the role reviews records (counselor, college, school).
    public var isStaff: Bool { self == .counselor || self == .college || self == .school }

    /// The three staff roles, lowest level first.
    public static let staff: Set<Role> = [.counselor, .college, .school]

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let role = Role(rawValue: text) else {
            let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown role \"\(text)\" (known: \(known))"))
        }
        self = role
    }

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who is calling: the core resolves it from the session and applies its scope.
public struct Principal: Sendable, Hashable, Codable {
    /// The account id.
    public var id: String
    /// The roles the account holds.
    public var roles: Set<Role>
    /// The name to show and to write into histories.
    public var displayName: String

    /// - Parameters:
    ///   - id: the account id.
    ///   - roles: the roles held.
    ///   - displayName: the name shown.
    public init(id: String, roles: Set<Role>, displayName: String) {
        self.id = id
        self.roles = roles
        self.displayName = displayName
    }
}
