import Crypto
import Foundation
import PluginAPI
import Storage

/// The SMS step of a first login: a 6-digit code sent through the outbox to the bound number;
/// the session is issued only when the code comes back right, within its lifetime and tries.
///
/// | database | key → value |
/// |---|---|
/// | `phone-challenges` | challenge id → ``Challenge`` |
/// | `phone-sends` | `number:<mobile>` or `account:<id>` → send times (for rate limits) |
struct PhoneVerification: Sendable {
    struct Challenge: JSONStorable, Sendable {
        var account: String
        var codeHash: String
        var expires: Double
        var tries: Int
    }

    enum Failure: Error, Equatable, APIErrorConvertible {
        case noMobile, tooMany, expired, locked, wrong(remaining: Int)
        var apiError: APIError {
            switch self {
            case .noMobile: APIError(.forbidden, code: .phoneRequired, message: "首次登录需验证手机号，请联系管理员绑定手机号")
            case .tooMany: APIError(.tooManyRequests, code: .tooManyCodes, message: "验证码发送过于频繁，请一小时后再试")
            case .expired: APIError(.unauthorized, code: .codeExpired, message: "验证码已过期，请重新登录获取")
            case .locked: APIError(.unauthorized, code: .challengeLocked, message: "验证码错误次数过多，请重新登录获取")
            case .wrong(let n): APIError(.unauthorized, code: .invalidCode, message: "验证码错误，还可尝试 \(n) 次", field: "code")
            }
        }
    }

    let challenges: Table<String, Challenge>
    let sends: Table<String, [UInt8]>

    init(environment: Environment) throws {
        challenges = try Table(environment, name: "phone-challenges")
        sends = try Table(environment, name: "phone-sends")
    }

    static func hash(_ code: String) -> String { SHA256.hash(data: Data(code.utf8)).hex }

    /// `138****5678`.
    static func masked(_ mobile: String) -> String {
        mobile.count == 11 ? String(mobile.prefix(3)) + "****" + String(mobile.suffix(4)) : "****"
    }

    /// Records a send against a key's hourly budget; false when the budget is spent.
    private func spend(_ txn: Transaction, _ key: String, now: Double, perHour: Int) throws -> Bool {
        var times = try sends.get(txn, key).map { bytes in
            stride(from: 0, to: bytes.count, by: 8).map { i in bytes[i..<i + 8].reduce(0) { UInt64($0) << 8 | UInt64($1) } }
        } ?? []
        times = times.filter { Double($0) > now - 3600 }
        guard times.count < perHour else { return false }
        times.append(UInt64(now))
        try sends.put(txn, key, times.flatMap { $0.keyBytes })
        return true
    }

    /// A new challenge for `account`, its code queued as an SMS in the same transaction.
    func challenge(_ txn: Transaction, account: Account, settings: PhoneVerificationSettings, outbox: Outbox, now: Double) throws -> (id: String, masked: String) {
        guard let mobile = account.mobile else { throw Failure.noMobile }
        guard try spend(txn, "number:\(mobile)", now: now, perHour: settings.perHour),
              try spend(txn, "account:\(account.id)", now: now, perHour: settings.perHour) else { throw Failure.tooMany }
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        let id = randomHex(bytes: 16)
        try challenges.put(txn, id, Challenge(account: account.id, codeHash: Self.hash(code), expires: now + Double(settings.codeSeconds), tries: 0))
        try outbox.enqueue(txn, event: "sms.code", to: account.id, kind: "", record: "",
                           data: ["mobile": .string(mobile), "code": .string(code), "minutes": .int(max(1, settings.codeSeconds / 60))], now: now)
        return (id, Self.masked(mobile))
    }

    /// Checks a code; on success the challenge is spent and the account's number marked verified.
    /// Wrong codes count against the challenge; its failure is returned, not thrown, so the count commits.
    func verify(_ txn: Transaction, id: String, code: String, settings: PhoneVerificationSettings, now: Double) throws -> Result<String, Failure> {
        guard var c = try challenges.get(txn, id) else { return .failure(.expired) }
        if c.expires < now { try challenges.delete(txn, id); return .failure(.expired) }
        if c.tries >= settings.maxTries { return .failure(.locked) }
        guard Self.hash(code.trimmingSpaces) == c.codeHash else {
            c.tries += 1
            try challenges.put(txn, id, c)
            return .failure(c.tries >= settings.maxTries ? .locked : .wrong(remaining: settings.maxTries - c.tries))
        }
        try challenges.delete(txn, id)
        return .success(c.account)
    }
}
