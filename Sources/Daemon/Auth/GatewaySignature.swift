import Crypto
import Foundation
import Storage

/// Checks that a call comes from the WeChat gateway: an HMAC-SHA256 with the shared secret over
/// `timestamp \n nonce \n METHOD \n path \n body`, a timestamp within the allowed skew, and a
/// nonce never seen before (kept in LMDB, so a restart does not reopen the window).
struct GatewaySignature: Sendable {
    /// The header names the gateway sends.
    static let timestampHeader = "X-Jiuye-Timestamp"
    static let nonceHeader = "X-Jiuye-Nonce"
    static let signatureHeader = "X-Jiuye-Signature"

    enum Failure: Error, Equatable {
        case notConfigured, missing, stale, replayed, badSignature
        var apiError: APIError {
            switch self {
            case .notConfigured: APIError(.notFound, code: .notFound, message: "未配置微信网关")
            case .missing: APIError(.unauthorized, code: .gatewaySignatureMissing, message: "缺少网关签名")
            case .stale: APIError(.unauthorized, code: .gatewaySignatureStale, message: "网关请求已过期")
            case .replayed: APIError(.unauthorized, code: .gatewaySignatureReplayed, message: "网关请求重复")
            case .badSignature: APIError(.unauthorized, code: .gatewaySignatureInvalid, message: "网关签名无效")
            }
        }
    }

    let secret: SymmetricKey
    let maxSkew: Int

    /// The secret from `wechat.secretFile` or `wechat.secret`; nil when neither is set.
    init?(settings: WeChatSettings) throws {
        if let file = settings.secretFile {
            let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            secret = SymmetricKey(data: Data(text.utf8))
        } else if let s = settings.secret {
            secret = SymmetricKey(data: Data(s.utf8))
        } else {
            return nil
        }
        maxSkew = settings.maxSkewSeconds
    }

    /// The signature a gateway sends, hex.
    static func sign(secret: String, timestamp: String, nonce: String, method: String, path: String, body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message(timestamp, nonce, method, path, body), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).hex
    }

    private static func message(_ timestamp: String, _ nonce: String, _ method: String, _ path: String, _ body: Data) -> Data {
        var m = Data("\(timestamp)\n\(nonce)\n\(method)\n\(path)\n".utf8)
        m.append(body)
        return m
    }

    /// Verifies one call and records its nonce.
    func verify(timestamp: String?, nonce: String?, signature: String?, method: String, path: String, body: Data,
                store: DirectoryStore, now: Date = Date()) async throws {
        guard let timestamp, let nonce, let signature, nonce.count >= 16, nonce.count <= 128 else { throw Failure.missing }
        guard let ts = Int(timestamp), abs(Int(now.timeIntervalSince1970) - ts) <= maxSkew else { throw Failure.stale }
        guard let given = Data(hex: signature),
              HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.message(timestamp, nonce, method, path, body), using: secret)
        else { throw Failure.badSignature }
        try await store.environment.commit { [maxSkew] txn in
            guard try store.gatewayNonces.insert(txn, nonce, UInt64(ts)) else { throw Failure.replayed }
            // Forget nonces that are too old to be replayed anyway (a few per call keeps it small).
            var stale: [String] = []
            try store.gatewayNonces.scan(txn) { key, seen in
                if Int(seen) < Int(now.timeIntervalSince1970) - 2 * maxSkew { stale.append(key) }
                return stale.count < 16
            }
            for key in stale { try store.gatewayNonces.delete(txn, key) }
        }
    }
}

extension Data {
    /// Bytes from hex text; nil when malformed.
    init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = Self.nibble(chars[i]), let lo = Self.nibble(chars[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        self.init(bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
