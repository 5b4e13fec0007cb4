import Crypto
import Foundation
import Storage

/// The key history chains are signed with (HMAC-SHA256): 32 random bytes, hex, in
/// `<data>/history.key`, created 0600 at first start. It lives outside LMDB so that whoever can
/// write the database, or holds a copy of it, still cannot forge a chain that verifies.
/// `db backup` copies it beside the database; docs/OPERATIONS.md says how to keep it.
struct HistoryKey: Sendable {
    static let fileName = "history.key"
    /// The meta entry holding the key's fingerprint: a database signed with one key is never
    /// silently served with another (a lost key file would otherwise be replaced by a fresh one).
    static let fingerprintKey = "history-key-id"

    let key: SymmetricKey

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case tooOpen(String)
        case missing(String)
        case mismatch(String)

        var description: String {
            switch self {
            case .unreadable(let p, let why): "\(p): \(why)"
            case .tooOpen(let p): "\(p) must be readable by the daemon's user only: chmod 600 \(p)"
            case .missing(let p): "\(p) is missing, but this database's histories were signed with it: restore it from the backup (docs/OPERATIONS.md)"
            case .mismatch(let p): "\(p) is not the key this database's histories were signed with: restore the right one from the backup"
            }
        }
    }

    /// A fingerprint that names the key without revealing it.
    var fingerprint: UInt32 {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("jiuye history key id".utf8), using: key)
        return Array(mac).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads the key of `dataDirectory`, creating it on a database that has never had one.
    static func open(dataDirectory: String, environment: Environment, meta: Table<String, UInt32>) throws -> HistoryKey {
        let path = dataDirectory + "/" + fileName
        let stored = try environment.read { try meta.get($0, fingerprintKey) }
        let key: HistoryKey
        if FileManager.default.fileExists(atPath: path) {
            key = try read(path)
        } else {
            guard stored == nil else { throw Failure.missing(path) }
            key = try create(path)
        }
        if let stored {
            guard stored == key.fingerprint else { throw Failure.mismatch(path) }
        } else {
            try environment.write { try meta.put($0, fingerprintKey, key.fingerprint) }
        }
        return key
    }

    private static func read(_ path: String) throws -> HistoryKey {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure.unreadable(path, String(cString: strerror(errno))) }
        guard st.st_mode & 0o077 == 0 else { throw Failure.tooOpen(path) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let bytes = Data(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw Failure.unreadable(path, "expected 64 hexadecimal digits (32 bytes)")
        }
        return HistoryKey(key: SymmetricKey(data: bytes))
    }

    /// A new key, written with O_EXCL so two daemons starting at once cannot both create one.
    private static func create(_ path: String) throws -> HistoryKey {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).hex } + "\n"
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure.unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw Failure.unreadable(path, String(cString: strerror(errno)))
        }
        return HistoryKey(key: key)
    }

    /// Copies the key file into `directory` (a backup's), 0600: the database copy alone cannot
    /// verify its histories. ``DataBackup`` calls it for every backup.
    static func backup(dataDirectory: String, to directory: String) throws {
        let source = dataDirectory + "/" + fileName
        let target = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: source) else { throw Failure.unreadable(source, "cannot be read") }
        guard FileManager.default.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.unreadable(target, "cannot be written")
        }
        chmod(target, 0o600)
    }
}
