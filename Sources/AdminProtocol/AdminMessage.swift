import Foundation
@_exported import PluginAPI

/// One request on the admin socket: a line of JSON.
public struct AdminRequest: Codable, Sendable, Equatable {
    /// The command line as words, e.g. `["db", "backup", "/srv/backup"]`.
    public var words: [String]
    /// The client's working directory, against which the daemon resolves relative paths.
    public var cwd: String?

    public init(words: [String], cwd: String? = nil) {
        self.words = words
        self.cwd = cwd
    }
}

/// A progress line the daemon may send, any number of times, before the reply of a long command.
public struct AdminProgress: Codable, Sendable, Equatable {
    /// Work done so far.
    public var done: Int
    /// Work in all.
    public var total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }

    /// Encodes as one line `{"progress": {...}}`, newline included.
    public func line() throws -> Data {
        var d = try JSONEncoder().encode(["progress": self])
        d.append(0x0A)
        return d
    }
}

/// One reply on the admin socket: a line of JSON.
public struct AdminResponse: Codable, Sendable, Equatable {
    /// Whether the command succeeded.
    public var ok: Bool
    /// The reply, when it succeeded.
    public var reply: AdminReply?
    /// Why it failed, when it did.
    public var error: AdminFailure?

    public init(ok: Bool, reply: AdminReply? = nil, error: AdminFailure? = nil) {
        self.ok = ok
        self.reply = reply
        self.error = error
    }

    /// A success.
    public static func success(_ reply: AdminReply) -> AdminResponse { AdminResponse(ok: true, reply: reply) }
    /// A failure.
    public static func failure(_ code: AdminFailure.Code, _ message: String) -> AdminResponse {
        AdminResponse(ok: false, error: AdminFailure(code: code, message: message))
    }
}

/// Why an admin command failed.
public struct AdminFailure: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    /// Stable failure classes; `jiuyectl` turns them into exit codes.
    public enum Code: String, Codable, Sendable {
        /// The words match no verb, or its arguments are wrong.
        case usage
        /// The peer may not use the socket.
        case forbidden
        /// The command ran and failed (a broken config on reload, a backup target in use …).
        case failed
        /// The request was not one line of JSON.
        case badRequest = "bad_request"
    }
    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension AdminRequest {
    /// Encodes as one line, newline included.
    public func line() throws -> Data {
        var d = try JSONEncoder().encode(self)
        d.append(0x0A)
        return d
    }
}

extension AdminResponse {
    /// Encodes as one line, newline included.
    public func line() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var d = try encoder.encode(self)
        d.append(0x0A)
        return d
    }
}
