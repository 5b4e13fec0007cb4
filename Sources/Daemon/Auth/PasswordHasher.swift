import CArgon2
import Foundation

/// argon2id through Debian's libargon2: PHC strings that carry their salt and parameters.
struct PasswordHasher: Sendable {
    /// Memory cost in KiB (64 MiB by default).
    let memoryKiB: UInt32
    /// Passes over memory.
    let iterations: UInt32

    enum Failure: Error, CustomStringConvertible {
        case argon2(Int32)
        var description: String { "argon2: \(String(cString: argon2_error_message(code)))" }
        var code: Int32 { if case .argon2(let c) = self { return c } else { return 0 } }
    }

    /// A salted argon2id hash of `password` as a PHC string.
    func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = rng.next() }
        let pwd = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, 1, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let rc = argon2id_hash_encoded(iterations, memoryKiB, 1, pwd, pwd.count, salt, salt.count, 32, &encoded, length)
        guard rc == ARGON2_OK.rawValue else { throw Failure.argon2(rc) }
        return String(cString: encoded)
    }

    /// Whether `password` matches a PHC string (its own parameters apply).
    func verify(_ password: String, against encoded: String) -> Bool {
        let pwd = Array(password.utf8)
        return argon2id_verify(encoded, pwd, pwd.count) == ARGON2_OK.rawValue
    }
}

/// Compares two strings in time that depends only on their lengths.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in x.indices { diff |= x[i] ^ y[i] }
    return diff == 0
}
