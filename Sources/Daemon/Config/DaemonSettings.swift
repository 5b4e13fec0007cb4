import Foundation
import PluginAPI

/// The daemon's own part of `plugins.yaml` (everything but `plugins:`). Every key has a default.
public struct DaemonSettings: Codable, Sendable, Equatable {
    /// Who runs this daemon.
    public var institution = InstitutionSettings()
    /// HTTP limits.
    public var server = ServerSettings()
    /// The admin socket.
    public var admin = AdminSettings()
    /// LMDB sizing.
    public var storage = StorageSettings()
    /// Passwords, lockout, sessions.
    public var auth = AuthSettings()
    /// The WeChat gateway.
    public var wechat = WeChatSettings()
    /// Delivery of the outbox.
    public var notifications = NotificationSettings()
    /// Uploaded materials.
    public var materials = MaterialSettings()
    /// Imported spreadsheets.
    public var imports = ImportSettings()

    public init() {}

    /// Checks beyond types, as (path, message) pairs relative to the file's root.
    func problems() -> [(ConfigPath, String)] {
        var out: [(ConfigPath, String)] = []
        let root = ConfigPath()
        if server.maxBodyBytes < 1024 { out.append((root.appending("server").appending("maxBodyBytes"), "must be at least 1024")) }
        if server.idleTimeoutSeconds < 1 { out.append((root.appending("server").appending("idleTimeoutSeconds"), "must be at least 1")) }
        if server.bodyTimeoutSeconds < 1 { out.append((root.appending("server").appending("bodyTimeoutSeconds"), "must be at least 1")) }
        if admin.mode == nil {
            out.append((root.appending("admin").appending("socketMode"), "expected an octal mode such as \"0600\", with read and write for the owner"))
        }
        if storage.mapSizeMiB < 1 { out.append((root.appending("storage").appending("mapSizeMiB"), "must be at least 1")) }
        if storage.maxMapSizeGiB * 1024 < storage.mapSizeMiB {
            out.append((root.appending("storage").appending("maxMapSizeGiB"), "must not be below mapSizeMiB"))
        }
        out += authProblems(root.appending("auth"))
        for (i, proxy) in server.trustedProxies.enumerated() where !ClientAddress.isIPAddress(proxy) {
            out.append((root.appending("server").appending("trustedProxies").appending(index: i), "\"\(proxy)\" is not an IP address"))
        }
        if materials.maxBytes < 1024 {
            out.append((root.appending("materials").appending("maxBytes"), "must be at least 1024"))
        }
        out += notificationProblems(root.appending("notifications"))
        if let file = wechat.secretFile, let problem = SecretFile.problem(file) { out.append((root.appending("wechat").appending("secretFile"), problem)) }
        if imports.maxPartMiB < 1 { out.append((root.appending("imports").appending("maxPartMiB"), "must be at least 1")) }
        if imports.maxCompressionRatio < 10 { out.append((root.appending("imports").appending("maxCompressionRatio"), "must be at least 10")) }
        if wechat.maxSkewSeconds < 1 { out.append((root.appending("wechat").appending("maxSkewSeconds"), "must be at least 1")) }
        if storage.maxReaders < 8 { out.append((root.appending("storage").appending("maxReaders"), "must be at least 8")) }
        return out
    }

    /// `auth:` and its `loginLimits:`.
    private func authProblems(_ a: ConfigPath) -> [(ConfigPath, String)] {
        var out: [(ConfigPath, String)] = []
        if auth.maxFailedLogins < 1 { out.append((a.appending("maxFailedLogins"), "must be at least 1")) }
        if auth.lockMinutes < 1 { out.append((a.appending("lockMinutes"), "must be at least 1")) }
        if auth.sessionHours < 1 { out.append((a.appending("sessionHours"), "must be at least 1")) }
        if auth.minPasswordLength < 6 { out.append((a.appending("minPasswordLength"), "must be at least 6")) }
        if auth.argon2MemoryKiB < 8 { out.append((a.appending("argon2MemoryKiB"), "must be at least 8")) }
        if auth.argon2Iterations < 1 { out.append((a.appending("argon2Iterations"), "must be at least 1")) }
        let l = a.appending("loginLimits"), limits = auth.loginLimits
        for (key, value) in [("perClientBurst", limits.perClientBurst), ("perClientPerMinute", limits.perClientPerMinute),
                             ("perAccountBurst", limits.perAccountBurst), ("perAccountPerMinute", limits.perAccountPerMinute),
                             ("queueLength", limits.queueLength)] where value < 1 {
            out.append((l.appending(key), "must be at least 1"))
        }
        if limits.refusalDelayMilliseconds < 0 || limits.refusalDelayMilliseconds > 10_000 {
            out.append((l.appending("refusalDelayMilliseconds"), "must be between 0 and 10000"))
        }
        if limits.concurrentHashes < 0 { out.append((l.appending("concurrentHashes"), "must be 0 (one per core) or more")) }
        if !(limits.queueSeconds > 0) { out.append((l.appending("queueSeconds"), "must be above 0")) }
        return out
    }

    /// `notifications:`: retries, and each channel complete for its type, under its own name.
    private func notificationProblems(_ n: ConfigPath) -> [(ConfigPath, String)] {
        var out: [(ConfigPath, String)] = []
        if notifications.maxAttempts < 1 { out.append((n.appending("maxAttempts"), "must be at least 1")) }
        if notifications.backoffSeconds <= 0 { out.append((n.appending("backoffSeconds"), "must be above 0")) }
        for (i, c) in notifications.channels.enumerated() {
            let p = n.appending("channels").appending(index: i)
            switch c.type {
            case "log": break
            case "webhook":
                if c.url.flatMap(URL.init(string:))?.scheme?.hasPrefix("http") != true { out.append((p.appending("url"), "a webhook needs an http(s) url")) }
                if c.secret == nil && c.secretFile == nil { out.append((p, "a webhook needs secret: or secretFile: to sign its calls")) }
                if let file = c.secretFile, let problem = SecretFile.problem(file) { out.append((p.appending("secretFile"), problem)) }
            default: out.append((p.appending("type"), "unknown channel type \"\(c.type)\" (log or webhook)"))
            }
        }
        if Set(notifications.channels.map(\.name)).count != notifications.channels.count {
            out.append((n.appending("channels"), "two channels share a name"))
        }
        return out
    }
}

/// The institution the daemon serves.
public struct InstitutionSettings: Codable, Sendable, Equatable {
    /// 学校名称.
    public var name = "示例大学"
    /// 学校代码 (the five-digit national code).
    public var code = "10000"
    public init() {}
}

/// HTTP limits.
public struct ServerSettings: Codable, Sendable, Equatable {
    /// Largest request body accepted, in bytes; larger ones get 413.
    public var maxBodyBytes = 12 << 20
    /// A connection with no traffic for this long is closed.
    public var idleTimeoutSeconds = 60
    /// A request body must arrive within this many seconds (stops slow senders).
    public var bodyTimeoutSeconds = 30
    /// IP addresses of the reverse proxies in front of jiuyed. Only a request arriving from one
    /// of them has its client address taken from `X-Forwarded-For` (or `X-Real-IP`); anyone else
    /// could write those headers to dodge the per-address login limit.
    public var trustedProxies: [String] = []
    public init() {}
}

/// The admin socket.
public struct AdminSettings: Codable, Sendable, Equatable {
    /// The socket file's mode, octal. `0600` by default; `0660` with `group` for an admin group.
    public var socketMode = "0600"
    /// A group whose members may use the socket (the socket is handed to this group).
    public var group: String?
    /// Further uids allowed besides root and the daemon's own.
    public var allowedUIDs: [UInt32] = []
    public init() {}

    /// The parsed mode, or nil when malformed or when the owner lacks read and write.
    var mode: UInt16? {
        guard let m = UInt16(socketMode, radix: 8), m <= 0o777, m & 0o600 == 0o600 else { return nil }
        return m
    }
}

/// LMDB sizing.
public struct StorageSettings: Codable, Sendable, Equatable {
    /// The map size to start with, MiB; it doubles when full.
    public var mapSizeMiB = 256
    /// The map never grows past this, GiB.
    public var maxMapSizeGiB = 256
    /// Reader slots.
    public var maxReaders = 256
    public init() {}
}

/// `plugins.<id>` apart from its `config`.
struct PluginEntrySettings: Codable, Sendable {
    /// Set false to keep an entry in the file but not run the plugin.
    var enabled = true
    /// Plugins to start before this one, besides those it declares in code.
    var depends: [String] = []
    /// Per-kind overrides.
    var kinds: [String: KindSettings] = [:]
    /// A plugin written only in YAML (its id is not one of this binary's plugins).
    var declare: DeclaredPluginSettings?
}

/// `plugins.<id>.kinds.<kind>`.
struct KindSettings: Codable, Sendable {
    /// Replaces the kind's review stages.
    var review: ReviewSettings?
    /// Fields added, or changed by key (label, requiredness …).
    var fields: [FieldSettings]?
    /// `direct` (the student's values are the record) or `separate` (kept apart for staff to copy
    /// over, 一键复制填报). Stored records follow a change at the next start or reload.
    var studentForm: StudentForm?
    /// The console list's default columns and filters.
    var list: ListSettings?
    /// Saved lists (tabs); replaces the kind's own.
    var views: [ViewSettings]?
    /// Who may correct the kind's registry fields (学籍信息): `[school]` by default, `[school,
    /// college]` to let the college too; a field's own `correctableBy:` wins over this.
    var correctableBy: [Role]?
    /// The limits of the kind's 数据核查 (``AuditSettings``).
    var audit: AuditSettings?
}

/// `plugins.<id>.kinds.<kind>.review`.
struct ReviewSettings: Codable, Sendable {
    /// The levels, lowest first, e.g. `[counselor, school]`.
    var stages: [Role]
    /// Where a resubmitted record restarts: `first-stage` or `rejecting-stage`.
    var resubmission: ReviewPipeline.Resubmission?
    /// The reasons a rejection chooses from.
    var reasons: [ReasonSettings]?
    /// Who submits (default the student).
    var submitters: [Role]?
}

/// Passwords, lockout and sessions.
public struct AuthSettings: Codable, Sendable, Equatable {
    /// Wrong passwords in a row before the account locks.
    public var maxFailedLogins = 5
    /// How long a lock lasts.
    public var lockMinutes = 15
    /// How long a session lives.
    public var sessionHours = 12
    /// After a staff reset the next login must change the password.
    public var forcePasswordChangeAfterReset = true
    /// The shortest new password accepted.
    public var minPasswordLength = 8
    /// argon2id memory cost, KiB.
    public var argon2MemoryKiB = 65536
    /// argon2id passes.
    public var argon2Iterations = 3
    /// SMS verification of a bound mobile number at an account's first login.
    public var phoneVerification = PhoneVerificationSettings()
    /// Rate limits and the bound on concurrent password hashing.
    public var loginLimits = LoginLimitSettings()
    public init() {}
}

/// `auth.loginLimits`: every login attempt costs an argon2id hash (64 MiB by default), so
/// attempts are rate-limited per client address and per account, and hashing is bounded.
/// The counters live in memory: a restart forgets them.
public struct LoginLimitSettings: Codable, Sendable, Equatable {
    /// Attempts one client address may make at once, and then per minute.
    public var perClientBurst = 30
    public var perClientPerMinute = 30
    /// Attempts on one account, from anywhere, at once and then per minute.
    public var perAccountBurst = 10
    public var perAccountPerMinute = 5
    /// Hashes computed at the same time; 0 means one per CPU core.
    public var concurrentHashes = 0
    /// Attempts that may wait for a hashing slot (one client holds at most an eighth of them).
    public var queueLength = 32
    /// How long an attempt may wait for a slot before it is answered 429.
    public var queueSeconds = 2.0
    /// An attempt over a rate limit is answered 429 after this pause, so that a client retrying
    /// at once cannot keep the server busy answering refusals.
    public var refusalDelayMilliseconds = 500
    public init() {}

    /// Hashes at once, with 0 resolved to the number of cores.
    var hashSlots: Int { concurrentHashes > 0 ? concurrentHashes : max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// `auth.phoneVerification`: a 6-digit code by SMS (through the outbox) before the first session.
public struct PhoneVerificationSettings: Codable, Sendable, Equatable {
    public var enabled = false
    /// The roles that must verify; staff by default, students optionally.
    public var roles: [Role] = [.counselor, .college, .school]
    /// How long a code lives.
    public var codeSeconds = 300
    /// Wrong codes allowed before the attempt locks.
    public var maxTries = 5
    /// Codes sent per number, and per account, in an hour.
    public var perHour = 5
    public init() {}
}

/// The WeChat gateway, which does the OAuth exchange outside jiuye and signs its calls.
public struct WeChatSettings: Codable, Sendable, Equatable {
    /// A file holding the shared secret (preferred: keeps it out of plugins.yaml).
    public var secretFile: String?
    /// The shared secret itself.
    public var secret: String?
    /// Calls whose timestamp is further than this from now are refused.
    public var maxSkewSeconds = 300
    public init() {}
}

/// Delivery of the outbox: channels, retries, message templates.
public struct NotificationSettings: Codable, Sendable, Equatable {
    /// Where messages go. Every message goes to every channel whose `events` match it.
    public var channels: [ChannelSettings] = [ChannelSettings(name: "log", type: "log")]
    /// Tries per channel before a message is dead-lettered.
    public var maxAttempts = 8
    /// The first retry waits this long; each next one twice as long (capped at an hour).
    public var backoffSeconds = 2.0
    /// Chinese message text per event; `{name}` is replaced by the message's data.
    public var templates: [String: String] = [
        "record.approve": "您的{kind}已由{by}审核通过，当前状态：{stateLabel}。",
        "record.reject": "您的{kind}未通过审核（{reason}）：{note}。请修改后重新提交。",
        "notice": "{message}",
        "sms.code": "您的登录验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略。",
        "sms.esign": "{studentName}与{employerName}的三方协议（编号 {agreementNumber}）已审核通过，请按电子签约平台的短信完成签署。",
    ]
    public init() {}
}

/// One delivery channel.
public struct ChannelSettings: Codable, Sendable, Equatable {
    /// A name for logs and `jiuyectl outbox list`.
    public var name: String
    /// `log` or `webhook` (WeChat and SMS gateways are webhooks).
    public var type: String
    /// The webhook's URL.
    public var url: String?
    /// The webhook's signing secret, or a file holding it.
    public var secret: String?
    public var secretFile: String?
    /// Event patterns this channel takes (`record.*`, `notice`); all when absent or empty.
    public var events: [String]?

    public init(name: String, type: String, url: String? = nil, secret: String? = nil, events: [String]? = nil) {
        self.name = name
        self.type = type
        self.url = url
        self.secret = secret
        self.events = events
    }

    /// Whether this channel takes `event`.
    func takes(_ event: String) -> Bool {
        let events = self.events ?? []
        return events.isEmpty || events.contains { p in p == event || (p.hasSuffix("*") && event.hasPrefix(String(p.dropLast()))) }
    }
}

/// Uploaded materials.
public struct MaterialSettings: Codable, Sendable, Equatable {
    /// The largest file accepted, in bytes (10 MB by default; never more than server.maxBodyBytes).
    public var maxBytes = 10 << 20
    public init() {}
}

/// Imported spreadsheets (the registry, plugin imports). An XLSX is a zip, so a small upload can
/// inflate enormously; each part of it is held to these before it is inflated.
public struct ImportSettings: Codable, Sendable, Equatable {
    /// MiB one part (a worksheet, the shared strings) may inflate to. A 100 000-row registry's
    /// sheet is about 33 MB.
    public var maxPartMiB = 256
    /// Inflated over compressed size, per part. Real sheets compress about 8:1; a zip bomb 1000:1.
    public var maxCompressionRatio = 200
    public init() {}
}
