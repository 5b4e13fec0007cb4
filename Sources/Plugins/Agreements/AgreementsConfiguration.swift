import Foundation
import PluginAPI

/// `plugins.agreements.config`.
public struct AgreementsConfiguration: PluginConfiguration, Equatable {
    /// The shape every imported 协议书编号 must have, as a regular expression over the whole number
    /// (e.g. graduation year + school code + education level + serial: `^2027[0-9]{5}[1-4][0-9]{4}$`).
    public var numberPattern = "^[0-9A-Za-z-]{6,32}$"
    /// The e-signing provider.
    public var esign = ESignSettings()

    public init() {}

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if (try? Regex(numberPattern)) == nil { problems.append(ConfigProblem(path: ["numberPattern"], "is not a valid regular expression")) }
        if esign.secret != nil && esign.secretFile != nil { problems.append(ConfigProblem(path: ["esign"], "set secret or secretFile, not both")) }
        if let file = esign.secretFile, let problem = SecretFile.problem(file) { problems.append(ConfigProblem(path: ["esign", "secretFile"], problem)) }
        return problems
    }
}

/// The e-signing provider's callback: signed with a shared secret, the scheme of jiuye's webhooks.
public struct ESignSettings: Codable, Sendable, Equatable {
    /// The shared secret (prefer `secretFile` in production).
    public var secret: String?
    /// A file holding the shared secret.
    public var secretFile: String?

    public init() {}

    /// The secret, or nil when none is configured (callbacks are then refused).
    func resolvedSecret() -> String? {
        if let file = secretFile {
            return (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return secret
    }
}
