import PluginAPI
import Storage

/// A node of the org tree: school → college (院系) → major (专业) → class (班级).
public struct OrgUnit: JSONStorable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// 院系.
        case college
        /// 专业.
        case major
        /// 班级.
        case `class`
    }
    /// A number unique across the tree, assigned on creation.
    public var id: UInt32
    public var kind: Kind
    /// The name as the registry spells it, e.g. 计算机学院.
    public var name: String
    /// The enclosing unit; nil for a college (the school is the root).
    public var parent: UInt32?
}

/// A student as the registry knows them: the account's identity and their place in the tree.
/// The module records (生源, 就业 …) hang off the student number.
public struct StudentEntry: JSONStorable, Sendable, Equatable {
    /// 学号: the login name and the key of every record of the student.
    public var number: String
    /// 姓名.
    public var name: String
    /// 身份证号 (checked, GB 11643).
    public var idNumber: String
    /// 性别, GB/T 2261 code.
    public var gender: String
    public var collegeID: UInt32
    public var majorID: UInt32
    public var classID: UInt32
    /// 学历层次 code.
    public var educationLevel: String
    /// 届: the graduation year.
    public var cohort: UInt16
    /// Whether the student's account is bound to WeChat (已认证): kept here so the counters by
    /// college, major and level stay live. Nil until first bound.
    public var wechatBound: Bool? = nil
}
