import Foundation

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte (hashes, signatures, tokens).
    var hex: String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `count` bytes from the system's cryptographic generator, as hex: session tokens, challenge and
/// job ids.
func randomHex(bytes count: Int) -> String {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }.hex
}
