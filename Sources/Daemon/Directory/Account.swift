import Foundation
import PluginAPI
import Storage

/// An account that can log in. Students have one implicitly (学号 + the last six characters of
/// the ID number); it is written here only once it has state of its own (a password, a lock,
/// a WeChat binding), so importing 100 000 students writes no accounts.
public struct Account: JSONStorable, Sendable, Equatable {
    /// The login name: 学号 for students, an account name for staff, the credit code for employers.
    public var id: String
    public var displayName: String
    public var roles: Set<Role>
    /// An argon2id PHC string; nil for a student still on the initial password.
    public var passwordHash: String?
    /// Set after a reset: the next login must change the password.
    public var mustChangePassword = false
    /// Wrong passwords in a row.
    public var failedLogins = 0
    /// Locked until then after too many wrong passwords.
    public var lockedUntil: Date?
    /// The bound WeChat openid.
    public var wechatOpenID: String?
    /// Counselor: the classes assigned.
    public var classIDs: [UInt32] = []
    /// College officer: the college.
    public var collegeID: UInt32?
    /// Employer: its unified social credit code.
    public var creditCode: String?
    /// The bound mobile number, for SMS verification.
    public var mobile: String?
    /// Whether the mobile number has been verified by a code.
    public var phoneVerified: Bool?

    public init(id: String, displayName: String, roles: Set<Role>) {
        self.id = id
        self.displayName = displayName
        self.roles = roles
    }

    /// The principal the core hands to routes.
    public var principal: Principal { Principal(id: id, roles: roles, displayName: displayName) }

    /// The implicit account of a student who has never logged in.
    static func implicit(for student: StudentEntry) -> Account {
        Account(id: student.number, displayName: student.name, roles: [.student])
    }

    /// What clients may see of an account (never the hash).
    var summary: JSONValue {
        var o: JSONObject = [
            "id": .string(id), "displayName": .string(displayName),
            "roles": .array(roles.sorted().map { .string($0.rawValue) }),
            "mustChangePassword": .bool(mustChangePassword),
            "wechatBound": .bool(wechatOpenID != nil),
            "phoneVerified": .bool(phoneVerified == true),
        ]
        if let lockedUntil, lockedUntil > Date() { o["lockedUntil"] = .string(ISO8601DateFormatter().string(from: lockedUntil)) }
        return .object(o)
    }
}

/// A login session; the key is the SHA-256 of the bearer token, so a copy of the database
/// holds no usable token.
struct Session: JSONStorable, Sendable {
    var accountID: String
    var created: Date
    var expires: Date
}
