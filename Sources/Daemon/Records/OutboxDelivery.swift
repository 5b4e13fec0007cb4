import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PluginAPI
import ServiceLifecycle
import Storage

/// Sends the outbox: every due message to every channel that takes its event, retrying with
/// exponential backoff, dead-lettering after `maxAttempts`. A message leaves the outbox only once
/// every channel has it, so a crash between commit and delivery loses nothing: it is sent after
/// the restart.
final class OutboxDelivery: Service, Sendable {
    let services: CoreServices
    let logger: Logger
    let interval: Duration

    init(services: CoreServices, logger: Logger, interval: Duration = .milliseconds(200)) {
        self.services = services
        self.logger = logger
        self.interval = interval
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await deliverDue()
            try? await gracefulShutdown(orSleep: interval)
        }
    }

    /// Sleeps, returning early when the daemon shuts down.
    private func gracefulShutdown(orSleep interval: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }

    /// One round: the due messages, oldest first.
    func deliverDue(now: Date = Date()) async {
        let settings = services.host.current.settings.notifications
        guard let due = due(now: now) else { return }
        // Send first, then record every outcome of the round in one transaction (one fsync, not one
        // per message: a batch of 10 000 notices must not keep the writer busy).
        var outcomes: [(seq: UInt64, message: JSONObject?)] = []
        for (seq, message) in due {
            outcomes.append((seq, await deliver(message, seq: seq, settings: settings, now: now)))
        }
        record(outcomes)
    }

    /// The messages not dead-lettered whose next attempt is due; nil when the outbox cannot be read.
    private func due(now: Date) -> [(UInt64, JSONObject)]? {
        do {
            return try services.directory.environment.read { txn in
                try services.outbox.pending(txn, limit: 200).compactMap { seq, message in
                    guard let m = message.objectValue, m["status"]?.stringValue != "dead",
                          (m["nextAttempt"].flatMap(Self.number) ?? 0) <= now.timeIntervalSince1970 else { return nil }
                    return (seq, m)
                }
            }
        } catch {
            logger.error("outbox: cannot read: \(error)")
            return nil
        }
    }

    /// Sends `message` through every channel that takes it and has not had it yet. Returns nil when
    /// every channel has it (it leaves the outbox), else the message with its tries and next
    /// attempt, or dead-lettered after `maxAttempts`.
    private func deliver(_ message: JSONObject, seq: UInt64, settings: NotificationSettings, now: Date) async -> JSONObject? {
        var m = message
        let event = m["event"]?.stringValue ?? ""
        var done = Set(m["done"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var attempts = m["attempts"]?.objectValue ?? [:]
        var lastError: String?
        for channel in settings.channels where channel.takes(event) && !done.contains(channel.name) {
            do {
                try await send(m, seq: seq, through: channel, templates: settings.templates)
                done.insert(channel.name)
            } catch {
                attempts[channel.name] = .int((attempts[channel.name]?.intValue ?? 0) + 1)
                lastError = "\(channel.name): \(error)"
            }
        }
        let pendingChannels = settings.channels.filter { $0.takes(event) && !done.contains($0.name) }
        guard !pendingChannels.isEmpty else { return nil }
        let tries = pendingChannels.map { attempts[$0.name]?.intValue ?? 0 }.max() ?? 0
        m["done"] = .array(done.sorted().map(JSONValue.string))
        m["attempts"] = .object(attempts)
        m["lastError"] = lastError.map(JSONValue.string) ?? m["lastError"]
        if tries >= settings.maxAttempts {
            m["status"] = "dead"
            logger.warning("outbox: message \(seq) dead-lettered after \(tries) tries: \(lastError ?? "")")
        } else {
            let wait = min(3600, settings.backoffSeconds * pow(2, Double(max(0, tries - 1))))
            m["nextAttempt"] = .double(now.timeIntervalSince1970 + wait)
        }
        return m
    }

    /// Records a round's outcomes in one transaction: each message updated, or deleted when sent everywhere.
    private func record(_ outcomes: [(seq: UInt64, message: JSONObject?)]) {
        guard !outcomes.isEmpty else { return }
        let outbox = services.outbox
        do {
            try services.directory.environment.write { txn in
                for (seq, message) in outcomes {
                    if let message {
                        try outbox.table.put(txn, seq, Array(try JSONValue.object(message).jsonData()))
                    } else {
                        _ = try outbox.table.delete(txn, seq)
                    }
                }
            }
        } catch {
            logger.error("outbox: cannot record deliveries: \(error)")
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// Message data that must never reach a log line: an SMS code, a password.
    static let secretKeys: Set<String> = ["code", "password", "temporaryPassword"]

    /// `data` with every secret value replaced by asterisks.
    static func redacted(_ data: JSONObject) -> JSONValue {
        .object(JSONObject(data.map { ($0.key, secretKeys.contains($0.key) ? JSONValue.string("******") : $0.value) }))
    }

    /// The message's text: its event's template with `{name}` replaced by its data.
    static func render(_ m: JSONObject, templates: [String: String], kindLabel: String) -> String {
        let event = m["event"]?.stringValue ?? ""
        guard var text = templates[event] else { return "" }
        var data = m["data"]?.objectValue ?? [:]
        data["kind"] = .string(kindLabel)
        for (k, v) in data {
            let value: String = switch v {
            case .string(let s): s
            case .int(let i): String(i)
            default: v.jsonString()
            }
            text = text.replacingOccurrences(of: "{\(k)}", with: value)
        }
        return text
    }

    private func send(_ m: JSONObject, seq: UInt64, through channel: ChannelSettings, templates: [String: String]) async throws {
        let kindLabel = (try? services.kinds().tables[m["kind"]?.stringValue ?? ""]?.spec.label.zh) ?? ""
        var body: JSONObject = ["id": .int(Int(seq))]
        for key in ["event", "to", "kind", "record", "created"] { body[key] = m[key] ?? .null }
        body["text"] = .string(Self.render(m, templates: templates, kindLabel: kindLabel ?? ""))
        body["data"] = m["data"] ?? [:]
        switch channel.type {
        case "log":
            // Logs are read by more people than the recipient: a secret in the message is masked there.
            var masked = m
            masked["data"] = Self.redacted(m["data"]?.objectValue ?? [:])
            let text = Self.render(masked, templates: templates, kindLabel: kindLabel ?? "")
            logger.notice("notification", metadata: ["id": "\(seq)", "to": "\(m["to"]?.stringValue ?? "")", "text": "\(text)"])
        default:
            try await Webhook(channel: channel).post(.object(body), delivery: seq)
        }
    }
}

/// An HTTP POST of JSON signed with HMAC-SHA256 (`X-Jiuye-Signature`, hex, over the body).
struct Webhook {
    let channel: ChannelSettings

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func secret() throws -> String {
        if let file = channel.secretFile {
            return try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return channel.secret ?? ""
    }

    static func signature(secret: String, body: Data) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))).hex
    }

    /// Checks a signature made the same way (callbacks from outside systems), in constant time.
    static func verify(secret: String, body: Data, signature: String?) -> Bool {
        guard !secret.isEmpty, let signature, let given = Data(hex: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    func post(_ body: JSONValue, delivery: UInt64) async throws {
        guard let url = channel.url.flatMap(URL.init(string:)) else { throw Failure(description: "no url") }
        let data = try body.jsonData()
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(Self.signature(secret: try secret(), body: data), forHTTPHeaderField: "X-Jiuye-Signature")
        request.setValue(String(delivery), forHTTPHeaderField: "X-Jiuye-Delivery")
        let (_, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw Failure(description: "HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
    }
}
