import Foundation
import PluginAPI
import Storage

/// An employer's request for an account (用人单位注册), waiting for the school's decision. The
/// password is hashed at once; the account is created only on approval.
struct EmployerRegistration: JSONStorable, Sendable, Equatable {
    enum Status: String, Codable, Sendable { case pending, approved, rejected }

    /// The unified social credit code: the account id once approved.
    var creditCode: String
    var name: String
    var contact: String
    var mobile: String
    var passwordHash: String
    var status: Status
    var submitted: Double
    var decidedBy: String?
    var reason: String?

    var json: JSONValue {
        ["creditCode": .string(creditCode), "name": .string(name), "contact": .string(contact), "mobile": .string(mobile),
         "status": .string(status.rawValue), "submitted": .double(submitted),
         "decidedBy": decidedBy.map(JSONValue.string) ?? .null, "reason": reason.map(JSONValue.string) ?? .null]
    }
}
